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


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise ParseTimeout after ``seconds`` (main thread only; elsewhere no limit is enforced)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise ParseTimeout(f"parsing took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_MEDIA_OF_SUFFIX = {".htm": "html", ".html": "html", ".shtml": "html", ".txt": "txt", ".pdf": "pdf", ".docx": "docx"}


def media_from_name(name: str) -> str:
    return _MEDIA_OF_SUFFIX.get(os.path.splitext(name)[1].lower(), "unknown")


def read_and_parse(abs_path: Path, rel_path: str, *, max_bytes: int, seconds: float) -> ParsedReport:
    """Parse one file; every failure becomes a located issue on the returned report, never an exception."""
    size = abs_path.stat().st_size
    if size > max_bytes:
        return _failed(
            rel_path,
            "read",
            "file_too_large",
            f"file is {size} bytes, above the limit of {max_bytes} bytes (XXGK_MAX_FILE_BYTES); not parsed",
        )
    if size == 0:
        return _failed(rel_path, "read", "empty_file", "file is empty (0 bytes)")
    try:
        data = abs_path.read_bytes()
    except OSError as exc:
        return _failed(rel_path, "read", "unreadable_file", f"cannot read file: {exc}")
    from xxgk.parsing import parse_bytes

    try:
        with _time_limit(seconds):
            return parse_bytes(data, rel_path)
    except ParseTimeout as exc:
        return _failed(rel_path, "extract", "parse_timeout", f"{exc} (XXGK_PARSE_SECONDS); not parsed")
    except RecursionError:
        return _failed(rel_path, "extract", "too_deeply_nested", "document nesting too deep to parse")
    except MemoryError:
        return _failed(rel_path, "extract", "out_of_memory", "document too large to parse in memory")
    except Exception as exc:
        return _failed(rel_path, "extract", "parser_exception", f"{type(exc).__name__}: {exc}"[:500])


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


class StagingBatch:
    """The staging rows of several reports, column by column (one list per column of each table).

    Columnar so a batch becomes an Arrow table without a dict per row: a report has ~200 cells.
    """

    def __init__(self) -> None:
        self.columns: dict[str, dict[str, list[Any]]] = {
            table: {col: [] for col in cols} for table, cols in STAGING_COLUMNS.items()
        }
        self.reports = 0

    def rows(self, table: str) -> int:
        return len(self.columns[table][STAGING_COLUMNS[table][0]])

    def clear(self) -> None:
        for cols in self.columns.values():
            for values in cols.values():
                values.clear()
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
        keys = [(c.table_code, c.row_code, c.col_code) for c in cells]
        if len(set(keys)) != len(keys):  # a cell read twice: the first is kept, the others reported
            seen: set[tuple[str, str, str]] = set()
            kept: list[ParsedCell] = []
            for c, key in zip(cells, keys, strict=True):
                if key in seen:
                    msg = f"cell {c.code} read twice; first kept"
                    issues.append(ParseIssue("cells", "warning", "duplicate_cell", msg, c.code))
                    continue
                seen.add(key)
                kept.append(c)
            cells = kept
        c_ = self.columns["stg_cell"]
        c_["sha256"].extend([sha256] * len(cells))
        c_["table_code"].extend([c.table_code for c in cells])
        c_["row_code"].extend([c.row_code for c in cells])
        c_["col_code"].extend([c.col_code for c in cells])
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
