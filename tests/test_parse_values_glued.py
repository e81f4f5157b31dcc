"""Unit tests: cell values, encodings, the glued-digit enumerator and chooser, labels, HTML reader."""

from __future__ import annotations

import pytest

from xxgk.parsing.encoding import decode_bytes
from xxgk.parsing.glued import Reading, Rule, best_readings, choose, split_run
from xxgk.parsing.html_reader import read_html
from xxgk.parsing.labels import match_t2_row, match_t3_row
from xxgk.parsing.tables import split_row
from xxgk.parsing.text_reader import read_text
from xxgk.parsing.values import parse_cell

T3_ROW = [Rule((0, 1, 2, 3, 4, 5), 6)]
T4_RULES = [Rule((0, 1, 2, 3), 4), Rule((5, 6, 7, 8), 9), Rule((10, 11, 12, 13), 14)]


@pytest.mark.parametrize(
    ("text", "value", "marker", "unit", "blank"),
    [
        ("", None, None, None, True),
        ("\xa0 ", None, None, None, True),
        ("0", 0, None, None, False),
        ("１２３", 123, None, None, False),
        ("1,036", 1036, None, None, False),
        ("+1036", 1036, None, None, False),
        ("-3", -3, None, None, False),
        ("4166.2416", 4166.2416, None, None, False),
        ("251000元", 251000, None, "元", False),
        ("12.5万元", 12.5, None, "万元", False),
        ("5件", 5, None, "件", False),
        ("3 个", 3, None, "个", False),
        ("/", None, "/", None, False),
        ("／", None, "/", None, False),
        ("—", None, "—", None, False),
        ("——", None, "—", None, False),
        ("-", None, "-", None, False),
        ("无", None, "无", None, False),
        ("不适用", None, "不适用", None, False),
    ],
)
def test_parse_cell(text: str, value, marker, unit, blank) -> None:
    v = parse_cell(text)
    assert v.ok
    assert v.value == value
    assert v.marker == marker
    assert v.unit == unit
    assert v.is_blank is blank


@pytest.mark.parametrize("text", ["约10", "十二", "1.2.3", "12（含）"])
def test_unparseable_is_not_zero(text: str) -> None:
    v = parse_cell(text)
    assert not v.ok and v.value is None and not v.is_blank


def test_signed_flag() -> None:
    assert parse_cell("+5").signed and not parse_cell("5").signed


# --- encodings ---------------------------------------------------------------------------------------
def test_decode_utf8_bom_gbk_and_meta() -> None:
    text = "政府信息公开工作年度报告"
    assert decode_bytes(text.encode("utf-8"))[:2] == (text, "utf-8")
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))[:2] == (text, "utf-8-sig")
    assert decode_bytes(text.encode("gbk"))[:2] == (text, "gb18030")
    page = f"<meta charset='gbk'><p>{text}</p>".encode("gbk")
    got, enc, issues = decode_bytes(page, html=True)
    assert text in got and enc == "gb18030" and not issues


def test_decode_wrong_declared_charset_is_reported() -> None:
    page = "<meta http-equiv='Content-Type' content='text/html; charset=gb2312'><p>年度报告</p>".encode()
    text, enc, issues = decode_bytes(page, html=True)
    # UTF-8 bytes would "decode" as GB18030 into garbage: strict UTF-8 wins, the lie is reported
    assert enc == "utf-8" and "年度报告" in text
    assert [i.code for i in issues] == ["declared_charset_wrong"]


# --- glued digits ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("run", "want"),
    [
        ("640020470", (64, 0, 0, 2, 0, 4, 70)),
        ("230 000023", (23, 0, 0, 0, 0, 0, 23)),
        ("23 0 00 0 023", (23, 0, 0, 0, 0, 0, 23)),
        (" 0 0 00 00 0 ", (0,) * 7),
        ("500000 5", (5, 0, 0, 0, 0, 0, 5)),
        ("15130000154", (151, 3, 0, 0, 0, 0, 154)),
    ],
)
def test_split_t3_row_unique(run: str, want: tuple) -> None:
    res = split_run(run, 7, T3_ROW)
    assert [r.values for r in res.readings] == [tuple(float(x) for x in want)]


def test_split_t3_row_ambiguous_alone() -> None:
    res = split_run("220000325", 7, T3_ROW)
    assert sorted(r.texts for r in res.readings) == [
        ("2", "20", "0", "0", "0", "3", "25"),
        ("22", "0", "0", "0", "0", "3", "25"),
    ]


def test_split_t4_seventeen_digits() -> None:
    res = split_run("10203120001200000", 15, T4_RULES)
    assert len(res.readings) == 1
    assert res.readings[0].values == (1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)


def test_split_markers_decimals_and_signs() -> None:
    res = split_run("1 / — 3", 4)
    assert [r.markers for r in res.readings] == [(None, "/", "—", None)]
    res = split_run("13575394432.52", 2, decimals=frozenset({1}))
    assert ("135", "75394432.52") in [r.texts for r in res.readings]
    assert all("." not in r.texts[0] for r in res.readings)
    res = split_run("12 -3 4", 3, signed=frozenset({1}))
    assert [r.values for r in res.readings] == [(12.0, -3.0, 4.0)]


def test_split_rejects_non_values_and_is_bounded() -> None:
    assert not split_run("12abc", 2).valid_run
    res = split_run("1" * 40, 7, T3_ROW, max_steps=5000)
    assert res.truncated or not res.readings


def test_space_inside_number_is_penalised() -> None:
    res = split_run("1 2", 1)
    assert res.readings[0].space_penalty == 1
    res = split_run("1 2", 2)
    assert res.readings[0].space_penalty == 0


def test_choose_prefers_cross_row_consistency() -> None:
    a = split_run("220000325", 7, T3_ROW).readings
    fixed = split_run("220000325", 7, T3_ROW).readings[:1]
    target = next(r for r in a if r.texts[0] == "22")

    def score(assign: dict[str, Reading]) -> tuple[int, int]:
        return int(assign["x"].values[1] == target.values[1]), 1

    got = choose({"x": a, "y": fixed}, score)
    assert got.chosen["x"] == target and not got.alternatives


def test_choose_leaves_ties_ambiguous() -> None:
    a = split_run("693665", 3).readings
    got = choose({"x": a}, lambda assign: (0, 0))
    assert got.chosen["x"] is None
    assert len(got.alternatives["x"]) == len(a) == 10


def test_rule_breaking_row_keeps_best_reading() -> None:
    # 2+1 printed with a total of 4: no split satisfies the rule; readings meeting most rules are kept
    res = split_run("214", 3, [Rule((0, 1), 2)])
    assert not res.readings
    res = split_run("214", 3, [Rule((0, 1), 2)], require_rules=False)
    best = best_readings(res.readings)
    assert [r.texts for r in best] == [("2", "1", "4")]
    assert not best[0].consistent


# --- labels and rows ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("1.属于国家秘密", "3.3.1"),
        ("(1)属于国家秘密", "3.3.1"),
        ("（三）不予公开 1、属于国家秘密", "3.3.1"),
        ("3.危及\"三安全一稳定\"", "3.3.3"),
        ("危及三安全 一稳定", "3.3.3"),
        ("5.要求行政机关确认或重新出具已获取信息", "3.5.5"),
        ("4.无正当理由大量反复申请", "3.5.4"),
        ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "3.6.1"),
        ("（七）总计", "3.7"),
        ("四、结转下年度继续办理", "4"),
        ("二、上年结转政府信息公开申请数量", "2"),
        ("（六）其他处理", "3.6"),
    ],
)
def test_t3_labels(label: str, code: str) -> None:
    assert match_t3_row(label) == code


def test_t2_labels() -> None:
    assert match_t2_row("行政规范性文件") == "20.1.2"
    assert match_t2_row("规章") == "20.1.1"
    assert match_t2_row("其他对外管理服务事项") == "20.5.2"
    assert match_t2_row("一段很长的正文里提到了行政许可和行政处罚以及其他很多事情") is None


def test_split_row_keeps_label_digits_out_and_reads_glued_tail() -> None:
    assert split_row(["", "1.属于国家秘密", "0", "", "/"]) == ("1.属于国家秘密", ["0", "", "/"])
    label, values = split_row(["1.属于国家秘密 3 0 0 0 0 0 3"])
    assert label.startswith("1.属于国家秘密") and values == ["3 0 0 0 0 0 3"]


# --- readers -----------------------------------------------------------------------------------------
def test_html_rowspan_colspan_and_br() -> None:
    doc = read_html(
        "<table><tr><td rowspan=2>三、本年度<br/>办理结果</td><td colspan=2>a</td></tr>"
        "<tr><td>&nbsp;</td><td>5</td></tr></table>"
    )
    t = doc.tables[0]
    assert t.rows[0][0].text == "三、本年度办理结果"
    assert t.rows[1][0].text == ""
    grid = t.expanded()
    assert [c.text for c in grid[1]] == ["三、本年度办理结果", "", "5"]


def test_html_layout_table_wrapping_data_tables() -> None:
    doc = read_html("<table><tr><td><p>标题</p><table><tr><td>规章</td><td>1</td></tr></table></td></tr></table>")
    assert len(doc.tables) == 1 and doc.tables[0].rows[0][1].text == "1"
    assert "标题" in doc.text


def test_text_cell_lines_layout() -> None:
    text = "\n".join(["标题行", "", "\t三", "", "、", "", "本", "\t（一）予以公开", "\t1", "\t", "", "正文段落"])
    doc = read_text(text)
    assert len(doc.tables) == 1
    assert [c.text for c in doc.tables[0].rows[0]] == ["三、本", "（一）予以公开", "1", ""]


def test_split_glued_slashes_and_negative() -> None:
    res = split_run("1/////1", 7, T3_ROW)
    assert [r.markers for r in res.readings] == [(None, "/", "/", "/", "/", "/", None)]
    assert res.readings[0].values[0] == 1 and res.readings[0].values[6] == 1
    # a printed negative count is kept (the rules engine reports it), never dropped
    res = split_run("-1000001", 7, T3_ROW, signed=frozenset(range(7)), require_rules=False)
    assert [r.values for r in best_readings(res.readings)] == [(-1, 0, 0, 0, 0, 0, 1)]


def test_dash_run_is_one_marker_per_cell_when_the_count_needs_it() -> None:
    """'1—————1' (crawler text of a row whose blank cells print '—'): 1, five markers, 1 — no value invented."""
    from xxgk.parsing.glued import split_run

    res = split_run("1—————1", 7)
    assert len(res.readings) == 1
    r = res.readings[0]
    assert r.values == (1.0, None, None, None, None, None, 1.0)
    assert r.markers[1:6] == ("—",) * 5
    # a run already readable as it stands is not re-cut
    assert split_run("1 — 1", 3).readings[0].values == (1.0, None, 1.0)


def test_thousands_separator_in_a_glued_run() -> None:
    """'7656,942.79': the comma binds 1–3 digits before it; every such cut is a reading, none preferred."""
    res = split_run("7656,942.79", 2, decimals=frozenset({1}))
    assert [r.texts for r in res.readings] == [("7", "656,942.79"), ("76", "56,942.79"), ("765", "6,942.79")]
    assert res.readings[0].values == (7, 656942.79)
    assert split_run("12,345", 2).readings[0].texts == ("1", "2,345")  # '12,345' is one number or '1','2,345'
    # a 总计 printed with a separator still satisfies its rule
    assert [r.texts for r in split_run("1,0001,0002,000", 3, [Rule((0, 1), 2)]).readings] == [
        ("1,000", "1,000", "2,000")
    ]


def test_unit_after_every_glued_cell_is_a_boundary() -> None:
    from xxgk.parsing.tresolve import _unit_segments, _with_units

    body, units = _unit_segments("4件4件77件")
    assert (body, units) == ("4|4|77", ["件", "件", "件"])
    (reading,) = split_run(body, 3).readings
    assert _with_units(reading, body, units).texts == ("4件", "4件", "77件")
    body, units = _unit_segments("0件00件")  # the signed delta printed without a unit
    assert [r.values for r in split_run(body, 3).readings] == [(0, 0, 0)]


def test_vanished_blanks_are_placed_never_chosen() -> None:
    """'33' for a T3 row of 7 cells: the blanks printed as nothing; every placement fitting the rule."""
    from xxgk.parsing.glued import split_with_blanks

    res = split_with_blanks("33", 7, T3_ROW)
    assert not res.truncated and len(res.readings) == 6
    assert all(r.values[6] == 3 for r in res.readings)
    assert (3, None, None, None, None, None, 3) in [r.values for r in res.readings]
    assert split_with_blanks("0000000", 7, T3_ROW).readings == []  # enough digits: not this case
    assert split_with_blanks("12345678901234", 15, T4_RULES).readings == []


def test_vanished_blank_row_is_flagged_not_dropped() -> None:
    from xxgk.parsing.tables import Captures, RowCapture
    from xxgk.parsing.tresolve import resolve_t3
    from xxgk.template.model import load_format

    caps = Captures()
    caps.t3 = [RowCapture("T3", "3.1", ["33"], "text offset 0", source="text")]
    issues: list = []
    cells = resolve_t3(caps, load_format("2021"), issues)
    row = [c for c in cells if c.row_code == "3.1"]
    assert len(row) == 7 and all(c.value is None and not c.is_blank for c in row)
    assert {c.col_code: c.alternatives for c in row}["TOTAL"] == (3.0,)
    assert {c.col_code: c.alternatives for c in row}["NP"] == (3.0,)
    assert all(c.confidence < 0.5 for c in row)
    codes = [i.code for i in issues]
    assert "ambiguous_glued_digits" in codes and "cell_count_mismatch" not in codes


def test_vanished_blanks_preferred_over_a_reading_that_breaks_the_row_sum() -> None:
    """'3413139' for 34,1,_,_,3,1,39: reading each digit as a cell (3,4,1,3,1,3 → 9) breaks the row's
    总计; placing the numbers among fewer cells keeps it, so the row is read as vanished blanks
    (ambiguous, not a rule-breaking reading at high confidence)."""
    from xxgk.parsing.tables import Captures, RowCapture
    from xxgk.parsing.tresolve import resolve_t3
    from xxgk.template.model import load_format

    caps = Captures()
    caps.t3 = [RowCapture("T3", "3.1", ["3413139"], "text offset 0", source="text")]
    issues: list = []
    cells = {c.col_code: c for c in resolve_t3(caps, load_format("2021"), issues) if c.row_code == "3.1"}
    assert len(cells) == 7 and all(c.value is None and not c.is_blank for c in cells.values())
    assert 39.0 in cells["TOTAL"].alternatives
    assert all(c.confidence < 0.5 for c in cells.values())
    # a glued row that keeps its sum with every digit a cell is still read directly
    caps.t3 = [RowCapture("T3", "3.1", ["1210004"], "text offset 0", source="text")]
    cells = {c.col_code: c for c in resolve_t3(caps, load_format("2021"), []) if c.row_code == "3.1"}
    assert [cells[k].value for k in ("NP", "LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH", "TOTAL")] == [
        1, 2, 1, 0, 0, 0, 4]
