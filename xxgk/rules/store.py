"""Persist rule results in the warehouse: ``check_findings`` and ``check_rule_coverage``.

Grain: ``check_findings`` — one row per (report, rule, cell set) that fails or is incomplete;
``check_rule_coverage`` — one row per (report, rule, sheet) evaluated, with pass / fail / incomplete
counts (the denominator of violation rates). A run replaces the slice of the years it evaluated
(delete-then-insert), so re-runs are idempotent; ``finding_reviews`` is never touched here.
"""

from __future__ import annotations

import contextlib

import duckdb

from xxgk.rules.evaluate import COVERAGE_COLUMNS, FINDING_COLUMNS, RuleRun

FINDINGS_DDL = """
CREATE TABLE IF NOT EXISTS check_findings (
    finding_id VARCHAR NOT NULL, report_id VARCHAR NOT NULL, rule_id VARCHAR NOT NULL,
    severity VARCHAR NOT NULL, status VARCHAR NOT NULL, cells VARCHAR[], expected DOUBLE, actual DOUBLE,
    message VARCHAR, message_zh VARCHAR, evidence VARCHAR, year INTEGER, agency VARCHAR, region VARCHAR,
    sheet VARCHAR)
"""
COVERAGE_DDL = """
CREATE TABLE IF NOT EXISTS check_rule_coverage (
    report_id VARCHAR, rule_id VARCHAR, sheet VARCHAR, year INTEGER, region VARCHAR,
    n_checked INTEGER, n_fail INTEGER, n_incomplete INTEGER)
"""


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the result tables if missing (never drops anything)."""
    con.execute(FINDINGS_DDL)
    con.execute(COVERAGE_DDL)


def write_run(con: duckdb.DuckDBPyConnection, run: RuleRun, years: list[int] | None) -> int:
    """Replace the ``years`` slice (all years if None) of both tables with ``run``; returns findings written."""
    ensure_tables(con)
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("check_findings", "check_rule_coverage"):
            if years is None:
                con.execute(f"DELETE FROM {table}")  # constant identifiers
            else:
                con.execute(f"DELETE FROM {table} WHERE list_contains(?, year)", [list(years)])
        con.register("_rx_findings_df", run.findings[FINDING_COLUMNS])
        con.execute(f"INSERT INTO check_findings ({', '.join(FINDING_COLUMNS)}) SELECT * FROM _rx_findings_df")
        con.register("_rx_coverage_df", run.coverage[COVERAGE_COLUMNS])
        con.execute(f"INSERT INTO check_rule_coverage ({', '.join(COVERAGE_COLUMNS)}) SELECT * FROM _rx_coverage_df")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in ("_rx_findings_df", "_rx_coverage_df"):
            with contextlib.suppress(Exception):  # not registered when the insert failed early
                con.unregister(name)
    return len(run.findings)
