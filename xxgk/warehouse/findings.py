"""Storing rule findings: the check_findings slice of a run's years replaced, reviews untouched."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

_DDL = """
-- One row per (report, rule, cell set) that fails ('fail') or cannot be checked ('incomplete').
CREATE TABLE IF NOT EXISTS check_findings (
    finding_id VARCHAR PRIMARY KEY,   -- stable fingerprint of (report_id, rule_id, cells)
    report_id  VARCHAR NOT NULL,
    rule_id    VARCHAR NOT NULL,
    severity   VARCHAR NOT NULL,      -- E | W | I
    status     VARCHAR NOT NULL,      -- fail | incomplete
    cells      VARCHAR[],
    expected   VARCHAR,
    actual     VARCHAR,
    message    VARCHAR,
    year       INTEGER,
    agency     VARCHAR,
    region     VARCHAR
);
"""

_COLUMNS = (
    "finding_id",
    "report_id",
    "rule_id",
    "severity",
    "status",
    "cells",
    "expected",
    "actual",
    "message",
    "year",
    "agency",
    "region",
)


def store_findings(con: duckdb.DuckDBPyConnection, years: Sequence[int]) -> dict[str, int]:
    """Evaluate every rule for ``years`` and replace their findings; returns counts by severity."""
    from xxgk.rules.evaluate import compute_findings

    con.execute(_DDL)
    frame = compute_findings(con, list(years))
    for col in _COLUMNS:
        if col not in frame.columns:
            frame[col] = None
    frame = frame[list(_COLUMNS)].drop_duplicates("finding_id")
    for col in ("expected", "actual"):
        frame[col] = frame[col].map(lambda v: None if v is None or v != v else str(v))
    con.execute("BEGIN")
    con.execute(
        "DELETE FROM check_findings WHERE year IN (SELECT unnest(?::INTEGER[])) OR year IS NULL "
        "OR report_id NOT IN (SELECT report_id FROM dim_report)",
        [list(years)],
    )
    con.register("new_findings", frame)
    con.execute(
        f"INSERT INTO check_findings SELECT {', '.join(_COLUMNS)} FROM new_findings ON CONFLICT DO NOTHING"
    )
    con.unregister("new_findings")
    con.execute("COMMIT")
    rows = con.execute(
        "SELECT severity, count(*) FROM check_findings WHERE year IN (SELECT unnest(?::INTEGER[])) GROUP BY 1",
        [list(years)],
    ).fetchall()
    return {sev: int(n) for sev, n in rows}
