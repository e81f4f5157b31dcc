"""Sharded ingest: plan the work, parse shards to Parquet (any process), load them with one writer.

Three steps, each usable on its own (the Dagster ingest graph runs them as separate ops):

1. ``plan_ingest`` (needs the working database, read only in effect): walk the inbox, reuse the
   recorded hash of every file whose (path, size, mtime) is unchanged (a stat, no read), hash the
   others, and list the contents not yet parsed by this parser version, in path order, cut into
   shards. The scan itself is written to ``<run_dir>/scan/*.parquet``.
2. ``parse_shard`` (pure: no database): read and parse the shard's files and write the rows of
   stg_report, stg_cell, stg_text and ingest_errors to ``<run_dir>/shard-<i>/<table>.parquet``.
3. ``load_run`` (the one writer): in one transaction, record the scan (source_file, manifest_entry,
   inbox problems) and replace the staging rows of every parsed content with the shards' rows
   (delete, then insert, by sha256) using DuckDB's ``read_parquet``.

A run that fails before step 3 commits leaves the database exactly as it was.
"""

from __future__ import annotations

import gc
import json
import math
import os
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from xxgk.inbox import InboxScan, scan_inbox, sha256_files
from xxgk.ingest import (
    STAGING_COLUMNS,
    StagingBatch,
    error_id,
    media_from_name,
    parse_time_limits,
    read_and_parse,
)
from xxgk.parsing.model import PARSER_VERSION
from xxgk.warehouse.db import sql_path

MAX_SHARD_FILES = 12_500
MIN_SHARD_FILES = 500  # ~1 s of parsing: below that a step's start-up is a large share of its work
TARGET_SHARDS = 8
_FLUSH_REPORTS = 250

# Staging columns that are not strings (the column names and their order: xxgk.ingest.STAGING_COLUMNS)
_STG_TYPES: dict[str, pa.DataType] = {
    "year": pa.int32(),
    "n_cells": pa.int32(),
    "n_ambiguous": pa.int32(),
    "value": pa.float64(),
    "confidence": pa.float64(),
    "is_blank": pa.bool_(),
    "alternatives": pa.list_(pa.float64()),
}
STG_SCHEMAS: dict[str, pa.Schema] = {
    table: pa.schema([(c, _STG_TYPES.get(c, pa.string())) for c in cols]) for table, cols in STAGING_COLUMNS.items()
}
STG_TABLES: tuple[str, ...] = tuple(STG_SCHEMAS)

_SCAN_SCHEMAS: dict[str, pa.Schema] = {
    "files": pa.schema(
        [
            ("path", pa.string()),
            ("sha256", pa.string()),
            ("size_bytes", pa.int64()),
            ("mtime", pa.float64()),
            ("media", pa.string()),
        ]
    ),
    "manifest": pa.schema(
        [
            ("path", pa.string()),
            ("agency", pa.string()),
            ("region", pa.string()),
            ("level", pa.string()),
            ("year", pa.int32()),
            ("sector", pa.string()),
            ("published_date", pa.string()),
        ]
    ),
    "problems": STG_SCHEMAS["ingest_errors"],
}


@dataclass(frozen=True)
class ShardSpec:
    """One shard: the contents (sha256, inbox path, absolute path) a parse step reads, in path order."""

    index: int
    run_dir: str
    items: tuple[tuple[str, str, str], ...]
    max_file_bytes: int
    parse_seconds: float

    @property
    def out_dir(self) -> Path:
        return Path(self.run_dir) / f"shard-{self.index:05d}"


@dataclass(frozen=True)
class IngestPlan:
    """What a run must do: files seen, files whose hash was computed, contents to parse (sharded)."""

    run_dir: str
    files_seen: int
    files_hashed: int
    files_to_parse: int
    contents_to_parse: int
    problems: int
    shards: tuple[ShardSpec, ...]

    def to_json(self) -> str:
        d = asdict(self)
        d.pop("shards")
        return json.dumps(d)


def shard_size(n: int) -> int:
    """Files per shard for ``n`` files: up to 8 shards (few steps, so little per-step overhead) of at least
    500 files, in whole waves of one shard per CPU (no core idles in the last wave), at most 12,500 files
    (memory stays flat: rows are flushed every few hundred reports). 1,000 changed files: 2 shards of 500;
    10,000: 8 of 1,250; 100,000: 8 of 12,500.

    ``XXGK_SHARD_FILES`` overrides it (e.g. small shards in tests, bigger ones on a cluster).
    """
    fixed = int(os.environ.get("XXGK_SHARD_FILES") or 0)
    if fixed > 0:
        return fixed
    if n <= 0:
        return 1
    cores = os.cpu_count() or 1
    shards = min(TARGET_SHARDS, math.ceil(n / MIN_SHARD_FILES))
    shards = math.ceil(shards / cores) * cores
    return max(1, min(MAX_SHARD_FILES, math.ceil(n / shards)))


def plan_ingest(
    con: duckdb.DuckDBPyConnection,
    inbox: Path,
    run_dir: Path,
    *,
    max_file_bytes: int,
    parse_seconds: float,
    files_per_shard: int | None = None,
) -> IngestPlan:
    """Scan ``inbox``, write the scan to ``run_dir/scan/`` and cut the contents to parse into shards."""
    scan = scan_inbox(inbox)
    known = dict(
        ((p, size, mtime), sha)
        for p, size, mtime, sha in con.execute(
            "SELECT path, size_bytes, mtime, sha256 FROM source_file WHERE present"
        ).fetchall()
    )
    hashes: list[str | None] = [known.get((f.path, f.size_bytes, f.mtime)) for f in scan.files]
    unknown = [i for i, sha in enumerate(hashes) if sha is None]
    for i, sha in zip(unknown, sha256_files([scan.files[i].abs_name for i in unknown]), strict=True):
        hashes[i] = sha
    hashed = len(unknown)
    parsed = {
        sha
        for (sha,) in con.execute(
            "SELECT sha256 FROM stg_report WHERE parser_version = ?", [PARSER_VERSION]
        ).fetchall()
    }
    todo: dict[str, tuple[str, str]] = {}
    files_to_parse = 0
    for f, sha in zip(scan.files, hashes, strict=True):
        if sha in parsed:
            continue
        files_to_parse += 1
        if sha not in todo:  # scan.files is in path order: the first path of a content wins
            todo[sha] = (f.path, f.abs_name)
    run_dir.mkdir(parents=True, exist_ok=True)
    _write_scan(run_dir / "scan", scan, hashes)
    items = [(sha, rel, abs_path) for sha, (rel, abs_path) in todo.items()]
    size = files_per_shard or shard_size(len(items))
    shards = tuple(
        ShardSpec(i, str(run_dir), tuple(items[start : start + size]), max_file_bytes, parse_seconds)
        for i, start in enumerate(range(0, len(items), size))
    )
    return IngestPlan(
        run_dir=str(run_dir),
        files_seen=len(scan.files),
        files_hashed=hashed,
        files_to_parse=files_to_parse,
        contents_to_parse=len(items),
        problems=len(scan.problems),
        shards=shards,
    )


def _write_scan(out: Path, scan: InboxScan, hashes: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "path": [f.path for f in scan.files],
        "sha256": hashes,
        "size_bytes": [f.size_bytes for f in scan.files],
        "mtime": [f.mtime for f in scan.files],
        "media": [media_from_name(f.path) for f in scan.files],
    }
    pq.write_table(pa.table(files, schema=_SCAN_SCHEMAS["files"]), out / "files.parquet")
    manifest = [
        {
            "path": e.path,
            "agency": e.agency,
            "region": e.region,
            "level": e.level,
            "year": e.year,
            "sector": e.sector,
            "published_date": e.published_date,
        }
        for e in scan.manifest.values()
    ]
    pq.write_table(pa.Table.from_pylist(manifest, schema=_SCAN_SCHEMAS["manifest"]), out / "manifest.parquet")
    problems = {
        error_id(p.path, p.stage, p.code, p.location, p.message): {
            "error_id": error_id(p.path, p.stage, p.code, p.location, p.message),
            "source_file": p.path,
            "sha256": None,
            "stage": p.stage,
            "severity": "error",
            "code": p.code,
            "message": p.message,
            "location": p.location,
        }
        for p in scan.problems
    }
    pq.write_table(
        pa.Table.from_pylist(list(problems.values()), schema=_SCAN_SCHEMAS["problems"]), out / "problems.parquet"
    )


def parse_shard(spec: ShardSpec) -> dict[str, int]:
    """Parse every file of ``spec`` and write its four staging tables as Parquet; returns row counts.

    Pure (no database): runs in any process or on any machine that sees the inbox and the run folder.
    Rows are flushed every few hundred reports, so memory stays flat whatever the shard size.
    """
    out = spec.out_dir
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    writers = {name: pq.ParquetWriter(tmp / f"{name}.parquet", schema) for name, schema in STG_SCHEMAS.items()}
    batch = StagingBatch()
    counts = dict.fromkeys(STG_TABLES, 0)

    def flush() -> None:
        for name in STG_SCHEMAS:
            n = batch.rows(name)
            if n:
                writers[name].write_table(batch_table(batch, name))
                counts[name] += n
        batch.clear()

    # Everything loaded so far (modules, templates, gazetteer) lives for the whole step: freeze it out of
    # the collector's scans, and collect young objects less often (a report allocates thousands). A
    # process forked from the step forkserver has its inherited heap frozen already (pipelines.preload):
    # that stays frozen (unfreezing would hand it all back to the collector).
    threshold = gc.get_threshold()
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
    try:
        with parse_time_limits():  # the timeout handler is installed once; each file arms its timer
            for sha, rel, abs_path in spec.items:
                report = read_and_parse(
                    Path(abs_path), rel, max_bytes=spec.max_file_bytes, seconds=spec.parse_seconds
                )
                batch.add(sha, rel, report)
                if batch.reports >= _FLUSH_REPORTS:
                    flush()
        flush()
    finally:
        gc.set_threshold(*threshold)
        if not frozen_before:
            gc.unfreeze()
        for w in writers.values():
            w.close()
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)  # a shard folder without .tmp is complete
    return counts


def batch_table(batch: StagingBatch, name: str) -> pa.Table:
    """The rows of staging table ``name`` held by ``batch``, as an Arrow table of ``STG_SCHEMAS[name]``."""
    schema = STG_SCHEMAS[name]
    if name != "stg_cell":
        return _arrow_table(batch.columns[name], schema)
    # sha256 repeated over each report's cells, the codes looked up by index: built in Arrow, not per cell
    runs = batch.cell_runs
    sha256 = pa.array([sha for sha, _ in runs], pa.string()).take(
        np.repeat(np.arange(len(runs), dtype=np.int32), [n for _, n in runs])
    )
    keys = list(batch.code_index)  # in index order (insertion order)
    codes = pa.array(batch.cell_codes, pa.int32())
    code_columns = [pa.array([k[i] for k in keys], pa.string()).take(codes) for i in range(3)]
    values = [pa.array(v, type=schema.field(c).type) for c, v in batch.columns[name].items()]
    return pa.Table.from_arrays([sha256, *code_columns, *values], schema=schema)


def _arrow_table(columns: dict[str, list], schema: pa.Schema) -> pa.Table:
    """An Arrow table of ``schema`` from one Python list per column (same names, same order)."""
    assert tuple(columns) == tuple(schema.names), (tuple(columns), schema.names)
    return pa.Table.from_arrays(
        [pa.array(values, type=f.type) for values, f in zip(columns.values(), schema, strict=True)], schema=schema
    )


def load_run(con: duckdb.DuckDBPyConnection, run_dir: Path, shard_dirs: Sequence[Path]) -> dict[str, int]:
    """Record the scan and load the shards into the staging tables, in one transaction.

    Delete-then-insert by sha256: loading the same shards twice gives the same tables.
    Returns the number of rows inserted per staging table.
    """
    scan = run_dir / "scan"
    missing = [d for d in shard_dirs if not (d / "stg_report.parquet").exists()]
    if missing:
        raise FileNotFoundError(f"incomplete shard folders: {[str(m) for m in missing[:5]]}")
    counts = dict.fromkeys(STG_TABLES, 0)
    con.execute("BEGIN")
    try:
        con.execute(
            "CREATE OR REPLACE TEMP VIEW _scan_files AS "
            f"SELECT * FROM read_parquet({sql_path(scan / 'files.parquet')})"
        )
        con.execute("UPDATE source_file SET present = FALSE WHERE present")
        con.execute(
            "INSERT INTO source_file (path, sha256, size_bytes, mtime, media, present) "
            "SELECT path, sha256, size_bytes, mtime, media, TRUE FROM _scan_files "
            "ON CONFLICT (path, sha256) DO UPDATE SET size_bytes = excluded.size_bytes, "
            "mtime = excluded.mtime, present = TRUE"
        )
        con.execute("DELETE FROM manifest_entry")
        con.execute(
            "INSERT INTO manifest_entry SELECT path, agency, region, level, year, sector, published_date "
            f"FROM read_parquet({sql_path(scan / 'manifest.parquet')})"
        )
        con.execute("DELETE FROM ingest_errors WHERE stage IN ('scan', 'manifest')")
        con.execute(
            "INSERT INTO ingest_errors SELECT * FROM "
            f"read_parquet({sql_path(scan / 'problems.parquet')}) ON CONFLICT DO NOTHING"
        )
        if shard_dirs:
            for name in STG_TABLES:
                files = "[" + ", ".join(sql_path(d / f"{name}.parquet") for d in shard_dirs) + "]"
                con.execute(f"CREATE OR REPLACE TEMP VIEW _shard_{name} AS SELECT * FROM read_parquet({files})")
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _loaded_shas AS SELECT DISTINCT sha256 FROM _shard_stg_report"
            )
            for name in STG_TABLES:
                con.execute(f"DELETE FROM {name} WHERE sha256 IN (SELECT sha256 FROM _loaded_shas)")
            cols = {name: ", ".join(schema.names) for name, schema in STG_SCHEMAS.items()}
            for name in ("stg_report", "stg_cell", "stg_text"):
                counts[name] = _insert(con, f"INSERT INTO {name} ({cols[name]}) SELECT {cols[name]} FROM _shard_{name}")
            counts["ingest_errors"] = _insert(
                con,
                f"INSERT INTO ingest_errors ({cols['ingest_errors']}) "
                f"SELECT DISTINCT ON (error_id) {cols['ingest_errors']} FROM _shard_ingest_errors "
                "ON CONFLICT DO NOTHING",
            )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in ("_scan_files", *(f"_shard_{n}" for n in STG_TABLES)):
            con.execute(f"DROP VIEW IF EXISTS {name}")
    return counts


def _insert(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def remove_run_dir(run_dir: Path) -> None:
    """Drop a run's shard files once they are loaded (they are a cache of nothing)."""
    shutil.rmtree(run_dir, ignore_errors=True)
