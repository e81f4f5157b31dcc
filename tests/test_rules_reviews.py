"""Review decisions are keyed by finding_id and survive recomputation of check_findings."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from xxgk.rules.aggregates import refresh_aggregates
from xxgk.rules.cli import main as cli_main
from xxgk.rules.fixtures import build_warehouse, report
from xxgk.rules.reviews import apply_reviews_csv, export_findings_csv, record_decision
from xxgk.rules.store import update_findings

DIRTY = {"T4:AR:TOTAL": 0, "T3:3.2:NP": None}


def _warehouse(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path)) if path else duckdb.connect()
    build_warehouse([report("d", "2021", changes=DIRTY), report("c", "2021", agency="乙局", agency_key=2)], con)
    return con


def _rerun(con: duckdb.DuckDBPyConnection) -> None:
    update_findings(con, [2021], full=True)  # the check_findings step, rewriting the year
    refresh_aggregates(con)


def test_decisions_survive_rerun_and_drive_aggregates() -> None:
    con = _warehouse()
    _rerun(con)
    sql = "SELECT finding_id FROM check_findings WHERE rule_id = 'R-T4-SUM' AND status = 'fail'"
    fid = con.execute(sql).fetchall()[0][0]
    assert con.execute("SELECT n_error FROM agg_findings_agency_year WHERE report_id = 'd'").fetchall() == [(1,)]
    record_decision(con, fid, "dismissed", "printed total is a typo", "analyst")
    _rerun(con)
    _rerun(con)
    rows = con.execute("SELECT review_decision, review_note FROM check_findings_reviewed WHERE finding_id = ?",
                       [fid]).fetchall()
    assert rows == [("dismissed", "printed total is a typo")]
    sql = "SELECT n_error, n_dismissed FROM agg_findings_agency_year WHERE report_id = 'd'"
    assert con.execute(sql).fetchall() == [(0, 1)]
    rate = con.execute("SELECT reports_checked, reports_violating FROM agg_rule_violation_rates"
                       " WHERE rule_id = 'R-T4-SUM'").fetchall()
    assert rate == [(2, 0)]


def test_csv_round_trip_is_idempotent(tmp_path: Path) -> None:
    con = _warehouse()
    _rerun(con)
    out = tmp_path / "findings.csv"
    assert export_findings_csv(con, out, [2021]) > 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    for r in rows:
        r["decision"] = "confirmed" if r["rule_id"] == "R-T4-SUM" else ""
        r["note"] = "checked against the PDF"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    n = apply_reviews_csv(con, out)
    assert n == sum(1 for r in rows if r["decision"])
    assert apply_reviews_csv(con, out) == 0
    _rerun(con)
    got = con.execute("SELECT count(*) FROM check_findings_reviewed WHERE review_decision = 'confirmed'").fetchall()
    assert got == [(n,)]


def test_cli_review_and_import(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = _warehouse(db)
    _rerun(con)
    fid = con.execute("SELECT finding_id FROM check_findings LIMIT 1").fetchall()[0][0]
    con.close()
    assert cli_main(["review", "--db", str(db), "--finding", fid, "--decision", "dismissed", "--note", "ok"]) == 0
    path = tmp_path / "r.csv"
    path.write_text(f"finding_id,decision,note\n{fid},confirmed,second look\n", encoding="utf-8")
    assert cli_main(["import-csv", "--db", str(db), "--csv", str(path)]) == 0
    con = duckdb.connect(str(db))
    _rerun(con)
    assert con.execute("SELECT count(*) FROM finding_reviews WHERE finding_id = ?", [fid]).fetchall() == [(2,)]
    latest = con.execute("SELECT decision FROM finding_reviews_latest WHERE finding_id = ?", [fid]).fetchall()
    assert latest == [("confirmed",)]
