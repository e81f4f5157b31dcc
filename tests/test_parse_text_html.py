"""HTML and text parsing: the seed, the real corpus (cell by cell against truth), synthetic layouts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xxgk.parsing import parse_bytes, sniff_media
from xxgk.template.model import load_format

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SEED_CANDIDATES = (
    ROOT / "data" / "seed" / "000_7f3569336a1c441f.txt",
    Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_7f3569336a1c441f.txt",
    CORPUS / "reports" / "haian_kjj_2019.txt",
)


def _seed() -> Path:
    for p in SEED_CANDIDATES:
        if p.exists():
            return p
    pytest.skip("seed document not found (expected ../shared/seed or ../shared/corpus beside the clone)")


def _corpus_files() -> list[Path]:
    if not (CORPUS / "reports").is_dir():
        return []
    return sorted(p for p in (CORPUS / "reports").iterdir() if p.suffix in (".txt", ".html"))


# --- the seed ----------------------------------------------------------------------------------------
def test_seed_every_t3_t4_cell_is_a_printed_zero() -> None:
    path = _seed()
    r = parse_bytes(path.read_bytes(), path.name)
    assert r.status == "ok", r.issues
    assert r.format_version == "2019"
    fmt = load_format("2019")
    t3 = [c for c in r.cells if c.table_code == "T3"]
    t4 = [c for c in r.cells if c.table_code == "T4"]
    assert len(t3) == 161
    assert len(t4) == 15
    assert {c.code for c in t3} == {c.code for c in fmt.cells if c.table == "T3"}
    assert all(c.value == 0 and not c.is_blank and c.confidence == 1.0 for c in t3 + t4)
    t2 = {c.code: c.value for c in r.cells if c.table_code == "T2"}
    assert t2["T2:20.1.1:new_made"] == 0
    assert t2["T2:20.1.2:total_pub"] == 0
    assert t2["T2:20.9.1:proc_amount"] == 0
    assert set(r.narrative) >= {"S1", "S5", "S6"}
    assert "无其他需要报告的事项" in r.narrative["S6"]


# --- the corpus --------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", _corpus_files() or [None], ids=lambda p: p.name if p else "absent")
def test_corpus_matches_truth(path: Path | None) -> None:
    if path is None:
        pytest.skip(f"corpus not found at {CORPUS} (CI puts ../shared/corpus beside the clone)")
    truth = json.loads((CORPUS / "truth" / f"{path.name}.json").read_text("utf-8"))
    r = parse_bytes(path.read_bytes(), path.name)
    assert r.status in ("ok", "partial")
    assert r.format_version == truth["format"]
    ambiguous = set(truth.get("ambiguous_in_source", []))
    flagged = {i.location.split(" (")[0] for i in r.issues if i.code == "ambiguous_glued_digits"}
    for code, want in truth["cells"].items():
        cell = r.cell(code)
        assert cell is not None, f"{code} missing"
        if want is None:
            assert cell.value is None and cell.is_blank, f"{code}: want blank, got {cell}"
            continue
        if cell.value == want:
            continue
        assert code in ambiguous, f"{code}: want {want}, got {cell.value} ({cell.raw_text!r})"
        assert want in cell.alternatives, f"{code}: {want} not among {cell.alternatives}"
        assert cell.confidence < 1
        table, row, _ = code.split(":")
        assert f"{table} row {row}" in flagged


def test_corpus_glued_t4_17_digits_for_15_cells() -> None:
    path = CORPUS / "reports" / "pingtan_2021.txt"
    if not path.exists():
        pytest.skip(f"corpus not found at {CORPUS}")
    r = parse_bytes(path.read_bytes(), path.name)
    got = [r.cell(f"T4:{b}:{c}").value for b in ("AR", "AL_D", "AL_R")
           for c in ("MAINTAIN", "CORRECT", "OTHER", "PENDING", "TOTAL")]
    assert got == [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]
    assert all(0 < r.cell(f"T4:AR:{c}").confidence < 1 for c in ("MAINTAIN", "TOTAL"))


# --- synthetic HTML ----------------------------------------------------------------------------------
T3_LABELS_2019 = [
    ("一、本年新收政府信息公开申请数量", "1"), ("二、上年结转政府信息公开申请数量", "2"),
    ("（一）予以公开", "3.1"), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "3.2"),
    ("1.属于国家秘密", "3.3.1"), ("2.其他法律行政法规禁止公开", "3.3.2"), ("3.危及“三安全一稳定”", "3.3.3"),
    ("4.保护第三方合法权益", "3.3.4"), ("5.属于三类内部事务信息", "3.3.5"), ("6.属于四类过程性信息", "3.3.6"),
    ("7.属于行政执法案卷", "3.3.7"), ("8.属于行政查询事项", "3.3.8"),
    ("1.本机关不掌握相关政府信息", "3.4.1"), ("2.没有现成信息需要另行制作", "3.4.2"),
    ("3.补正后申请内容仍不明确", "3.4.3"), ("1.信访举报投诉类申请", "3.5.1"), ("2.重复申请", "3.5.2"),
    ("3.要求提供公开出版物", "3.5.3"), ("4.无正当理由大量反复申请", "3.5.4"),
    ("5.要求行政机关确认或重新出具已获取信息", "3.5.5"), ("（六）其他处理", "3.6"), ("（七）总计", "3.7"),
    ("四、结转下年度继续办理", "4"),
]


def _t3_values(sub: bool = False) -> dict[str, list[str]]:
    """A consistent V2019 T3: NP-only numbers, 予以公开 5, 不掌握 3, 总计 8, new 8."""
    rows: dict[str, list[int]] = {code: [0] * 7 for _, code in T3_LABELS_2019}
    rows["1"] = [6, 2, 0, 0, 0, 0, 8]
    rows["3.1"] = [4, 1, 0, 0, 0, 0, 5]
    rows["3.4.1"] = [2, 1, 0, 0, 0, 0, 3]
    rows["3.7"] = [6, 2, 0, 0, 0, 0, 8]
    out: dict[str, list[str]] = {}
    for code, v in rows.items():
        cells = [str(x) for x in v]
        if sub:
            cells.insert(6, str(sum(v[1:6])))
        out[code] = cells
    return out


def _html_t3(sub: bool = False, blanks: bool = False) -> str:
    vals = _t3_values(sub)
    head = (
        "<tr><td colspan=3 rowspan=3>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
        f"<td colspan={8 if sub else 7}>申请人情况</td></tr>"
        f"<tr><td rowspan=2>自然人</td><td colspan={6 if sub else 5}>法人或其他组织</td><td rowspan=2>总计</td></tr>"
        "<tr><td>商业<br/>企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td>"
        + ("<td>小计</td>" if sub else "") + "</tr>"
    )
    body = []
    for label, code in T3_LABELS_2019:
        cells = vals[code]
        if blanks and code == "3.3.1":
            cells = ["&nbsp;", "/", "0", "—", "", "无", "&nbsp;"] if not sub else cells
        tds = "".join(f"<td>{c}</td>" for c in cells)
        lab = f"<td colspan=3>{label}</td>" if code in ("1", "2", "4") else f"<td colspan=2>{label}</td>"
        if code == "3.1":
            lab = f"<td rowspan=20>三、本年度办理结果</td><td colspan=2>{label}</td>"
        elif code == "3.3.1":
            lab = f"<td rowspan=8>（三）不予公开</td><td>{label}</td>"
        elif code == "3.4.1":
            lab = f"<td rowspan=3>（四）无法提供</td><td>{label}</td>"
        elif code == "3.5.1":
            lab = f"<td rowspan=5>（五）不予处理</td><td>{label}</td>"
        elif code.count(".") == 2:
            lab = f"<td>{label}</td>"
        body.append(f"<tr>{lab}{tds}</tr>")
    return f"<table>{head}{''.join(body)}</table>"


T4_HEAD = (
    "<tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>"
    "<tr><td rowspan=2>结果维持</td><td rowspan=2>结果纠正</td><td rowspan=2>其他结果</td>"
    "<td rowspan=2>尚未审结</td><td rowspan=2>总计</td><td colspan=5>未经复议直接起诉</td>"
    "<td colspan=5>复议后起诉</td></tr><tr>" + "<td>结果维持</td><td>结果纠正</td><td>其他结果</td>"
    "<td>尚未审结</td><td>总计</td>" * 2 + "</tr>"
)
T4_VALUES = ["1", "0", "0", "1", "2", "3", "0", "0", "0", "3", "0", "0", "0", "0", "0"]


def _html_t2_2019(split: bool = False) -> str:
    blocks = [
        ("第二十条第（一）项", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
         [("规章", ["0", "0", "0"]), ("规范性文件", ["5", "5", "40"])]),
        ("第二十条第（五）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
         [("行政许可", ["120", "+1,036", "3"]), ("其他对外管理服务事项", ["4", "-3", "0"])]),
        ("第二十条第（六）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
         [("行政处罚", ["10", "0", "8"]), ("行政强制", ["/", "—", ""])]),
        ("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减"], [("行政事业性收费", ["2", "0"])]),
        ("第二十条第（九）项", ["信息内容", "采购项目数量", "采购总金额"], [("政府集中采购", ["6", "251000元"])]),
    ]
    tables = []
    rows: list[str] = []
    for caption, head, data in blocks:
        part = [f"<tr><td colspan=4>{caption}</td></tr>", "<tr>" + "".join(f"<td>{h}</td>" for h in head) + "</tr>"]
        part += ["<tr><td>" + lab + "</td>" + "".join(f"<td>{v}</td>" for v in vals) + "</tr>" for lab, vals in data]
        if split:
            tables.append("<table>" + "".join(part) + "</table>")
        else:
            rows += part
    return "".join(tables) if split else "<table>" + "".join(rows) + "</table>"


def _page(*parts: str, charset: str = "utf-8") -> str:
    return (
        f"<html><head><meta charset='{charset}'><meta name='PubDate' content='2020-01-15'>"
        "<title>某某县科学技术局2019年政府信息公开工作年度报告</title><script>var a='总计 1 2 3';</script>"
        "<style>td{}</style></head><body><p>某某县科学技术局2019年政府信息公开工作年度报告</p>"
        "<p>一、总体情况</p><p>2019年，我局认真贯彻落实。</p><p>二、主动公开政府信息情况</p>"
        + parts[0]
        + "<p>三、收到和处理政府信息公开申请情况</p>"
        + parts[1]
        + "<p>四、政府信息公开行政复议、行政诉讼情况</p>"
        + parts[2]
        + "<p>五、存在的主要问题及改进情况</p><p>人员不足。</p><p>六、其他需要报告的事项</p><p>无。</p></body></html>"
    )


def test_html_spans_units_signs_markers_and_blanks() -> None:
    html = _page(_html_t2_2019(), _html_t3(blanks=True), f"<table>{T4_HEAD}<tr>"
                 + "".join(f"<td>{v}</td>" for v in T4_VALUES) + "</tr></table>")
    r = parse_bytes(html.encode("utf-8"), "x.html")
    assert r.format_version == "2019"
    assert r.cell("T3:1:NP").value == 6 and r.cell("T3:1:TOTAL").value == 8
    assert r.cell("T3:3.4.1:LP_COM").value == 1
    assert r.cell("T3:3.7:TOTAL").value == 8
    # blank vs marker vs 0 in row 3.3.1
    c = {col: r.cell(f"T3:3.3.1:{col}") for col in ("NP", "LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH")}
    assert c["NP"].is_blank and c["NP"].value is None
    assert c["LP_COM"].marker == "/" and c["LP_COM"].value is None and not c["LP_COM"].is_blank
    assert c["LP_RES"].value == 0 and not c["LP_RES"].is_blank
    assert c["LP_NGO"].marker == "—" and c["LP_NGO"].value is None
    assert c["LP_LAW"].is_blank
    assert c["LP_OTH"].marker == "无" and c["LP_OTH"].value is None
    # digits in labels never become values
    assert r.cell("T3:3.3.2:NP").value == 0
    assert r.cell("T2:20.5.1:delta").value == 1036
    assert r.cell("T2:20.5.2:delta").value == -3
    assert r.cell("T2:20.6.2:prev_items").marker == "/"
    assert r.cell("T2:20.6.2:decisions").is_blank
    amount = r.cell("T2:20.9.1:proc_amount")
    assert amount.value == 251000 and amount.unit == "元"
    assert [r.cell(f"T4:AR:{c}").value for c in ("MAINTAIN", "PENDING", "TOTAL")] == [1, 1, 2]
    assert r.cell("T4:AL_D:TOTAL").value == 3
    assert r.published_date in (None, "2020-01-15")
    assert r.title == "某某县科学技术局2019年政府信息公开工作年度报告"
    assert "人员不足" in r.narrative["S5"]
    assert "总计 1 2 3" not in r.text  # scripts ignored


def test_gbk_encoded_html() -> None:
    html = _page(_html_t2_2019(), _html_t3(), f"<table>{T4_HEAD}<tr>"
                 + "".join(f"<td>{v}</td>" for v in T4_VALUES) + "</tr></table>", charset="gb2312")
    r = parse_bytes(html.encode("gbk"), "x.htm")
    assert r.encoding == "gb18030"
    assert r.cell("T3:1:TOTAL").value == 8
    assert r.title and "科学技术局" in r.title


def test_lp_sub_column_is_recorded_not_shifted() -> None:
    html = _page(_html_t2_2019(), _html_t3(sub=True), f"<table>{T4_HEAD}<tr>"
                 + "".join(f"<td>{v}</td>" for v in T4_VALUES) + "</tr></table>")
    r = parse_bytes(html.encode(), "x.html")
    assert r.cell("T3:1:LP_SUB").value == 2
    assert r.cell("T3:1:TOTAL").value == 8
    assert r.cell("T3:1:LP_OTH").value == 0
    assert any(i.code == "nonstandard_column" for i in r.issues)


def test_t2_split_in_four_tables_and_t4_as_3x5_matrix() -> None:
    t4 = (
        "<table><tr><td></td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>"
        "<tr><td>行政复议</td><td>1</td><td>0</td><td>0</td><td>1</td><td>2</td></tr>"
        "<tr><td>行政诉讼（未经复议直接起诉）</td><td>3</td><td>0</td><td>0</td><td>0</td><td>3</td></tr>"
        "<tr><td>行政诉讼（复议后起诉）</td><td>0</td><td>0</td><td>1</td><td>0</td><td>1</td></tr></table>"
    )
    r = parse_bytes(_page(_html_t2_2019(split=True), _html_t3(), t4).encode(), "x.html")
    assert r.cell("T2:20.1.2:total_pub").value == 40
    assert r.cell("T2:20.8.1:prev_items").value == 2
    assert r.cell("T4:AR:TOTAL").value == 2
    assert r.cell("T4:AL_D:MAINTAIN").value == 3
    assert r.cell("T4:AL_R:OTHER").value == 1


def test_html_fragment_without_body() -> None:
    frag = _html_t3() + "<p>四、政府信息公开行政复议、行政诉讼情况</p><table>" + T4_HEAD + "<tr>" + "".join(
        f"<td>{v}</td>" for v in T4_VALUES) + "</tr></table>"
    r = parse_bytes(frag.encode(), "fragment.txt")
    assert r.media == "html"
    assert r.cell("T3:3.1:NP").value == 4


# --- synthetic text ----------------------------------------------------------------------------------
def _glued_text(v2021: bool, total_row: str = "310000334", t4: str = "000000000000000") -> str:
    rows = [
        ("一、本年新收政府信息公开申请数量", "310000334"), ("二、上年结转政府信息公开申请数量", "0000000"),
        ("三、本年度办理结果（一）予以公开", "90000 09"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "0000000"),
        ("（三）不予公开1.属于国家秘密", "0000000"), ("2.其他法律行政法规禁止公开", "0000000"),
        ("3.危及“三安全一稳定”", "0000000"), ("4.保护第三方合法权益", "0000000"),
        ("5.属于三类内部事务信息", "0000000"), ("6.属于四类过程性信息", "0000000"),
        ("7.属于行政执法案卷", "0000000"), ("8.属于行政查询事项", "0000000"),
        ("三、本年度办理结果（四）无法提供1.本机关不掌握相关政府信息", "2200003 25"),
        ("2.没有现成信息需要另行制作", "0000000"), ("3.补正后申请内容仍不明确", "0000000"),
        ("（五）不予处理1.信访举报投诉类申请", "0000000"), ("2.重复申请", "0000000"),
        ("3.要求提供公开出版物", "0000000"), ("4.无正当理由大量反复申请", "0000000"),
        ("5.要求行政机关确认或重新出具已获取信息", "0000000"),
    ]
    if v2021:
        rows += [("（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "0000000"),
                 ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "0000000"),
                 ("3.其他", "0000000")]
    else:
        rows += [("（六）其他处理", "0 0 0 0 0 00")]
    rows += [("（七）总计", total_row), ("四、结转下年度继续办理", "0000000")]
    t2 = ("第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件12340"
          if v2021 else "第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量规章000规范性文件555")
    year = 2021 if v2021 else 2019
    return (
        f"标题: 某某区{year}年政府信息公开工作年度报告\n发布时间: {year + 1}-01-20\n========== 正文 ==========\n"
        f"某某区{year}年政府信息公开工作年度报告 一、总体情况我区认真落实。二、主动公开政府信息情况 {t2}"
        "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
        "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
        + "".join(a + b for a, b in rows)
        + " 四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
        "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
        + t4 + "五、存在的主要问题及改进情况无。六、其他需要报告的事项无。"
    )


def test_glued_text_uses_cross_row_rules() -> None:
    # '2200003 25' alone reads 22,0,0,0,0,3,25 or 2,20,0,0,0,3,25 — the column sums settle it
    r = parse_bytes(_glued_text(v2021=True).encode(), "page.txt")
    assert r.format_version == "2021"
    assert [r.cell(f"T3:1:{c}").value for c in ("NP", "LP_OTH", "TOTAL")] == [31, 3, 34]
    assert [r.cell(f"T3:3.4.1:{c}").value for c in ("NP", "LP_COM", "TOTAL")] == [22, 0, 25]
    assert r.cell("T3:3.4.1:NP").confidence < r.cell("T3:3.1:NP").confidence <= 0.95
    assert r.cell("T3:3.6.3:NP").value == 0
    assert r.cell("T3:3.1:NP").confidence < 1
    # the T2 row has no arithmetic inside it: ambiguous, flagged, never picked silently
    made = r.cell("T2:20.1.2:made")
    assert made.value is None and 12 in made.alternatives and 1 in made.alternatives
    assert any(i.code == "ambiguous_glued_digits" and "20.1.2" in i.location for i in r.issues)


def test_glued_text_rule_breaking_total_is_kept_as_printed() -> None:
    # （七）总计 printed 35 for NP while its rows add to 31: no split satisfies every rule; the reading
    # meeting the most rules is kept, printed digits stay, and the break is reported
    r = parse_bytes(_glued_text(v2021=False, total_row="350000338").encode(), "page.txt")
    assert r.format_version == "2019"
    assert r.cell("T3:3.7:NP").value == 35
    assert r.cell("T3:3.7:TOTAL").value == 38
    assert r.cell("T3:3.4.1:NP").value == 22 and r.cell("T3:3.4.1:LP_COM").value == 0
    assert r.cell("T3:3.4.1:NP").confidence < 0.85
    assert r.cell("T3:3.6:NP").value == 0
    assert any(i.code == "glued_rules_violated" for i in r.issues)


def test_glued_t4_and_sniffing() -> None:
    r = parse_bytes(_glued_text(v2021=True, t4="25380363300630003").encode(), "page.txt")
    got = [r.cell(f"T4:{b}:TOTAL").value for b in ("AR", "AL_D", "AL_R")]
    assert got == [36, 6, 3]
    assert sniff_media(b"%PDF-1.7 ...", "x.html") == "pdf"
    assert sniff_media(b"PK\x03\x04....", "x.txt") == "docx"
    assert sniff_media("<p>你好</p>".encode(), "a.txt") == "html"
    assert sniff_media("纯文本".encode(), "a.txt") == "txt"


def test_year_2021_report_on_2019_tables_is_flagged() -> None:
    text = _glued_text(v2021=False).replace("2019", "2021")
    r = parse_bytes(text.encode(), "page.txt")
    assert r.format_version == "2019"
    if r.year == 2021:
        assert any(i.code == "format_year_mismatch" for i in r.issues)


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01\x02garbage", b"%PDF-1.4 broken", b"PK\x03\x04broken", "随便一段文字".encode(),
     "<html><body><a href='/x/nb.pdf'>附件</a></body></html>".encode(), b"\xff\xfe\xfa" * 50],
)
def test_never_raises_on_bad_input(data: bytes) -> None:
    r = parse_bytes(data, "bad.bin")
    assert r.status == "failed"
    assert r.issues and all(i.code for i in r.issues)


def test_t4_as_three_block_tables() -> None:
    def block(caption: str, vals: list[str]) -> str:
        head = "".join(f"<td>{h}</td>" for h in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))
        return (f"<table><tr><td colspan=5>{caption}</td></tr><tr>{head}</tr><tr>"
                + "".join(f"<td>{v}</td>" for v in vals) + "</tr></table>")

    t4 = (block("行政复议", ["1", "0", "0", "0", "1"]) + block("行政诉讼—未经复议直接起诉", ["0", "1", "0", "1", "2"])
          + block("行政诉讼—复议后起诉", ["0", "0", "0", "0", "0"]))
    r = parse_bytes(_page(_html_t2_2019(), _html_t3(), t4).encode(), "x.html")
    assert [r.cell(f"T4:{b}:TOTAL").value for b in ("AR", "AL_D", "AL_R")] == [1, 2, 0]
    assert r.cell("T4:AL_D:CORRECT").value == 1


def test_glued_text_with_lp_sub_column() -> None:
    text = _glued_text(v2021=True).replace("法律服务机构其他", "法律服务机构其他小计")
    for run, sub in (("310000334", "3100003334"), ("0000000", "00000000"), ("90000 09", "900000 09"),
                     ("2200003 25", "22000033 25")):
        text = text.replace(run, sub)
    r = parse_bytes(text.encode(), "page.txt")
    assert [r.cell(f"T3:1:{c}").value for c in ("NP", "LP_OTH", "LP_SUB", "TOTAL")] == [31, 3, 3, 34]
    assert [r.cell(f"T3:3.4.1:{c}").value for c in ("NP", "LP_COM", "LP_SUB", "TOTAL")] == [22, 0, 3, 25]
    assert any(i.code == "nonstandard_column" for i in r.issues)


def test_t4_three_blocks_in_run_on_text_with_dash_in_block_label() -> None:
    """'行政诉讼—未经复议直接起诉' holds a dash that is punctuation, not a T4 cell."""
    from xxgk.parsing.tstream import capture_stream

    text = (
        "四、政府信息公开行政复议、行政诉讼情况行政复议结果维持结果纠正其他结果尚未审结总计10001"
        "行政诉讼—未经复议直接起诉结果维持结果纠正其他结果尚未审结总计02002"
        "行政诉讼—复议后起诉结果维持结果纠正其他结果尚未审结总计00303五、存在的主要问题及改进情况无"
    )
    caps = capture_stream(text, frozenset({"T4"}))
    assert [(c.row, c.cells) for c in caps.t4] == [("AR", ["10001"]), ("AL_D", ["02002"]), ("AL_R", ["00303"])]
