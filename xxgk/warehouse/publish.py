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
import os
import shutil
import uuid
from pathlib import Path

import duckdb

# Tables exported to Parquet (partitioned by year where they have one).
EXPORTED_TABLES: tuple[str, ...] = (
    "dim_agency",
    "dim_year",
    "dim_category",
    "dim_applicant_type",
    "dim_report",
    "fact_application",
    "fact_proactive_disclosure",
    "fact_review_litigation",
    "report_cells",
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


def _sql_path(path: Path) -> str:
    """A path as a SQL string literal (COPY takes no parameters for its target)."""
    return "'" + str(path).replace("'", "''") + "'"


def _existing(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, int]:
    """Write every exported table to ``out_dir/<table>/`` (year-partitioned when it has a year)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.parent / f".{out_dir.name}.{uuid.uuid4().hex[:8]}.tmp"
    staging.mkdir(parents=True)
    counts: dict[str, int] = {}
    existing = _existing(con)
    for table in EXPORTED_TABLES:
        if table not in existing:
            continue
        cols = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
        target = staging / table
        n = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        counts[table] = n
        if "year" in cols and n:
            con.execute(
                f"COPY (SELECT *, coalesce(year, 0) AS year_partition FROM {table}) TO {_sql_path(target)} "
                "(FORMAT parquet, PARTITION_BY (year_partition), OVERWRITE_OR_IGNORE)"
            )
        else:
            target.mkdir()
            con.execute(f"COPY {table} TO {_sql_path(target / 'data.parquet')} (FORMAT parquet)")
    _swap_dir(staging, out_dir)
    return counts


def content_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """Digest of the content of every exported table and the review decisions (order-independent)."""
    existing = _existing(con)
    parts = []
    for table in (*EXPORTED_TABLES, "finding_reviews"):
        if table in existing and table != "report_cells":  # a view over the facts
            n, h = con.execute(f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {table} t").fetchone()
            parts.append(f"{table}:{n}:{h}")
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:32]


def _swap_dir(new: Path, target: Path) -> None:
    """Replace folder ``target`` with ``new`` (two renames; readers see old or new, never a mix of files)."""
    old = target.parent / f".{target.name}.old.{uuid.uuid4().hex[:8]}"
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def publish_database(work_db: Path, published: Path) -> int:
    """Copy the (checkpointed, closed) working database over ``published`` atomically; returns bytes."""
    published.parent.mkdir(parents=True, exist_ok=True)
    tmp = published.parent / f".{published.name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        shutil.copyfile(work_db, tmp)
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, published)
        # A reader that opened the old file read-write may have left a WAL beside it; paired with the
        # new file it would make every new reader fail ("WAL checkpoint iteration does not match").
        published.with_name(published.name + ".wal").unlink(missing_ok=True)
    finally:
        tmp.unlink(missing_ok=True)
    return published.stat().st_size


def checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CHECKPOINT")
