"""Read one inbox file safely and flatten its ParsedReport into staging rows.

Pure Python (no Dagster, no database): the warehouse layer writes the rows; a sharded run can
write them to Parquet instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from xxgk.parsing.model import PARSER_VERSION, ParsedCell, ParsedReport, ParseIssue


class ParseTimeout(Exception):
    """Parsing one file took longer than the configured budget."""


def _on_alarm(signum: int, frame: object) -> None:
    raise ParseTimeout


@contextmanager
def parse_time_limits() -> Iterator[None]:
    """Install the parse-timeout signal handler for a whole loop of :func:`read_and_parse` calls (a shard),
    so each call only arms and disarms its timer (main thread only; elsewhere it does nothing)."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGALRM) is _on_alarm:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        yield
    finally:
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise ParseTimeout after ``seconds`` (main thread only; elsewhere no limit is enforced)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    with parse_time_limits():  # installs the handler, unless a shard's loop did already
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)


_MEDIA_OF_SUFFIX = {".htm": "html", ".html": "html", ".shtml": "html", ".txt": "txt", ".pdf": "pdf", ".docx": "docx"}


def media_from_name(name: str) -> str:
    return _MEDIA_OF_SUFFIX.get(os.path.splitext(name)[1].lower(), "unknown")


def read_and_parse(abs_path: Path, rel_path: str, *, max_bytes: int, seconds: float) -> ParsedReport:
    """Parse one file; every failure becomes a located issue on the returned report, never an exception."""
    try:
        data = _read_file(abs_path, max_bytes)
    except _TooLarge as exc:
        return _failed(
            rel_path,
            "read",
            "file_too_large",
            f"file is {exc.size} bytes, above the limit of {max_bytes} bytes (XXGK_MAX_FILE_BYTES); not parsed",
        )
    except OSError as exc:
        return _failed(rel_path, "read", "unreadable_file", f"cannot read file: {exc}")
    if not data:
        return _failed(rel_path, "read", "empty_file", "file is empty (0 bytes)")
    from xxgk.parsing import parse_bytes

    try:
        with _time_limit(seconds):
            return parse_bytes(data, rel_path)
    except ParseTimeout:
        msg = f"parsing took longer than {seconds:g} s (XXGK_PARSE_SECONDS); not parsed"
        return _failed(rel_path, "extract", "parse_timeout", msg)
    except RecursionError:
        return _failed(rel_path, "extract", "too_deeply_nested", "document nesting too deep to parse")
    except MemoryError:
        return _failed(rel_path, "extract", "out_of_memory", "document too large to parse in memory")
    except Exception as exc:
        return _failed(rel_path, "extract", "parser_exception", f"{type(exc).__name__}: {exc}"[:500])


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


def _read_file(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; :class:`_TooLarge` (nothing read) when its size is above ``max_bytes``.
    (One open, one fstat, one read: a third of ``stat()`` + ``read_bytes()``'s cost on small files.)"""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise _TooLarge(size)
        data = os.read(fd, size + 1)  # one read when the size holds
        if len(data) > size:  # the file grew since fstat: read the rest (up to just past the limit)
            chunks = [data]
            total = len(data)
            while total <= max_bytes and (more := os.read(fd, 1 << 20)):
                chunks.append(more)
                total += len(more)
            data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise _TooLarge(len(data))
    return data


def _failed(rel_path: str, stage: str, code: str, message: str) -> ParsedReport:
    report = ParsedReport(media=media_from_name(rel_path))  # type: ignore[arg-type]
    report.issues.append(ParseIssue(stage, "error", code, message, rel_path))
    return report


def error_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:20]


#: Columns of the staging tables, in the order of their Parquet schemas (xxgk.warehouse.shards).
STAGING_COLUMNS: dict[str, tuple[str, ...]] = {
    "stg_report": (
        "sha256", "parser_version", "media", "encoding", "title", "agency", "region", "province", "city",
        "county", "year", "format_version", "scope", "published_date", "published_date_source",
        "metadata_sources", "parse_status", "n_cells", "n_ambiguous",
    ),
    "stg_cell": (
        "sha256", "table_code", "row_code", "col_code", "raw_text", "value", "is_blank", "marker", "unit",
        "confidence", "alternatives",
    ),
    "stg_text": ("sha256", "section", "text"),
    "ingest_errors": ("error_id", "source_file", "sha256", "stage", "severity", "code", "message", "location"),
}  # fmt: skip


#: stg_cell columns kept as one list each; the others (sha256 and the three codes) are kept as runs and
#: code indices (see StagingBatch)
CELL_VALUE_COLUMNS: tuple[str, ...] = STAGING_COLUMNS["stg_cell"][4:]


class StagingBatch:
    """The staging rows of several reports, column by column (one list per column of each table).

    Columnar so a batch becomes an Arrow table without a dict per row: a report has ~200 cells. The
    cells' repetitive columns are kept compact: ``cell_runs`` holds (sha256, number of cells) per report,
    ``cell_codes`` one index per cell into ``code_index`` ((table, row, column) → index, in insertion
    order); ``columns["stg_cell"]`` holds the other columns (:data:`CELL_VALUE_COLUMNS`).
    """

    def __init__(self) -> None:
        self.columns: dict[str, dict[str, list[Any]]] = {
            table: {col: [] for col in (CELL_VALUE_COLUMNS if table == "stg_cell" else cols)}
            for table, cols in STAGING_COLUMNS.items()
        }
        self.cell_runs: list[tuple[str, int]] = []
        self.cell_codes: list[int] = []
        self.code_index: dict[tuple[str, str, str], int] = {}
        self.reports = 0

    def rows(self, table: str) -> int:
        if table == "stg_cell":
            return len(self.cell_codes)
        return len(self.columns[table][STAGING_COLUMNS[table][0]])

    def clear(self) -> None:
        for cols in self.columns.values():
            for values in cols.values():
                values.clear()
        self.cell_runs.clear()
        self.cell_codes.clear()
        self.code_index.clear()
        self.reports = 0

    def add(self, sha256: str, rel_path: str, report: ParsedReport) -> None:
        """Append the rows of one report (stg_report, stg_cell, stg_text, ingest_errors)."""
        self.reports += 1
        cells = report.cells
        r = self.columns["stg_report"]
        for col, value in (
            ("sha256", sha256),
            ("parser_version", PARSER_VERSION),
            ("media", report.media),
            ("encoding", report.encoding),
            ("title", report.title),
            ("agency", report.agency),
            ("region", report.region),
            ("province", report.province),
            ("city", report.city),
            ("county", report.county),
            ("year", report.year),
            ("format_version", report.format_version),
            ("scope", report.scope),
            ("published_date", report.published_date),
            ("published_date_source", report.published_date_source),
            ("metadata_sources", json.dumps(report.metadata_sources, ensure_ascii=False, sort_keys=True)),
            ("parse_status", report.status),
            ("n_cells", len(cells)),
            ("n_ambiguous", sum(1 for c in cells if c.alternatives)),
        ):
            r[col].append(value)
        issues: list[ParseIssue] = []
        index = self.code_index
        codes = [index.setdefault((c.table_code, c.row_code, c.col_code), len(index)) for c in cells]
        if len(set(codes)) != len(codes):  # a cell read twice: the first is kept, the others reported
            seen: set[int] = set()
            kept: list[ParsedCell] = []
            kept_codes: list[int] = []
            for c, code in zip(cells, codes, strict=True):
                if code in seen:
                    msg = f"cell {c.code} read twice; first kept"
                    issues.append(ParseIssue("cells", "warning", "duplicate_cell", msg, c.code))
                    continue
                seen.add(code)
                kept.append(c)
                kept_codes.append(code)
            cells, codes = kept, kept_codes
        if cells:
            self.cell_runs.append((sha256, len(cells)))
            self.cell_codes += codes
        c_ = self.columns["stg_cell"]
        c_["raw_text"].extend([c.raw_text for c in cells])
        c_["value"].extend([c.value for c in cells])
        c_["is_blank"].extend([c.is_blank for c in cells])
        c_["marker"].extend([c.marker for c in cells])
        c_["unit"].extend([c.unit for c in cells])
        c_["confidence"].extend([float(c.confidence) for c in cells])
        c_["alternatives"].extend([[float(a) for a in c.alternatives] if c.alternatives else None for c in cells])
        texts: list[tuple[str, str]] = []
        if report.text:
            texts.append(("ALL", report.text))
        texts += [(section, text) for section, text in sorted(report.narrative.items()) if section != "ALL"]
        t = self.columns["stg_text"]
        for section, text in texts:
            t["sha256"].append(sha256)
            t["section"].append(section)
            t["text"].append(text)
        e = self.columns["ingest_errors"]
        for issue in (*issues, *report.issues):
            for col, value in _issue_row(sha256, rel_path, issue).items():
                e[col].append(value)


def _issue_row(sha256: str | None, rel_path: str, issue: ParseIssue) -> dict[str, Any]:
    return {
        "error_id": error_id(rel_path, sha256, issue.stage, issue.code, issue.location, issue.message),
        "source_file": rel_path,
        "sha256": sha256,
        "stage": issue.stage,
        "severity": issue.severity,
        "code": issue.code,
        "message": issue.message,
        "location": issue.location,
    }
