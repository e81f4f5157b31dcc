"""Analyst review decisions on findings, keyed by the stable ``finding_id`` fingerprint.

``finding_reviews`` is append-only (one row per decision; the latest per finding wins) and is only
ever created, never dropped or rewritten by a pipeline run, so decisions survive recomputation of
``check_findings``. ``finding_reviews_latest`` and ``check_findings_reviewed`` are views.
"""

from __future__ import annotations

import csv
import getpass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

DECISIONS = ("confirmed", "dismissed")

REVIEWS_DDL = """
CREATE TABLE IF NOT EXISTS finding_reviews (
    finding_id VARCHAR NOT NULL, decision VARCHAR NOT NULL, note VARCHAR, reviewer VARCHAR,
    decided_at TIMESTAMP NOT NULL)
"""
LATEST_VIEW = """
CREATE OR REPLACE VIEW finding_reviews_latest AS
SELECT * FROM finding_reviews
QUALIFY row_number() OVER (PARTITION BY finding_id ORDER BY decided_at DESC) = 1
"""
REVIEWED_VIEW = """
CREATE OR REPLACE VIEW check_findings_reviewed AS
SELECT f.*, r.decision AS review_decision, r.note AS review_note, r.reviewer, r.decided_at
FROM check_findings f LEFT JOIN finding_reviews_latest r USING (finding_id)
"""


def ensure_reviews(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``finding_reviews`` (if missing) and its views."""
    from xxgk.rules.store import ensure_tables

    ensure_tables(con)
    con.execute(REVIEWS_DDL)
    con.execute(LATEST_VIEW)
    con.execute(REVIEWED_VIEW)


def record_decision(
    con: duckdb.DuckDBPyConnection,
    finding_id: str,
    decision: str,
    note: str = "",
    reviewer: str | None = None,
    decided_at: datetime | None = None,
) -> None:
    """Append one decision (``confirmed`` or ``dismissed``) for a finding."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {DECISIONS}, got {decision!r}")
    if not finding_id:
        raise ValueError("finding_id is required")
    ensure_reviews(con)
    con.execute(
        "INSERT INTO finding_reviews VALUES (?, ?, ?, ?, ?)",
        [finding_id, decision, note, reviewer or getpass.getuser(),
         decided_at or datetime.now(UTC).replace(tzinfo=None)],
    )


def apply_reviews_csv(con: duckdb.DuckDBPyConnection, path: str | Path) -> int:
    """Record the decisions of a reviewed CSV (columns finding_id, decision, note[, reviewer, decided_at]).

    Rows with an empty decision are skipped; a decision identical to the finding's latest one is not
    appended again, so importing the same file twice is harmless. Returns the number recorded.
    """
    ensure_reviews(con)
    n = 0
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            decision = (row.get("decision") or "").strip().lower()
            fid = (row.get("finding_id") or "").strip()
            if not decision or not fid:
                continue
            note = (row.get("note") or "").strip()
            latest = con.execute(
                "SELECT decision, note FROM finding_reviews_latest WHERE finding_id = ?", [fid]
            ).fetchall()
            if latest and latest[0][0] == decision and (latest[0][1] or "") == note:
                continue
            when = row.get("decided_at") or None
            record_decision(
                con, fid, decision, note, (row.get("reviewer") or "").strip() or None,
                datetime.fromisoformat(when) if when else None,
            )
            n += 1
    return n


def export_findings_csv(con: duckdb.DuckDBPyConnection, path: str | Path, years: list[int] | None = None) -> int:
    """Write findings (with any current decision) to a CSV an analyst can fill in and re-import."""
    ensure_reviews(con)
    sql = (
        "SELECT finding_id, report_id, agency, year, rule_id, severity, status, cells, expected, actual, message,"
        " coalesce(review_decision, '') AS decision, coalesce(review_note, '') AS note"
        " FROM check_findings_reviewed WHERE ? OR list_contains(?, year) ORDER BY year, report_id, rule_id"
    )
    df = con.execute(sql, [years is None, list(years or [])]).df()
    df.to_csv(path, index=False)
    return len(df)
