"""Every rule on a clean and a dirty fixture, for both formats; blanks and markers give 'incomplete'."""

from __future__ import annotations

import pytest

from xxgk.rules.fixtures import cellsets, evaluate, fails, report

T3_COLS = ("NP", "LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH", "TOTAL")


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_clean_report_has_no_finding(version: str) -> None:
    run = evaluate([report("clean", version)])
    assert run.findings.empty, run.findings[["rule_id", "cells", "evidence"]].to_string()
    assert set(run.coverage["rule_id"]) >= {"R-T3-BALANCE", "R-T3-OUTCOME", "R-T3-COLSUM", "R-T4-SUM", "R-NONNEG"}


def _bump(version: str, *codes: str, by: float = 1) -> dict:
    from xxgk.rules.fixtures import clean_cells

    base = clean_cells(version)
    return {c: base[c] + by for c in codes}


DIRTY = [
    ("R-T3-BALANCE", lambda v: _bump(v, "T3:1:NP", "T3:1:TOTAL"), {"T3:1:NP,T3:2:NP,T3:3.7:NP,T3:4:NP"}),
    ("R-T3-OUTCOME", lambda v: _bump(v, "T3:3.1:NP", "T3:3.1:TOTAL"), None),
    ("R-T3-COLSUM", lambda v: _bump(v, "T3:3.2:TOTAL"), None),
    ("R-T3-GROUP", lambda v: {"T3:3.4:NP": 5, "T3:1:LP_SUB": 9}, None),
    ("R-T4-SUM", lambda v: {"T4:AR:TOTAL": 0}, {"T4:AR:TOTAL,T4:AR:MAINTAIN,T4:AR:CORRECT,T4:AR:OTHER,T4:AR:PENDING"}),
    ("R-NONNEG", lambda v: {"T4:AL_D:OTHER": -1, "T4:AL_D:TOTAL": 0}, {"T4:AL_D:OTHER"}),
    ("P-BLANK-TOTAL", lambda v: {"T3:3.1:TOTAL": None}, {"T3:3.1:TOTAL"}),
    ("P-T4-NO-T3", lambda v: {f"T3:{r}:{c}": 0 for r in ("1", "2", "3.7", "4", "3.1", "3.2", "3.6", "3.6.3")
                              for c in T3_COLS}, None),
    ("P-PENDING", lambda v: _bump(v, "T3:4:NP", "T3:4:TOTAL", by=50), {"T3:4:TOTAL,T3:1:TOTAL"}),
]


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("rule_id, changes, expected_cells", DIRTY, ids=[d[0] for d in DIRTY])
def test_dirty_report_fails_its_rule(version: str, rule_id: str, changes, expected_cells) -> None:
    run = evaluate([report("clean", version), report("dirty", version, changes=changes(version))])
    assert fails(run.findings, report_id="clean").empty
    hit = fails(run.findings, rule_id, "dirty")
    assert not hit.empty, run.findings[["rule_id", "status", "cells"]].to_string()
    if expected_cells:
        assert expected_cells <= cellsets(hit)


def test_group_subtotal_rows_and_lp_sub() -> None:
    good = {"T3:3.4:NP": 0, "T3:3.4:TOTAL": 0, "T3:1:LP_SUB": 1}
    run = evaluate([report("ok", "2021", changes=good), report("bad", "2021", changes={"T3:3.4:NP": 5})])
    assert fails(run.findings, "R-T3-GROUP", "ok").empty
    assert {"T3:3.4:NP,T3:3.4.1:NP,T3:3.4.2:NP,T3:3.4.3:NP"} == cellsets(fails(run.findings, "R-T3-GROUP", "bad"))


def test_v2019_delta_may_be_negative_but_items_not() -> None:
    ok = {"T2:20.5.1:delta": -2}
    bad = {"T2:20.5.1:delta": -5}
    run = evaluate([report("ok", "2019", changes=ok), report("bad", "2019", changes=bad)])
    assert fails(run.findings, report_id="ok").empty
    assert cellsets(fails(run.findings, "R-T2-19-ITEMS", "bad")) == {"T2:20.5.1:prev_items,T2:20.5.1:delta"}
    assert fails(run.findings, "R-NONNEG", "bad").empty


def test_v2019_publication_rules() -> None:
    run = evaluate([report("pub", "2019", changes={"T2:20.1.2:new_pub": 20}),
                    report("made", "2019", changes={"T2:20.1.2:new_made": 1, "T2:20.1.2:new_pub": 2})])
    assert cellsets(fails(run.findings, "R-T2-19-PUB", "pub")) == {"T2:20.1.2:total_pub,T2:20.1.2:new_pub"}
    assert not fails(run.findings, "P-T2-19-NEWMADE", "made").empty
    assert fails(run.findings, "R-T2-19-PUB", "made").empty


def test_non_integer_count_breaks_nonneg() -> None:
    run = evaluate([report("r", "2021", changes={"T2:20.8.1:fee_wan": 3.25, "T3:3.2:LP_NGO": 0.5})])
    assert "T3:3.2:LP_NGO" in cellsets(fails(run.findings, "R-NONNEG"))
    assert "T2:20.8.1:fee_wan" not in cellsets(fails(run.findings, "R-NONNEG"))


@pytest.mark.parametrize("blank", [None, "/"])
def test_blank_or_marker_cells_make_rules_incomplete(blank) -> None:
    run = evaluate([report("r", "2021", changes={"T3:3.2:NP": blank})])
    f = run.findings
    assert fails(f).empty
    inc = f[f["status"] == "incomplete"]
    assert {"R-T3-COLSUM", "R-T3-OUTCOME"} <= set(inc["rule_id"])


def test_absent_cells_are_skipped_or_incomplete_never_failed() -> None:
    cells = {"T3:1:TOTAL": 5, "T3:2:TOTAL": 0, "T3:3.7:TOTAL": 5, "T3:4:TOTAL": 0}
    from xxgk.rules.fixtures import FixtureReport

    run = evaluate([FixtureReport("sparse", "甲局", 2021, "2021", cells)])
    assert fails(run.findings).empty


def test_rulemaking_by_a_county_department() -> None:
    changes = {"T2:20.1.1:made": 1, "T2:20.1.1:valid": 1, "T2:20.1.1:repealed": 1}
    run = evaluate([
        report("county", "2021", agency="某县市场监管局", changes=changes, level="county", sector="市场监管"),
        report("province", "2021", agency="某省人民政府", changes=changes, level="provincial", sector="人民政府"),
    ])
    assert not fails(run.findings, "P-T2-RULEMAKING", "county").empty
    assert fails(run.findings, "P-T2-RULEMAKING", "province").empty


def test_fee_written_in_yuan() -> None:
    from xxgk.rules.fixtures import FixtureReport, clean_cells

    cells = clean_cells("2021") | {"T2:20.8.1:fee_wan": 125000}
    rep = FixtureReport("yuan", "某局", 2021, "2021", cells, raw={"T2:20.8.1:fee_wan": "125000元"})
    run = evaluate([rep, report("ok", "2021")])
    assert not fails(run.findings, "P-T2-FEE-UNIT", "yuan").empty
    assert fails(run.findings, "P-T2-FEE-UNIT", "ok").empty


def test_finding_ids_are_stable_and_unique() -> None:
    reps = [report("d", "2021", changes={"T4:AR:TOTAL": 0, "T3:3.2:NP": None})]
    a = evaluate(reps).findings
    b = evaluate(reps).findings
    assert list(a["finding_id"]) == list(b["finding_id"])
    assert a["finding_id"].is_unique
