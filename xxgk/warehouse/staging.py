"""Bring the inbox into the staging tables: scan, hash, parse what is new, record every problem.

Unchanged files (same path, size and mtime as recorded) are not hashed again; content already
parsed by this parser version is not parsed again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from xxgk.inbox import InboxScan, scan_inbox, sha256_file
from xxgk.ingest import StagedReport, error_id, media_from_name, read_and_parse, stage_report
from xxgk.parsing.model import PARSER_VERSION
from xxgk.settings import Settings

_STG_COLUMNS: dict[str, list[str]] = {
    "stg_report": [
        "sha256",
        "parser_version",
        "media",
        "encoding",
        "title",
        "agency",
        "region",
        "province",
        "city",
        "county",
        "year",
        "format_version",
        "scope",
        "published_date",
        "published_date_source",
        "metadata_sources",
        "parse_status",
        "n_cells",
        "n_ambiguous",
    ],
    "stg_cell": [
        "sha256",
        "table_code",
        "row_code",
        "col_code",
        "raw_text",
        "value",
        "is_blank",
        "marker",
        "unit",
        "confidence",
        "alternatives",
    ],
    "stg_text": ["sha256", "section", "text"],
    "ingest_errors": [
        "error_id",
        "source_file",
        "sha256",
        "stage",
        "severity",
        "code",
        "message",
        "location",
    ],
}


@dataclass(frozen=True)
class StageSummary:
    """Accounting of one staging pass: files seen = parsed + unchanged (+ duplicates of parsed content)."""

    files_seen: int
    files_parsed: int
    files_unchanged: int
    files_rejected: int
    contents_parsed: int
    problems: int


def stage_inbox(con: duckdb.DuckDBPyConnection, settings: Settings) -> StageSummary:
    """Scan ``settings.inbox`` and bring new content into stg_* tables (idempotent)."""
    scan = scan_inbox(settings.inbox)
    hashes = _hash_files(con, scan)
    _record_sources(con, scan, hashes)
    _record_manifest(con, scan)
    _record_inbox_problems(con, scan)

    parsed = {
        sha
        for (sha,) in con.execute(
            "SELECT sha256 FROM stg_report WHERE parser_version = ?", [PARSER_VERSION]
        ).fetchall()
    }
    todo: dict[str, tuple[str, Any]] = {}
    for f in scan.files:
        sha = hashes[f.path]
        if sha not in parsed and sha not in todo:
            todo[sha] = (f.path, f.abs_path)
    staged = [
        stage_report(
            sha,
            rel,
            read_and_parse(abs_path, rel, max_bytes=settings.max_file_bytes, seconds=settings.parse_seconds),
        )
        for sha, (rel, abs_path) in sorted(todo.items(), key=lambda kv: kv[1][0])
    ]
    write_staged(con, staged)
    rejected = con.execute(
        "SELECT count(*) FROM source_file s JOIN stg_report r USING (sha256) "
        "WHERE s.present AND r.parse_status = 'failed'"
    ).fetchone()[0]
    return StageSummary(
        files_seen=len(scan.files),
        files_parsed=sum(1 for f in scan.files if hashes[f.path] in todo),
        files_unchanged=sum(1 for f in scan.files if hashes[f.path] not in todo),
        files_rejected=int(rejected),
        contents_parsed=len(staged),
        problems=len(scan.problems),
    )


def _hash_files(con: duckdb.DuckDBPyConnection, scan: InboxScan) -> dict[str, str]:
    known = {
        (p, size, mtime): sha
        for p, size, mtime, sha in con.execute(
            "SELECT path, size_bytes, mtime, sha256 FROM source_file WHERE present"
        ).fetchall()
    }
    return {f.path: known.get((f.path, f.size_bytes, f.mtime)) or sha256_file(f.abs_path) for f in scan.files}


def _record_sources(con: duckdb.DuckDBPyConnection, scan: InboxScan, hashes: dict[str, str]) -> None:
    frame = pd.DataFrame(
        {
            "path": [f.path for f in scan.files],
            "sha256": [hashes[f.path] for f in scan.files],
            "size_bytes": [f.size_bytes for f in scan.files],
            "mtime": [f.mtime for f in scan.files],
            "media": [media_from_name(f.path) for f in scan.files],
        }
    )
    con.execute("BEGIN")
    con.execute("UPDATE source_file SET present = FALSE")
    con.register("scan_frame", frame)
    con.execute(
        "INSERT INTO source_file (path, sha256, size_bytes, mtime, media, present) "
        "SELECT path, sha256, size_bytes, mtime, media, TRUE FROM scan_frame "
        "ON CONFLICT (path, sha256) DO UPDATE SET size_bytes = excluded.size_bytes, "
        "mtime = excluded.mtime, present = TRUE"
    )
    con.unregister("scan_frame")
    con.execute("COMMIT")


def _record_manifest(con: duckdb.DuckDBPyConnection, scan: InboxScan) -> None:
    rows = [
        (e.path, e.agency, e.region, e.level, e.year, e.sector, e.published_date)
        for e in scan.manifest.values()
    ]
    con.execute("BEGIN")
    con.execute("DELETE FROM manifest_entry")
    if rows:
        con.executemany("INSERT INTO manifest_entry VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("COMMIT")


def _record_inbox_problems(con: duckdb.DuckDBPyConnection, scan: InboxScan) -> None:
    con.execute("BEGIN")
    con.execute("DELETE FROM ingest_errors WHERE stage IN ('scan', 'manifest')")
    for p in scan.problems:
        con.execute(
            "INSERT INTO ingest_errors VALUES (?, ?, NULL, ?, 'error', ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                error_id(p.path, p.stage, p.code, p.location, p.message),
                p.path,
                p.stage,
                p.code,
                p.message,
                p.location,
            ],
        )
    con.execute("COMMIT")


def write_staged(con: duckdb.DuckDBPyConnection, staged: Iterable[StagedReport]) -> None:
    """Replace the staging rows of every content in ``staged`` (one transaction)."""
    staged = list(staged)
    if not staged:
        return
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in _STG_COLUMNS}
    for s in staged:
        tables["stg_report"].append(s.report)
        tables["stg_cell"].extend(s.cells)
        tables["stg_text"].extend(s.texts)
        tables["ingest_errors"].extend(s.issues)
    shas = pd.DataFrame({"sha256": [s.sha256 for s in staged]})
    con.execute("BEGIN")
    con.register("staged_shas", shas)
    for name in _STG_COLUMNS:
        con.execute(f"DELETE FROM {name} WHERE sha256 IN (SELECT sha256 FROM staged_shas)")
    for name, cols in _STG_COLUMNS.items():
        rows = tables[name]
        if not rows:
            continue
        frame = pd.DataFrame(rows, columns=cols)
        if name == "ingest_errors":
            frame = frame.drop_duplicates("error_id")
        con.register("stg_frame", frame)
        col_list = ", ".join(cols)
        con.execute(
            f"INSERT INTO {name} ({col_list}) SELECT {col_list} FROM stg_frame ON CONFLICT DO NOTHING"
        )
        con.unregister("stg_frame")
    con.unregister("staged_shas")
    con.execute("COMMIT")
