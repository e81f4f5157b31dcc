"""Real reports (hand-checked truth of ../shared/corpus): the printed errors are found, clean reports
raise no E finding, carry-over holds across the 平潭 series, the seed is flagged as zero-filled."""

from __future__ import annotations

import pytest

from xxgk.rules.fixtures import CORPUS, TRUTH, FixtureReport, evaluate, fails, truth_report

pytestmark = pytest.mark.skipif(not TRUTH.exists(), reason="../shared/corpus is absent")

COLS = ("NP", "LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH", "TOTAL")
PINGTAN_KEY = 350128


def _row(row: str, *values: float) -> dict[str, float]:
    return {f"T3:{row}:{c}": v for c, v in zip(COLS, values, strict=True)}


def _t4(ar: tuple, ald: tuple, alr: tuple) -> dict[str, float]:
    out = {}
    for b, vals in (("AR", ar), ("AL_D", ald), ("AL_R", alr)):
        cols = ("MAINTAIN", "CORRECT", "OTHER", "PENDING", "TOTAL")
        out |= {f"T4:{b}:{c}": v for c, v in zip(cols, vals, strict=True)}
    return out


def pingtan_2020() -> FixtureReport:
    """平潭 2020 (V2019) as printed: outcome leaves sum to 27 (NP 26) but （七）总计 says 21 (NP 20)."""
    zero = (0,) * 7
    cells: dict = {}
    cells |= _row("1", 20, 0, 0, 0, 0, 1, 21) | _row("2", *zero)
    cells |= _row("3.1", 6, 0, 0, 0, 0, 1, 7) | _row("3.2", 6, 0, 0, 0, 0, 0, 6)
    for r in [f"3.3.{i}" for i in range(1, 9)] + ["3.4.2", "3.5.1", "3.5.3", "3.5.4", "3.5.5"]:
        cells |= _row(r, *zero)
    cells |= _row("3.4.1", 4, 0, 0, 0, 0, 0, 4) | _row("3.4.3", 3, 0, 0, 0, 0, 0, 3)
    cells |= _row("3.5.2", 3, 0, 0, 0, 0, 0, 3) | _row("3.6", 4, 0, 0, 0, 0, 0, 4)
    cells |= _row("3.7", 20, 0, 0, 0, 0, 1, 21) | _row("4", *zero)
    cells |= _t4((0,) * 5, (0,) * 5, (0,) * 5)
    return FixtureReport("pingtan_2020", "平潭综合实验区", 2020, "2019", cells, "福建省平潭综合实验区",
                         agency_key=PINGTAN_KEY, level=None, sector=None)


def pingtan_series() -> list[FixtureReport]:
    """平潭 2019–2025: truth files for odd years, rows 1/2/3.1/3.7/4 and T4 of the archive for even years."""
    reps = []
    for y in (2019, 2021, 2023, 2025):
        r = truth_report(TRUTH / f"pingtan_{y}.txt.json")
        r.agency_key = PINGTAN_KEY
        reps.append(r)
    even = {
        2022: (_row("1", 71, 3, 0, 0, 0, 0, 74) | _row("2", 1, 0, 0, 0, 0, 0, 1) | _row("3.1", 21, 0, 0, 0, 0, 0, 21)
               | _row("3.7", 72, 3, 0, 0, 0, 0, 75) | _row("4", *(0,) * 7)
               | _t4((0, 1, 1, 0, 2), (1, 0, 0, 0, 1), (0,) * 5)),
        2024: (_row("1", 217, 1, 0, 0, 0, 0, 218) | _row("2", *(0,) * 7) | _row("3.1", 71, 0, 0, 0, 0, 0, 71)
               | _row("3.7", 217, 1, 0, 0, 0, 0, 218) | _row("4", *(0,) * 7)
               | _t4((2, 1, 3, 1, 7), (0,) * 5, (13, 2, 4, 0, 19))),
    }
    for y, cells in even.items():
        reps.append(FixtureReport(f"pingtan_{y}", "平潭综合实验区", y, "2021", cells, "福建省平潭综合实验区",
                                  agency_key=PINGTAN_KEY, level=None, sector=None))
    return [*reps, pingtan_2020()]


def _errors(findings):
    f = fails(findings)
    return f[f["severity"] == "E"]


def test_hongze_2023_review_total_printed_zero_is_the_only_error() -> None:
    run = evaluate([truth_report(p) for p in sorted(TRUTH.glob("*.json"))])
    errs = _errors(run.findings)
    assert set(errs["report_id"]) == {"hongze_2023"}
    got = {(r.rule_id, r.cells[0], r.expected, r.actual) for r in errs.itertuples()}
    assert got == {("R-T4-SUM", "T4:AR:TOTAL", 11.0, 0.0), ("R-T4-SUM", "T4:AL_R:TOTAL", 5.0, 0.0)}


def test_pingtan_2020_outcome_rows_sum_27_against_21() -> None:
    run = evaluate([pingtan_2020()])
    errs = _errors(run.findings)
    got = {(r.rule_id, r.cells[0], r.expected, r.actual) for r in errs.itertuples()}
    assert got == {("R-T3-OUTCOME", "T3:3.7:TOTAL", 27.0, 21.0), ("R-T3-OUTCOME", "T3:3.7:NP", 26.0, 20.0)}


def test_carry_over_holds_across_the_pingtan_series() -> None:
    run = evaluate(pingtan_series())
    carry = run.coverage[run.coverage["rule_id"] == "X-T3-CARRY"]
    assert set(carry["year"]) == {2020, 2021, 2022, 2023, 2024, 2025}
    assert carry["n_fail"].sum() == 0 and carry["n_incomplete"].sum() == 0
    errs = _errors(run.findings)
    assert set(errs["report_id"]) == {"pingtan_2020"} and set(errs["rule_id"]) == {"R-T3-OUTCOME"}


def test_carry_over_break_is_found_per_column() -> None:
    reps = pingtan_series()
    r2022 = next(r for r in reps if r.year == 2022)
    r2022.cells |= {"T3:2:NP": 0, "T3:2:TOTAL": 0, "T3:1:NP": 72, "T3:1:TOTAL": 75}
    f = fails(evaluate(reps, years=[2022]).findings, "X-T3-CARRY")
    assert {tuple(c) for c in f["cells"]} == {("T3:2:NP", "T3:4:NP@2021"), ("T3:2:TOTAL", "T3:4:TOTAL@2021")}
    assert set(f["severity"]) == {"E"}


def test_renamed_agency_downgrades_carry_to_warning() -> None:
    reps = pingtan_series()
    r2022 = next(r for r in reps if r.year == 2022)
    r2022.agency = "平潭综合实验区管委会"
    r2022.cells |= {"T3:2:NP": 0, "T3:2:TOTAL": 0, "T3:1:NP": 72, "T3:1:TOTAL": 75}
    f = fails(evaluate(reps, years=[2022]).findings, "X-T3-CARRY")
    assert set(f["severity"]) == {"W"}


def test_seed_is_flagged_zero_filled_with_printed_zeros() -> None:
    run = evaluate([truth_report(TRUTH / "haian_kjj_2019.txt.json")])
    z = fails(run.findings, "P-ZERO")
    assert len(z) == 1 and "printed 0" in z["evidence"].iloc[0]
    assert _errors(run.findings).empty


def test_shanghai_narrative_contradicts_tables() -> None:
    rep = truth_report(TRUTH / "shanghai_szfbgt_2019.html.json")
    rep.cells |= {"T3:3.2:NP": 3, "T3:3.2:TOTAL": 3, "T3:3.4.1:TOTAL": 265, "T3:3.4.2:TOTAL": 70, "T3:3.4.3:TOTAL": 2}
    rep.text = {"ALL": (CORPUS / "reports" / "shanghai_szfbgt_2019.html").read_text(encoding="utf-8")}
    run = evaluate([rep])
    n3 = fails(run.findings, "N-T3")
    assert {(r.expected, r.actual) for r in n3.itertuples()} == {(275.0, 258.0), (337.0, 265.0)}
    n4 = fails(run.findings, "N-T4")
    assert "均获维持" in n4["evidence"].iloc[0] and n4["expected"].iloc[0] == 3.0
    assert _errors(run.findings).empty


@pytest.mark.parametrize("year", [2021, 2023, 2025])
def test_pingtan_narratives_agree_with_tables(year: int) -> None:
    rep = truth_report(TRUTH / f"pingtan_{year}.txt.json")
    rep.text = {"ALL": (CORPUS / "reports" / f"pingtan_{year}.txt").read_text(encoding="utf-8")}
    run = evaluate([rep])
    assert fails(run.findings).empty, run.findings[["rule_id", "cells", "evidence"]].to_string()
    checked = run.coverage[run.coverage["rule_id"].isin(["N-T3", "N-T4"])]
    assert checked["n_checked"].sum() >= 2
