"""Incremental rule evaluation (``xxgk.rules.store.update_findings``) equals a full evaluation.

A two-year fixture warehouse of 12 agencies is evaluated in full; then reports are replaced (new
report_ids), removed and added — a previous-year report (X-T3-CARRY, X-COPY against last year), a report
sharing rare sentences with another agency (X-COPY between agencies), a change that turns boilerplate
into a rare sentence, a second version of an agency-year — and the incremental update is compared row
for row (finding_id, every column, coverage) with a full evaluation of the same warehouse.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from xxgk.rules.fixtures import FixtureReport, build_warehouse, report
from xxgk.rules.store import update_findings

YEARS = [2021, 2022]
RARE_12 = [f"甲乙两局联合开展政务公开进社区活动第{i}批次走访居民若干户" for i in "一二三四五"]
BOILER_345 = [f"本机关依托政务服务中心设立政府信息公开查阅点第{i}处方便群众查询" for i in "一二三四五"]


_CH = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"  # digits are masked in sentences: names use characters


def _own(agency: int, year: int, tag: str = "") -> list[str]:
    season = {2021: "春季", 2022: "秋季"}[year]  # digits are masked: the wording itself must differ
    name = _CH[agency // len(_CH)] + _CH[agency % len(_CH)]
    return [f"{name}机关{season}围绕中心工作推进政务公开重点事项第{i}项{tag}进展顺利" for i in "一二三四五"]


def _text(sentences: list[str]) -> dict[str, str]:
    return {"S1": "。".join(sentences) + "。"}


def _rep(rid: str, agency: int, year: int, sentences: list[str], carry: int = 3, **kw: object) -> FixtureReport:
    changes = {"T3:2:NP": carry, "T3:4:NP": 3, "T3:1:NP": 10 + agency + 5 * (year - 2021)}
    return report(rid, "2021", year, agency=f"第{agency}局", agency_key=agency, changes=changes,
                  text=_text(sentences), **kw)


def _initial() -> list[FixtureReport]:
    reps = []
    for year in YEARS:
        for a in range(1, 13):
            sents = _own(a, year)
            if a in (1, 2):
                sents = RARE_12 + sents[:1]
            if a in (3, 4, 5):
                sents = BOILER_345 + sents[:1]
            if a == 6 and year == 2022:
                sents = _own(6, 2021)  # copies last year's report
            reps.append(_rep(f"r{a}_{year}", a, year, sents))
    return reps


def _drop(con: duckdb.DuckDBPyConnection, rid: str) -> None:
    for table in ("report_cells", "dim_report", "report_text"):
        con.execute(f"DELETE FROM {table} WHERE report_id = ?", [rid])  # constant table names


def _mutate(con: duckdb.DuckDBPyConnection) -> None:
    """Replace, remove and add reports (a replaced file has a new report_id)."""
    _drop(con, "r1_2022")  # agency 1 no longer prints the sentences it shared with agency 2
    _drop(con, "r4_2022")  # agency 4 drops the boilerplate: 3 and 5 now share a rare text
    _drop(con, "r7_2021")  # last year's report of agency 7 replaced: its carry-forward differs
    _drop(con, "r8_2022")  # removed
    con.execute("UPDATE dim_report SET is_current = FALSE WHERE report_id = 'r10_2022'")
    build_warehouse([
        _rep("n1_2022", 1, 2022, _own(1, 2022, "新")),
        _rep("n4_2022", 4, 2022, _own(4, 2022)[:1]),
        _rep("n7_2021", 7, 2021, _own(7, 2021, "改")),
        _rep("n13_2022", 13, 2022, _own(9, 2022)),  # a new agency copying agency 9's text
        _rep("n10_2022", 10, 2022, _own(10, 2022)),  # a second version of agency 10's report, now current
    ], con)
    con.execute("UPDATE report_cells SET value = 7 WHERE report_id = 'n7_2021' AND table_code = 'T3' "
                "AND row_code = '4' AND col_code = 'NP'")


def _table(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    df = con.execute(f"SELECT * FROM {name}").df()  # constant table names
    if "cells" in df.columns:
        df["cells"] = df["cells"].map(lambda c: ",".join(c) if c is not None else None)
    df = df.astype(object).where(df.notna(), None)
    return df.sort_values(list(df.columns), key=lambda s: s.astype(str)).reset_index(drop=True)


def _build(reports: list[FixtureReport]) -> duckdb.DuckDBPyConnection:
    return build_warehouse(reports)


def test_incremental_equals_full() -> None:
    con = _build(_initial())
    first = update_findings(con, YEARS)
    assert first["full_years"] == YEARS
    x_copy = set(con.execute("SELECT report_id FROM check_findings WHERE rule_id = 'X-COPY'").fetchall())
    assert ("r1_2022",) in x_copy and ("r2_2022",) in x_copy and ("r6_2022",) in x_copy

    _mutate(con)
    step = update_findings(con, YEARS)
    assert step["full_years"] == [] and step["incremental_years"] == YEARS
    n_reports = con.execute("SELECT count(*) FROM dim_report").fetchone()[0]
    assert 0 < step["targets"] < n_reports

    # the same warehouse evaluated from scratch
    fresh = duckdb.connect()
    for table in ("report_cells", "dim_report", "report_text"):
        fresh.register("_src", con.execute(f"SELECT * FROM {table}").df())  # constant table names
        fresh.execute(f"CREATE TABLE {table} AS SELECT * FROM _src")
        fresh.unregister("_src")
    assert update_findings(fresh, YEARS)["full_years"] == YEARS
    for name in ("check_findings", "check_rule_coverage"):
        got, want = _table(con, name), _table(fresh, name)
        assert len(got) == len(want) and len(want) > 0
        pd.testing.assert_frame_equal(got, want)

    # the changes took effect: agency 2 lost its X-COPY pair, agencies 3 and 5 gained one, 9 and 13 copy
    pairs = {r for r, in con.execute(
        "SELECT report_id FROM check_findings WHERE rule_id = 'X-COPY' AND year = 2022 AND status = 'fail' "
        "AND cells[1] = 'TEXT:S1' AND cells[3] NOT LIKE 'TEXT@20%'"
    ).fetchall()}
    assert "r2_2022" not in pairs and {"r3_2022", "r5_2022", "r9_2022", "n13_2022"} <= pairs
    carry = con.execute("SELECT count(*) FROM check_findings WHERE rule_id = 'X-T3-CARRY' "
                        "AND report_id = 'r7_2022' AND status = 'fail'").fetchone()[0]
    assert carry == 1


def test_unchanged_rerun_evaluates_nothing_and_keeps_rows() -> None:
    con = _build(_initial())
    update_findings(con, YEARS)
    before = _table(con, "check_findings")
    again = update_findings(con, YEARS)
    assert again["incremental_years"] == YEARS and again["targets"] == 0 and again["findings_written"] == 0
    pd.testing.assert_frame_equal(_table(con, "check_findings"), before)


def test_threshold_change_evaluates_the_year_in_full() -> None:
    con = _build(_initial())
    update_findings(con, YEARS)
    # 30 new agencies in 2022 move X-COPY's boilerplate threshold: the year is evaluated whole
    build_warehouse([_rep(f"m{a}_2022", a, 2022, _own(a, 2022)) for a in range(100, 130)], con)
    step = update_findings(con, YEARS)
    assert step["full_years"] == [2022] and step["incremental_years"] == [2021]
