"""A generated national sample through the real job: every missing, late, renamed, off-format and
aggregate case found, none invented.

The inbox: 60 agencies × 2019–2021 (seed 5: two county governments publish regional aggregates),
late publication and old-format defects only; three reports deleted (missing); one department
renamed in 2021 (manifest) with a registry CSV carrying the rename; the 海安市 2019 aggregate
rewritten to equal the sum of its constituents (no W-AGGREGATE-SUM there), 如皋市's left as drawn.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.pipeline_helpers import query, run_years
from xxgk.generator.defects import DefectRates
from xxgk.generator.inbox import generate_reports, render
from xxgk.generator.truth import deadline

pytestmark = pytest.mark.slow

SEED, N, YEARS = 5, 60, (2019, 2020, 2021)
RENAMED_FROM, RENAMED_TO = "如皋市科技局", "如皋市科技创新局"
CONSISTENT, DRAWN = "海安市", "如皋市"


def _pick_deletions(reps: list) -> set[tuple[str, int]]:
    """(agency, year) to delete: a city department 2020 (gap), a 如皋市 township 2021 (seen earlier),
    a provincial department 2019 (seen later). None of 海安市's 2019 constituents."""
    by = {(r.agency.name, r.year): r for r in reps}
    city = next(r.agency.name for r in reps if r.agency.kind == "department" and r.agency.level == "city")
    town = next(r.agency.name for r in reps if r.agency.kind == "township" and r.agency.county == DRAWN)
    prov = next(r.agency.name for r in reps if r.agency.kind == "department" and r.agency.level == "province")
    out = {(city, 2020), (town, 2021), (prov, 2019)}
    assert all(k in by for k in out)
    return out


def _make_consistent(reps: list) -> None:
    """海安市 2019 aggregate := Σ of its county's 2019 reports, cell by cell (T3, T4)."""
    agg = next(r for r in reps if r.year == 2019 and r.agency.scope == "aggregate" and r.agency.county == CONSISTENT)
    members = [r for r in reps if r.year == 2019 and r.agency.county == CONSISTENT and r is not agg]
    for code in list(agg.cells):
        if not code.startswith(("T3:", "T4:")) or code.endswith("LP_SUB"):
            continue
        total = sum((m.cells.get(code) or 0) for m in members)
        agg.cells[code] = total
        agg.display[code] = str(int(total))
        agg.markers.pop(code, None)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("compliance")
    inbox, db = root / "inbox", root / "wh" / "xxgk.duckdb"
    reps = generate_reports(seed=SEED, n_agencies=N, years=YEARS,
                            defect_rates=DefectRates.only(late=0.15, old_format=0.3))
    _make_consistent(reps)
    deleted = _pick_deletions(reps)
    present = [r for r in reps if (r.agency.name, r.year) not in deleted]
    renamed = next(r for r in present if r.agency.name == RENAMED_FROM and r.year == 2021)
    for r in present:
        path = inbox / r.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render(r))
    (inbox / "manifest.csv").write_text(f"file,agency\n{renamed.path},{RENAMED_TO}\n", encoding="utf-8")
    (inbox / "registry.csv").write_text(
        "id,name,aliases,level,parent,valid_from,valid_to\n"
        f"rugao-kj,{RENAMED_FROM},如皋市科学技术局,county,如皋市人民政府,2019,2020\n"
        f"rugao-kj,{RENAMED_TO},,county,如皋市人民政府,2021-01-01,\n",
        encoding="utf-8",
    )
    mp = pytest.MonkeyPatch()
    mp.setenv("XXGK_INBOX", str(inbox))
    mp.setenv("XXGK_DUCKDB_PATH", str(db))
    mp.delenv("XXGK_PUBLISHED_DIR", raising=False)
    mp.delenv("XXGK_REGISTRY", raising=False)
    try:
        run_years(YEARS[0], YEARS[-1])
    finally:
        mp.undo()
    return {"db": db, "reps": present, "deleted": deleted}


def _calendar(db: Path, where: str = "TRUE") -> set[tuple]:
    return set(query(db, f"SELECT agency_name, year FROM compliance_calendar WHERE {where}"))


def test_every_missing_report_found_none_invented(warehouse: dict) -> None:
    db = warehouse["db"]
    assert _calendar(db, "status = 'missing'") == warehouse["deleted"]
    found = set(query(db, "SELECT agency, year FROM check_findings WHERE rule_id = 'C-MISSING'"))
    assert found == warehouse["deleted"]
    ids = [r[0] for r in query(db, "SELECT report_id FROM check_findings WHERE rule_id = 'C-MISSING'")]
    assert all(i.startswith("missing:") for i in ids)


def _name(r) -> str:
    """The agency name read from the report (an aggregate titled with the bare region name is its
    people's government's report: 海安市2019年… → 海安市人民政府)."""
    return RENAMED_TO if (r.agency.name, r.year) == (RENAMED_FROM, 2021) else r.agency.name


def _dated(r) -> bool:
    """Does the file carry its publication date? Pages (发布日期 / 发布时间 header) and CMS file
    names (t20200120_1.txt) do; a plain text copy under a title-like name does not."""
    return r.media != "txt" or bool(re.match(r"t\d{8}_", r.path.rsplit("/", 1)[-1]))


def test_every_late_report_found_with_days_and_source(warehouse: dict) -> None:
    db = warehouse["db"]
    reps = warehouse["reps"]
    late = {(_name(r), r.year): (r.published_date - deadline(r.agency, r.year)).days
            for r in reps if _dated(r) and r.published_date > deadline(r.agency, r.year)}
    assert late, "the sample must contain late reports"
    got = {(a, y): d for a, y, d in query(db, "SELECT printed_name, year, days_late FROM compliance_calendar "
                                              "WHERE is_late")}
    assert got == late
    flagged = set(query(db, "SELECT c.printed_name, c.year FROM check_findings f JOIN compliance_calendar c "
                            "ON c.report_id = f.report_id WHERE f.rule_id = 'C-LATE'"))
    assert flagged == set(late)
    # the date read from the evidence equals the true one; undated files are never judged
    dates = {(a, y): (d, s) for a, y, d, s in query(
        db, "SELECT printed_name, year, published_date, published_date_source FROM compliance_calendar "
            "WHERE report_id IS NOT NULL")}
    for r in reps:
        d, src = dates[(_name(r), r.year)]
        if _dated(r):
            assert (d, src in ("page_meta", "header", "signature", "filename")) == (r.published_date, True), r.path
        else:
            assert d is None and src is None, r.path
    undated = query(db, "SELECT count(*) FROM compliance_calendar WHERE report_id IS NOT NULL AND is_late IS NULL")
    assert undated[0][0] == sum(not _dated(r) for r in reps)


def test_deadlines_by_kind(warehouse: dict) -> None:
    rows = query(warehouse["db"], "SELECT DISTINCT kind, year, deadline FROM compliance_calendar")
    for kind, year, due in rows:
        want = dt.date(year + 1, 1, 31) if kind == "department" else dt.date(year + 1, 3, 31)
        assert due == want, (kind, year, due)


def test_rename_resolves_to_one_agency_with_history(warehouse: dict) -> None:
    db = warehouse["db"]
    keys = query(db, "SELECT DISTINCT agency_key FROM dim_report WHERE agency IN (?, ?)", [RENAMED_FROM, RENAMED_TO])
    assert len(keys) == 1
    rows = query(db, "SELECT year, agency_name, printed_name, status FROM compliance_calendar "
                     "WHERE agency_key = ? ORDER BY year", [keys[0][0]])
    assert [(y, n, p) for y, n, p, _ in rows] == [
        (2019, RENAMED_FROM, RENAMED_FROM), (2020, RENAMED_FROM, RENAMED_FROM), (2021, RENAMED_TO, RENAMED_TO)]
    assert all(s != "missing" for *_, s in rows)
    periods = query(db, "SELECT period_no, agency_name, canonical_name, source FROM dim_agency_registry "
                        "WHERE agency_key = ? ORDER BY period_no", [keys[0][0]])
    assert periods == [(1, RENAMED_FROM, RENAMED_TO, "registry"), (2, RENAMED_TO, RENAMED_TO, "registry")]
    aliases = {a for (a,) in query(db, "SELECT alias FROM agency_alias WHERE agency_key = ?", [keys[0][0]])}
    assert {RENAMED_FROM, RENAMED_TO, "如皋市科学技术局"} <= aliases


def test_every_format_mismatch_found(warehouse: dict) -> None:
    db = warehouse["db"]
    truth = {(r.agency.name if (r.agency.name, r.year) != (RENAMED_FROM, 2021) else RENAMED_TO, r.year)
             for r in warehouse["reps"] if r.version != r.expected_version}
    assert truth
    got = set(query(db, "SELECT c.printed_name, c.year FROM check_findings f JOIN compliance_calendar c "
                        "ON c.report_id = f.report_id WHERE f.rule_id = 'C-FORMAT'"))
    assert got == truth


def test_scope_and_aggregate_sum(warehouse: dict) -> None:
    db = warehouse["db"]
    truth = {r.agency.name for r in warehouse["reps"] if r.agency.scope == "aggregate"}
    got = {a for (a,) in query(db, "SELECT DISTINCT printed_name FROM compliance_calendar WHERE scope = 'aggregate'")}
    assert {n.removesuffix("人民政府") for n in truth} <= {n.removesuffix("人民政府") for n in got}
    agg_findings = query(db, "SELECT agency, year, count(*) FROM check_findings WHERE rule_id = 'W-AGGREGATE-SUM' "
                             "GROUP BY ALL")
    by = {(a, y): n for a, y, n in agg_findings}
    assert not any(CONSISTENT in a and y == 2019 for a, y in by), by
    assert any(DRAWN in a and y == 2019 for a, y in by), by


def test_findings_survive_and_aggregates_cover_every_year(warehouse: dict) -> None:
    db = warehouse["db"]
    cov = query(db, "SELECT year, sum(expected), sum(reported), sum(missing) FROM agg_compliance_region_year "
                    "GROUP BY year ORDER BY year")
    assert [y for y, *_ in cov] == list(YEARS)
    assert sum(m for *_, m in cov) == len(warehouse["deleted"])
    adoption = query(db, "SELECT year, sum(reports) FROM agg_format_adoption GROUP BY year ORDER BY year")
    assert [y for y, _ in adoption] == list(YEARS)


def test_calendar_rebuild_writes_only_changed_rows(warehouse: dict, tmp_path: Path) -> None:
    """Rebuilding a year's calendar rewrites the rows that changed, nothing else (DuckDB gives a
    re-inserted row a new rowid): one report's new publication date moves exactly its row."""
    import shutil

    from xxgk.compliance.calendar import build_calendar
    from xxgk.warehouse.db import connect

    db = tmp_path / "copy.duckdb"
    shutil.copy(warehouse["db"], db)
    as_of = dt.date(2026, 1, 1)
    with connect(db) as con:
        build_calendar(con, [2020], as_of=as_of)
        before = dict(con.execute("SELECT report_id, rowid FROM compliance_calendar "
                                  "WHERE report_id IS NOT NULL").fetchall())
        full = con.execute("SELECT * FROM compliance_calendar ORDER BY year, agency_key").fetchall()
        build_calendar(con, [2020], as_of=as_of)  # nothing changed: nothing written
        assert dict(con.execute("SELECT report_id, rowid FROM compliance_calendar "
                                "WHERE report_id IS NOT NULL").fetchall()) == before
        assert con.execute("SELECT * FROM compliance_calendar ORDER BY year, agency_key").fetchall() == full
        (moved,) = con.execute("SELECT report_id FROM compliance_calendar WHERE year = 2020 AND report_id "
                               "IS NOT NULL ORDER BY report_id LIMIT 1").fetchone()
        con.execute("UPDATE dim_report SET published_date = '2021-12-30' WHERE report_id = ?", [moved])
        build_calendar(con, [2020], as_of=as_of)
        after = dict(con.execute("SELECT report_id, rowid FROM compliance_calendar "
                                 "WHERE report_id IS NOT NULL").fetchall())
        assert {r for r in before if after[r] != before[r]} == {moved}
        row = con.execute("SELECT published_date, status, days_late FROM compliance_calendar "
                          "WHERE report_id = ?", [moved]).fetchone()
    assert row[0] == dt.date(2021, 12, 30) and row[1] == "late" and row[2] > 0
