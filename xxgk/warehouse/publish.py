"""Publishing: Parquet exports and the atomic swap of the warehouse file people query.

Readers (duckdb CLI, Python, BI tools) open ``XXGK_DUCKDB_PATH``. The pipeline never writes that
file in place: it writes a private working database, then at publish time checkpoints it, copies
it next to the published file and renames the copy over it (``os.replace``, atomic on POSIX).
A reader that has the old file open keeps a consistent old snapshot; the next open sees the new
one; a reader holding the file never blocks or fails a run. A run killed before the rename leaves
the published file exactly as it was.

Parquet exports are written to a fresh folder and swapped in the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import duckdb

from xxgk.warehouse.db import attach, schema_sql, sql_path

# Tables exported to Parquet (partitioned by year where they have one). ``report_cells`` is not copied
# (a view over the fact tables and dim_report: 20M rows per national year, half of the export's time);
# ``views.sql`` beside the tables defines it, and every table, over the Parquet files.
EXPORTED_TABLES: tuple[str, ...] = (
    "dim_agency",
    "dim_year",
    "dim_category",
    "dim_applicant_type",
    "dim_report",
    "fact_application",
    "fact_proactive_disclosure",
    "fact_review_litigation",
    "ingest_errors",
    "agg_t3_national",
    "agg_agency_year",
    "agg_region_year",
    "agg_sector_year",
    "check_findings",
    "agg_findings_agency_year",
    "agg_rule_violation_rates",
    "dim_agency_registry",
    "agency_alias",
    "compliance_calendar",
    "agg_compliance_region_year",
    "agg_format_adoption",
)


def _existing(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


_STATE = ".xxgk-state.json"  # inside the Parquet folder: digest of every (table, partition) exported
_FACTS = ("fact_application", "fact_proactive_disclosure", "fact_review_litigation")


def partition_digests(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, list]]:
    """``{table: {partition: [rows, digest]}}`` for every exported table present.

    A partition is ``year_partition=<year>`` (NULL year as 0) for tables with a year column, ``data``
    for the others. The digest is the order-independent sum of row hashes, so an unchanged partition
    is recognised without reading its file.
    """
    existing = _existing(con)
    out: dict[str, dict[str, list]] = {}
    for table in EXPORTED_TABLES:
        if table not in existing:
            continue
        cols = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
        if "year" in cols:
            rows = con.execute(
                f"SELECT coalesce(year, 0), count(*), coalesce(sum(hash(t)), 0) FROM {table} t GROUP BY 1"
            ).fetchall()
            out[table] = {f"year_partition={int(y)}": [int(n), str(h)] for y, n, h in rows} or {"data": [0, "0"]}
        else:
            n, h = con.execute(f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {table} t").fetchone()
            out[table] = {"data": [int(n), str(h)]}
    return out


def export_parquet(
    con: duckdb.DuckDBPyConnection, out_dir: Path, digests: dict[str, dict[str, list]] | None = None
) -> dict[str, int]:
    """Write every exported table to ``out_dir/<table>/`` (year-partitioned when it has a year).

    Layout: ``<table>/year_partition=<year>/data_0.parquet`` for tables with a year column (NULL
    year as 0; read with ``hive_partitioning``), ``<table>/data.parquet`` for the others.

    The new export is assembled in a fresh folder and swapped over ``out_dir`` (readers see the old
    export or the new one, never a mix). A partition whose content digest equals the one recorded
    with the current export is hard-linked from it instead of being written again, so a run that
    changed one year (or a few tables) rewrites only those files. ``digests``: ``partition_digests(con)``
    when the caller has them already. Returns rows per table exported.
    """
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    digests = digests if digests is not None else partition_digests(con)
    old: dict[str, dict[str, list]] = {}
    try:
        old = json.loads((out_dir / _STATE).read_text(encoding="utf-8"))["tables"]
    except (OSError, ValueError, KeyError, TypeError):
        old = {}
    staging = out_dir.parent / f".{out_dir.name}.{uuid.uuid4().hex[:8]}.tmp"
    staging.mkdir(parents=True)
    counts: dict[str, int] = {}
    try:
        for table, parts in digests.items():
            target = staging / table
            target.mkdir()
            before = old.get(table, {})
            for part, (_, digest) in parts.items():
                name = "data.parquet" if part == "data" else f"{part}/data_0.parquet"
                if part != "data":
                    (target / part).mkdir()
                if before.get(part, [None, None])[1] == digest and _link(out_dir / table / name, target / name):
                    continue
                where = "" if part == "data" else f" WHERE coalesce(year, 0) = {int(part.split('=')[1])}"
                con.execute(f"COPY (SELECT * FROM {table}{where}) TO {sql_path(target / name)} (FORMAT parquet)")
            counts[table] = sum(n for n, _ in parts.values())
        (staging / _STATE).write_text(json.dumps({"tables": digests}, sort_keys=True), encoding="utf-8")
        (staging / "views.sql").write_text(views_sql(digests), encoding="utf-8")
        _swap_dir(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return counts


def _report_cells_view() -> str:
    """The warehouse's own ``report_cells`` definition (schema.sql), for use over the Parquet views."""
    ddl = schema_sql()
    start = ddl.index("CREATE OR REPLACE VIEW report_cells AS")
    return ddl[start : ddl.index(";", start) + 1]


def views_sql(digests: dict[str, dict[str, list]]) -> str:
    """``views.sql``: one view per exported table over its Parquet files, and ``report_cells``.

    Paths are relative to the Parquet folder: run it from there (``cd data/published/parquet && duckdb
    -c ".read views.sql"``) or set DuckDB's ``file_search_path`` to the folder first.
    """
    lines = [
        "-- The published tables as views over this folder's Parquet files (paths relative to it).",
        "--   cd data/published/parquet && duckdb mine.duckdb -c '.read views.sql'",
        "-- or from elsewhere: SET file_search_path = 'data/published/parquet';",
        "--                    .read data/published/parquet/views.sql",
    ]
    for table, parts in digests.items():
        if list(parts) == ["data"]:
            source = f"read_parquet('{table}/data.parquet')"
        else:
            source = f"read_parquet('{table}/*/*.parquet', hive_partitioning = true)"
        exclude = "" if list(parts) == ["data"] else " EXCLUDE (year_partition)"
        lines.append(f"CREATE OR REPLACE VIEW {table} AS SELECT *{exclude} FROM {source};")
    if all(t in digests for t in (*_FACTS, "dim_report")):
        lines.append(_report_cells_view())
    return "\n".join(lines) + "\n"


def _link(src: Path, dst: Path) -> bool:
    """Hard-link ``src`` to ``dst`` (False when ``src`` is missing or links are not possible)."""
    try:
        os.link(src, dst)
    except OSError:
        return False
    return True


def content_fingerprint(con: duckdb.DuckDBPyConnection, digests: dict[str, dict[str, list]] | None = None) -> str:
    """Digest of the content of every exported table (its partition digests) and the review decisions."""
    digests = digests if digests is not None else partition_digests(con)
    parts = [json.dumps(digests, sort_keys=True)]
    if "finding_reviews" in _existing(con):
        n, h = con.execute("SELECT count(*), coalesce(sum(hash(t)), 0) FROM finding_reviews t").fetchone()
        parts.append(f"finding_reviews:{n}:{h}")
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:32]


def _swap_dir(new: Path, target: Path) -> None:
    """Replace folder ``target`` with ``new`` (two renames; readers see old or new, never a mix of files)."""
    old = target.parent / f".{target.name}.old.{uuid.uuid4().hex[:8]}"
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def stage_database(work_db: Path, published: Path, *, sync: bool = True) -> Path:
    """Copy the checkpointed working database next to ``published`` and fsync it; returns the copy.

    The caller holds the working file (its connection, checkpointed, open) and writes nothing to it
    until this returns: reads may run meanwhile (DuckDB writes nothing without a statement). With
    ``sync=False`` the caller calls :func:`sync_staged` itself before the swap (e.g. while it reads the copy).
    """
    published.parent.mkdir(parents=True, exist_ok=True)
    tmp = published.parent / f".{published.name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        # Copied by a child process: DuckDB's lock on the working file is a POSIX record lock, which a
        # process loses as soon as it closes ANY descriptor of that file — copying it from this process
        # (shutil) would let another step open the file read-write while this one still writes to it.
        subprocess.run(["cp", "--", str(work_db), str(tmp)], check=True, capture_output=True)
        if sync:
            sync_staged(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def sync_staged(staged: Path) -> None:
    """Flush the staged copy to disk (before it is renamed over the published file)."""
    with staged.open("rb+") as f:
        os.fsync(f.fileno())


def export_staged(
    staged: Path, out_dir: Path, digests: dict[str, dict[str, list]], memory_mb: int
) -> dict[str, int]:
    """``export_parquet`` from the staged copy (exactly what will be published), in a DuckDB of its own.

    Read-only, and with ``preserve_insertion_order`` off: a Parquet file's rows carry no order (every
    table has its key columns), and without it DuckDB writes one file with every core instead of one.
    Its own instance, so the setting never reaches the working connection's queries.
    """
    con = attach(staged, read_only=True)
    try:
        con.execute(f"SET memory_limit = '{int(memory_mb)}MB'")
        con.execute("SET preserve_insertion_order = false")
        return export_parquet(con, out_dir, digests)
    finally:
        con.close()


def swap_database(staged: Path, published: Path) -> int:
    """Rename the staged copy over ``published`` (atomic on POSIX); returns its bytes."""
    os.replace(staged, published)
    # A reader that opened the old file read-write may have left a WAL beside it; paired with the
    # new file it would make every new reader fail ("WAL checkpoint iteration does not match").
    published.with_name(published.name + ".wal").unlink(missing_ok=True)
    return published.stat().st_size


def discard_staged(staged: Path | None) -> None:
    """Remove a staged copy that was not swapped in (no-op once swapped or when None)."""
    if staged is not None:
        staged.unlink(missing_ok=True)


def checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CHECKPOINT")
