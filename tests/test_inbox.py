"""Inbox scanning: any layout, hashing, manifests (including hostile ones)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from xxgk.inbox import scan_inbox, sha256_file
from xxgk.ingest import read_and_parse


def _write(p: Path, data: bytes | str) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def test_scan_finds_files_in_any_layout_sorted_and_skips_hidden(tmp_path: Path) -> None:
    _write(tmp_path / "b" / "c" / "r2.html", "<p>x</p>")
    _write(tmp_path / "a.txt", "x")
    _write(tmp_path / ".hidden" / "x.txt", "x")
    _write(tmp_path / ".tmpfile", "x")
    scan = scan_inbox(tmp_path)
    assert [f.path for f in scan.files] == ["a.txt", "b/c/r2.html"]
    assert scan.problems == []


def test_sha256_identifies_content(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.txt", "同一份报告")
    b = _write(tmp_path / "sub" / "b.txt", "同一份报告")
    assert sha256_file(a) == sha256_file(b)
    assert len(sha256_file(a)) == 64


def test_manifest_paths_are_relative_to_its_folder_and_cannot_escape(tmp_path: Path) -> None:
    _write(tmp_path / "jiangsu" / "r.txt", "x")
    _write(tmp_path / "jiangsu" / "q.txt", "x")
    _write(
        tmp_path / "jiangsu" / "manifest.csv",
        "file,agency,region,level,year\n"
        "r.txt,海安市科技局,海安市,county,2019\n"
        "../../etc/passwd,x,y,z,2019\n"
        "/etc/passwd,x,y,z,2019\n"
        "missing.txt,x,y,z,2019\n"
        "r.txt,,,,20x9\n"
        "q.txt,,,,20x9\n",
    )
    scan = scan_inbox(tmp_path)
    entry = scan.manifest["jiangsu/r.txt"]
    assert (entry.agency, entry.region, entry.level, entry.year) == ("海安市科技局", "海安市", "county", 2019)
    codes = sorted(p.code for p in scan.problems)
    assert codes == [
        "manifest_bad_year",
        "manifest_duplicate_entry",
        "manifest_missing_file",
        "manifest_path_outside_inbox",
        "manifest_path_outside_inbox",
    ]
    assert all(p.location.startswith("jiangsu/manifest.csv line ") for p in scan.problems)


def test_manifest_sql_in_agency_name_is_kept_as_text(tmp_path: Path) -> None:
    _write(tmp_path / "r.txt", "x")
    _write(tmp_path / "manifest.csv", 'file,agency,year\nr.txt,"x\'); DROP TABLE dim_report; --",2020\n')
    scan = scan_inbox(tmp_path)
    assert scan.manifest["r.txt"].agency == "x'); DROP TABLE dim_report; --"
    assert scan.manifest["r.txt"].year == 2020


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    outside = _write(tmp_path / "outside" / "secret.txt", "secret")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    os.symlink(outside, inbox / "link.txt")
    scan = scan_inbox(inbox)
    assert scan.files == []
    assert [p.code for p in scan.problems] == ["symlink_ignored"]


def test_oversized_and_empty_files_become_located_errors(tmp_path: Path) -> None:
    big = _write(tmp_path / "big.html", b"<p>" + b"x" * 5000)
    empty = _write(tmp_path / "empty.txt", b"")
    r = read_and_parse(big, "big.html", max_bytes=1000, seconds=5)
    assert r.status == "failed" and r.issues[0].code == "file_too_large" and r.cells == []
    r = read_and_parse(empty, "empty.txt", max_bytes=1000, seconds=5)
    assert r.status == "failed" and r.issues[0].code == "empty_file"


def test_scan_order_is_a_folders_files_then_its_sub_folders_and_folder_links_are_not_entered(tmp_path: Path) -> None:
    for rel in ("b.txt", "a/z.txt", "a/b/y.txt", "a/c.txt", "c/x.txt", "a/.h/x.txt"):
        _write(tmp_path / "inbox" / rel, "x")
    _write(tmp_path / "outside" / "secret.txt", "secret")
    os.symlink(tmp_path / "outside", tmp_path / "inbox" / "linked")
    scan = scan_inbox(tmp_path / "inbox")
    assert [f.path for f in scan.files] == ["b.txt", "a/c.txt", "a/z.txt", "a/b/y.txt", "c/x.txt"]
    assert all(f.abs_path == tmp_path / "inbox" / f.path for f in scan.files)
    assert scan.problems == []  # as os.walk: a link to a folder is listed as a folder, never entered


def test_sha256_files_on_threads_equals_one_by_one(tmp_path: Path) -> None:
    """The scan hashes new files on two threads (every other file each): same digests, same order; a file
    that cannot be read fails the scan as before (the error reaches the caller)."""
    from xxgk.inbox import sha256_file, sha256_files

    paths = []
    for i in range(1200):
        p = tmp_path / f"{i:04d}.txt"
        p.write_bytes(f"报告 {i}\n".encode() * (i % 7 + 1))
        paths.append(str(p))
    assert sha256_files(paths, threads=2) == [sha256_file(p) for p in paths]
    assert sha256_files(paths[:10], threads=2) == [sha256_file(p) for p in paths[:10]]  # few: one thread
    with pytest.raises(FileNotFoundError):
        sha256_files([*paths, str(tmp_path / "gone.txt")], threads=2)


def test_read_and_parse_reads_exact_bytes_and_names_unreadable_paths(tmp_path: Path) -> None:
    from xxgk.ingest import _read_file

    data = "标题\n".encode() * 3000
    path = _write(tmp_path / "r.txt", data)
    assert _read_file(path, 1 << 20) == data
    r = read_and_parse(tmp_path / "gone.txt", "gone.txt", max_bytes=1000, seconds=5)
    assert [(i.stage, i.code) for i in r.issues] == [("read", "unreadable_file")]
    r = read_and_parse(tmp_path, "a-folder", max_bytes=1 << 20, seconds=5)  # a folder: open works, read fails
    assert [(i.stage, i.code) for i in r.issues] == [("read", "unreadable_file")]


def test_time_limits_installed_once_for_a_loop_still_stop_a_slow_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal
    import time

    from xxgk.ingest import parse_time_limits

    def slow_parse(data: bytes, filename: str = "") -> None:
        time.sleep(5)
        raise AssertionError("not interrupted")

    path = _write(tmp_path / "r.txt", "第一章")
    before = signal.getsignal(signal.SIGALRM)
    monkeypatch.setattr("xxgk.parsing.parse_bytes", slow_parse)
    with parse_time_limits():
        installed = signal.getsignal(signal.SIGALRM)
        outcomes = [read_and_parse(path, f"r{i}.txt", max_bytes=1000, seconds=0.1).issues[0].code for i in range(2)]
        assert signal.getsignal(signal.SIGALRM) is installed  # not reinstalled per file
    assert outcomes == ["parse_timeout", "parse_timeout"]
    assert "0.1 s" in read_and_parse(path, "r.txt", max_bytes=1000, seconds=0.1).issues[0].message
    assert signal.getsignal(signal.SIGALRM) is before  # restored when the loop ends
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no timer left armed
