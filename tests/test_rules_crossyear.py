"""Cross-year, narrative and zero-filled rules on clean and dirty synthetic series, both formats."""

from __future__ import annotations

import pytest

from xxgk.rules.fixtures import clean_cells, evaluate, fails, report

S1 = "本年度共收到政府信息公开申请{n}件，办结{c}件，1件结转下年度。行政复议{r}件，行政诉讼{s}件。"
BODY = [
    "我单位高度重视政府信息公开工作并建立健全了信息发布审核机制和工作台账",
    "围绕优化营商环境重点领域主动公开了财政预决算和重大建设项目批准实施信息",
    "进一步规范依申请公开办理流程并实行登记审核办理答复归档全流程管理",
    "加强政府网站和政务新媒体建设管理并开展季度检查抽查和问题整改工作",
    "下一步将继续加大政策解读力度丰富解读形式提高政策知晓度和群众满意度",
    "存在的主要问题是基层政务公开标准化规范化水平仍需进一步提升和完善",
]


def _series(version: str, y1: int, changes2: dict | None = None, **kw) -> list:
    a = report("y1", version, y1, agency_key=7, **kw)
    b = report("y2", version, y1 + 1, agency_key=7, changes={"T2:20.6.1:decisions": 9} | (changes2 or {}), **kw)
    return [a, b]


@pytest.mark.parametrize("version, y1", [("2019", 2019), ("2021", 2021)])
def test_clean_series_has_no_cross_year_finding(version: str, y1: int) -> None:
    changes = {f"T2:{r}:prev_items": 6 for r in ("20.5.1", "20.5.2", "20.6.1", "20.6.2", "20.8.1")}
    reps = _series(version, y1, changes if version == "2019" else None)
    f = fails(evaluate(reps).findings)
    assert f.empty, f[["report_id", "rule_id", "cells", "evidence"]].to_string()


def test_identical_numbers_are_flagged_as_copy() -> None:
    reps = [report("y1", "2021", 2021, agency_key=7), report("y2", "2021", 2022, agency_key=7)]
    f = fails(evaluate(reps).findings, "X-COPY", "y2")
    assert len(f) == 1 and "identical" in f["evidence"].iloc[0]


def test_stock_gap_and_v2019_item_carry() -> None:
    f = fails(evaluate(_series("2021", 2021, {"T2:20.1.2:valid": 40})).findings, "P-T2-STOCK", "y2")
    assert f["expected"].iloc[0] == 3 and f["actual"].iloc[0] == 40
    f = fails(evaluate(_series("2019", 2019)).findings, "P-T2-19-XYEAR", "y2")
    assert len(f) == 5


def test_fee_jump_of_ten_thousand_times() -> None:
    f = fails(evaluate(_series("2021", 2021, {"T2:20.8.1:fee_wan": 125000.0})).findings, "P-T2-FEE-UNIT", "y2")
    assert list(f["cells"].iloc[0]) == ["T2:20.8.1:fee_wan", "T2:20.8.1:fee_wan@2021"]


def _zero(version: str) -> dict:
    return {c: 0 for c in clean_cells(version)}


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_drop_to_all_zero_after_non_zero_years(version: str) -> None:
    y1 = 2019 if version == "2019" else 2021
    reps = _series(version, y1, _zero(version))
    f = evaluate(reps, years=[y1 + 1]).findings
    assert not fails(f, "P-ZERO-DROP", "y2").empty and not fails(f, "P-ZERO", "y2").empty
    blank = {c: None for c in clean_cells(version)}
    f = evaluate(_series(version, y1, blank), years=[y1 + 1]).findings
    assert "blank" in fails(f, "P-ZERO", "y2")["evidence"].iloc[0]


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_zero_table_against_narrative_counts(version: str) -> None:
    text = {"S1": S1.format(n=12, c=11, r=2, s=0)}
    rep = report("z", version, changes=_zero(version), text=text)
    f = fails(evaluate([rep]).findings, "P-ZERO-NARRATIVE")
    assert {tuple(c) for c in f["cells"]} == {("T3:*", "TEXT:S1"), ("T4:*", "TEXT:S1")}


def test_cells_printed_but_unread_make_zero_rules_incomplete_not_fail() -> None:
    """A glued row the parser could not split (value NULL, not blank) is not known to be zero."""
    from xxgk.rules.evaluate import run_rules
    from xxgk.rules.fixtures import build_warehouse

    rep = report("u", "2021", changes=_zero("2021"), text={"S1": S1.format(n=12, c=11, r=2, s=0)})
    con = build_warehouse([rep])
    con.execute(
        "UPDATE report_cells SET value = NULL, is_blank = FALSE, raw_text = '1200012' "
        "WHERE table_code = 'T3' AND row_code = '1'"
    )
    f = run_rules(con).findings
    t3 = f[(f.rule_id == "P-ZERO-NARRATIVE") & f.cells.map(lambda c: "T3:*" in c)]
    assert t3.status.tolist() == ["incomplete"]
    assert f[f.rule_id == "P-ZERO"].status.tolist() == ["incomplete"]


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_narrative_counts_clean_and_dirty(version: str) -> None:
    cells = clean_cells(version)
    good = S1.format(n=int(cells["T3:1:TOTAL"]), c=int(cells["T3:3.7:TOTAL"]), r=4, s=2)
    bad = S1.format(n=99, c=int(cells["T3:3.7:TOTAL"]), r=5, s=2) + "复议诉讼案件均获维持。"
    run = evaluate([report("good", version, text={"S1": good}), report("bad", version, text={"S1": bad})])
    assert fails(run.findings, report_id="good").empty
    assert len(fails(run.findings, "N-T3", "bad")) == 1
    assert len(fails(run.findings, "N-T4", "bad")) == 2


def test_normative_documents_in_narrative() -> None:
    rep = report("n", "2021", text={"S1": "本年度制发行政规范性文件7件。"})
    f = fails(evaluate([rep]).findings, "N-T2")
    assert f["expected"].iloc[0] == 3 and f["actual"].iloc[0] == 7


def test_text_copied_from_last_year_and_from_another_agency() -> None:
    text = {"S1": "。".join(BODY), "S5": "存在问题已整改完毕并建立了长效机制确保问题不再反弹出现"}
    own = [report("a1", "2021", 2021, agency_key=1, text=text, changes={"T2:20.6.1:decisions": 1}),
           report("a2", "2021", 2022, agency_key=1, text=text)]
    other = report("b2", "2021", 2022, agency="另一县人民政府", agency_key=2, text=text,
                   changes={"T2:20.6.1:decisions": 5})
    fresh = report("c2", "2021", 2022, agency="第三县人民政府", agency_key=3,
                   text={"S1": "本机关今年依法办理政府信息公开各项工作情况良好没有发生重大问题需要报告的。"})
    f = fails(evaluate([*own, other, fresh], years=[2022]).findings, "X-COPY")
    cells = {(r.report_id, r.cells[-1]) for r in f.itertuples()}
    assert ("a2", "TEXT@2021") in cells and ("a2", "TEXT@b2") in cells and ("b2", "TEXT@a2") in cells
    assert "c2" not in set(f["report_id"])
