"""The inbox: every file under a folder (any layout), its content hash, and the optional manifests.

A report is identified by its content hash: the same bytes under another name are the same report.
Nothing here follows a path outside the inbox: symlinks are not followed, manifest paths that
leave the folder are rejected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MANIFEST_NAME = "manifest.csv"
_MANIFEST_FIELDS = ("agency", "region", "level", "year", "sector", "published_date")
_MANIFEST_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class InboxFile:
    """One regular file found in the inbox."""

    path: str  # relative to the inbox, '/'-separated
    abs_name: str  # the absolute path, as a string (a Path per file costs more than the walk itself)
    size_bytes: int
    mtime: float

    @property
    def abs_path(self) -> Path:
        return Path(self.abs_name)


@dataclass(frozen=True)
class ManifestEntry:
    """What a person stated about one file: it fills in (and overrides) what the content says."""

    path: str
    agency: str | None = None
    region: str | None = None
    level: str | None = None
    year: int | None = None
    sector: str | None = None
    published_date: str | None = None


@dataclass(frozen=True)
class InboxProblem:
    """A located problem with the inbox itself (a link, a bad manifest line)."""

    path: str
    stage: str
    code: str
    message: str
    location: str = ""


@dataclass
class InboxScan:
    files: list[InboxFile] = field(default_factory=list)
    manifest: dict[str, ManifestEntry] = field(default_factory=dict)
    problems: list[InboxProblem] = field(default_factory=list)


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file's content (raw ``os.read``: no buffered file object for a small file)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        h = hashlib.sha256()
        while block := os.read(fd, chunk):
            h.update(block)
        return h.hexdigest()
    finally:
        os.close(fd)


def sha256_files(paths: Sequence[str], threads: int = 2, min_per_thread: int = 500) -> list[str]:
    """``sha256_file`` of every path, in order, on up to ``threads`` threads (each takes every n-th path):
    ``os.read`` and hashing release the GIL, so two threads hash a national inbox ~1.5x faster than one
    even from the page cache, more from disk. Few paths: this thread only."""
    n = max(1, min(threads, len(paths) // max(1, min_per_thread)))
    if n == 1:
        return [sha256_file(p) for p in paths]
    out: list[str] = [""] * len(paths)
    errors: list[BaseException] = []

    def work(start: int) -> None:
        try:
            for i in range(start, len(paths), n):
                out[i] = sha256_file(paths[i])
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(k,), name=f"sha256-{k}") for k in range(n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise errors[0]
    return out


def scan_inbox(inbox: Path) -> InboxScan:
    """Walk ``inbox`` (sorted, deterministic): report files, manifests, and problems found.

    Order: a folder's files (sorted by name), then its sub-folders (sorted by name), depth first.
    One ``lstat`` per file (``os.scandir`` entries), no path arithmetic beyond string joins.
    """
    scan = InboxScan()
    if not inbox.is_dir():
        scan.problems.append(InboxProblem(str(inbox), "scan", "inbox_missing", f"inbox folder {inbox} does not exist"))
        return scan
    manifests: list[Path] = []
    _walk(inbox, scan, manifests)
    present = {f.path for f in scan.files}
    for m in manifests:
        _read_manifest(inbox, m, present, scan)
    return scan


def _walk(top: Path, scan: InboxScan, manifests: list[Path]) -> None:
    """Files of a folder then its sub-folders, as ``os.walk(followlinks=False)`` with sorted names would.

    A link to a folder is not entered (as ``os.walk``); a link to anything else is a located problem.
    """
    stack: list[tuple[str, str]] = [(str(top), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue  # os.walk ignores a folder it cannot list
        subdirs: list[tuple[str, str]] = []
        for e in entries:
            name = e.name
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not name.startswith(".") and not e.is_symlink():
                    subdirs.append((e.path, f"{prefix}{name}/"))
                continue
            if name.startswith("."):
                continue
            rel = prefix + name
            if e.is_symlink():
                scan.problems.append(
                    InboxProblem(rel, "scan", "symlink_ignored", "symbolic link not followed (may leave the inbox)")
                )
                continue
            if not e.is_file(follow_symlinks=False):
                continue
            if name == MANIFEST_NAME:
                manifests.append(Path(e.path))
                continue
            st = e.stat(follow_symlinks=False)
            scan.files.append(InboxFile(rel, e.path, st.st_size, st.st_mtime))
        stack += reversed(subdirs)


def _read_manifest(inbox: Path, manifest: Path, present: set[str], scan: InboxScan) -> None:
    rel_manifest = manifest.relative_to(inbox).as_posix()
    base = PurePosixPath(rel_manifest).parent
    if manifest.stat().st_size > _MANIFEST_MAX_BYTES:
        scan.problems.append(
            InboxProblem(rel_manifest, "manifest", "manifest_too_large", "manifest larger than 20 MB ignored")
        )
        return
    raw = manifest.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    key_field = "file" if "file" in fields else "path" if "path" in fields else None
    if key_field is None:
        scan.problems.append(
            InboxProblem(rel_manifest, "manifest", "manifest_no_file_column", "manifest has no 'file' column")
        )
        return
    for lineno, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        where = f"{rel_manifest} line {lineno}"
        target = _inside_inbox(base, row.get(key_field, ""))
        if target is None:
            scan.problems.append(
                InboxProblem(
                    rel_manifest,
                    "manifest",
                    "manifest_path_outside_inbox",
                    f"path {row.get(key_field, '')!r} leaves the inbox or is empty; entry ignored",
                    where,
                )
            )
            continue
        if target not in present:
            scan.problems.append(
                InboxProblem(
                    rel_manifest,
                    "manifest",
                    "manifest_missing_file",
                    f"no file {target!r} in the inbox",
                    where,
                )
            )
            continue
        if target in scan.manifest:
            scan.problems.append(
                InboxProblem(
                    rel_manifest,
                    "manifest",
                    "manifest_duplicate_entry",
                    f"second entry for {target!r} ignored; the first is kept",
                    where,
                )
            )
            continue
        year_text = row.get("year", "")
        year: int | None = None
        if year_text:
            if year_text.isdigit() and 1990 <= int(year_text) <= 2100:
                year = int(year_text)
            else:
                scan.problems.append(
                    InboxProblem(rel_manifest, "manifest", "manifest_bad_year", f"year {year_text!r} ignored", where)
                )
        values = {k: (row.get(k) or None) for k in _MANIFEST_FIELDS if k != "year"}
        scan.manifest[target] = ManifestEntry(path=target, year=year, **values)


def _inside_inbox(base: PurePosixPath, given: str) -> str | None:
    """The inbox-relative path of a manifest entry, or None if it is empty or escapes the inbox."""
    given = given.replace("\\", "/").strip()
    if not given or given.startswith("/") or ":" in given.split("/")[0]:
        return None
    parts: list[str] = []
    for part in (base / given).parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
            continue
        parts.append(part)
    return "/".join(parts) if parts else None
