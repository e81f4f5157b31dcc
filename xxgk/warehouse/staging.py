"""Bring the inbox into the staging tables: scan, hash, parse what is new, record every problem.

Unchanged files (same path, size and mtime as recorded) are not hashed again; content already
parsed by this parser version is not parsed again. ``stage_inbox`` runs the three steps of
``xxgk.warehouse.shards`` (plan, parse shards to Parquet, load with one writer) in this process;
the Dagster ingest graph runs the same steps as separate, parallel ops.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from xxgk.settings import Settings
from xxgk.warehouse.shards import IngestPlan, load_run, parse_shard, plan_ingest, remove_run_dir


@dataclass(frozen=True)
class StageSummary:
    """Accounting of one staging pass: files seen = parsed + unchanged (+ duplicates of parsed content)."""

    files_seen: int
    files_parsed: int
    files_unchanged: int
    files_rejected: int
    contents_parsed: int
    problems: int


def shards_root(settings: Settings) -> Path:
    """Where runs write their shard files: private to the writer, beside the working database."""
    return settings.work_dir / "shards"


def summarize(con: duckdb.DuckDBPyConnection, plan: IngestPlan) -> StageSummary:
    """The accounting of a loaded plan (rejected = present files whose content failed to parse)."""
    rejected = con.execute(
        "SELECT count(*) FROM source_file s JOIN stg_report r USING (sha256) "
        "WHERE s.present AND r.parse_status = 'failed'"
    ).fetchone()[0]
    return StageSummary(
        files_seen=plan.files_seen,
        files_parsed=plan.files_to_parse,
        files_unchanged=plan.files_seen - plan.files_to_parse,
        files_rejected=int(rejected),
        contents_parsed=plan.contents_to_parse,
        problems=plan.problems,
    )


def stage_inbox(con: duckdb.DuckDBPyConnection, settings: Settings) -> StageSummary:
    """Scan ``settings.inbox`` and bring new content into stg_* tables (idempotent), in this process."""
    run_dir = shards_root(settings) / f"local-{uuid.uuid4().hex[:12]}"
    try:
        plan = plan_ingest(
            con,
            settings.inbox,
            run_dir,
            max_file_bytes=settings.max_file_bytes,
            parse_seconds=settings.parse_seconds,
        )
        for spec in plan.shards:
            parse_shard(spec)
        load_run(con, run_dir, [s.out_dir for s in plan.shards])
        return summarize(con, plan)
    finally:
        remove_run_dir(run_dir)
