"""Read one inbox file safely and flatten its ParsedReport into staging rows.

Pure Python (no Dagster, no database): the warehouse layer writes the rows; a sharded run can
write them to Parquet instead.
"""

from __future__ import annotations

import hashlib
import json
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xxgk.parsing.model import PARSER_VERSION, ParsedReport, ParseIssue


class ParseTimeout(Exception):
    """Parsing one file took longer than the configured budget."""


@dataclass
class StagedReport:
    """The staging rows of one file content."""

    sha256: str
    report: dict[str, Any]
    cells: list[dict[str, Any]] = field(default_factory=list)
    texts: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)


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


def media_from_name(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    return {"htm": "html", "html": "html", "shtml": "html", "txt": "txt", "pdf": "pdf", "docx": "docx"}.get(
        suffix, "unknown"
    )


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


def stage_report(sha256: str, rel_path: str, report: ParsedReport) -> StagedReport:
    """Flatten a ParsedReport into the rows of stg_report, stg_cell, stg_text and ingest_errors."""
    n_ambiguous = sum(1 for c in report.cells if c.alternatives)
    staged = StagedReport(
        sha256=sha256,
        report={
            "sha256": sha256,
            "parser_version": PARSER_VERSION,
            "media": report.media,
            "encoding": report.encoding,
            "title": report.title,
            "agency": report.agency,
            "region": report.region,
            "province": report.province,
            "city": report.city,
            "county": report.county,
            "year": report.year,
            "format_version": report.format_version,
            "scope": report.scope,
            "published_date": report.published_date,
            "published_date_source": report.published_date_source,
            "metadata_sources": json.dumps(report.metadata_sources, ensure_ascii=False, sort_keys=True),
            "parse_status": report.status,
            "n_cells": len(report.cells),
            "n_ambiguous": n_ambiguous,
        },
    )
    seen: set[tuple[str, str, str]] = set()
    for c in report.cells:
        key = (c.table_code, c.row_code, c.col_code)
        if key in seen:
            staged.issues.append(
                _issue_row(
                    sha256,
                    rel_path,
                    ParseIssue(
                        "cells", "warning", "duplicate_cell", f"cell {c.code} read twice; first kept", c.code
                    ),
                )
            )
            continue
        seen.add(key)
        staged.cells.append(
            {
                "sha256": sha256,
                "table_code": c.table_code,
                "row_code": c.row_code,
                "col_code": c.col_code,
                "raw_text": c.raw_text,
                "value": c.value,
                "is_blank": c.is_blank,
                "marker": c.marker,
                "unit": c.unit,
                "confidence": float(c.confidence),
                "alternatives": [float(a) for a in c.alternatives] or None,
            }
        )
    if report.text:
        staged.texts.append({"sha256": sha256, "section": "ALL", "text": report.text})
    for section, text in sorted(report.narrative.items()):
        if section != "ALL":
            staged.texts.append({"sha256": sha256, "section": section, "text": text})
    for issue in report.issues:
        staged.issues.append(_issue_row(sha256, rel_path, issue))
    return staged


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
