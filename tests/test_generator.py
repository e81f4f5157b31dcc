"""Tests of the report generator (xxgk.generator): determinism, sum rules, carry-over, defects, media."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from xxgk.generator import DefectRates, build_agencies, generate_reports, render, truth_dict, write_inbox
from xxgk.generator.__main__ import main as cli_main
from xxgk.template.model import load_format

COLS = ("NP", "LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH", "TOTAL")
APPL = COLS[:-1]
YEARS = range(2019, 2025)


def v(cells: dict, code: str) -> float:
    """Blank counts as 0 (the generator's convention for sums)."""
    return cells.get(code) or 0


def broken_rules(cells: dict, version: str) -> set[str]:
    """Independent re-implementation of the E rules, on truth cells."""
    fmt = load_format(version)
    rows = [r.code for r in fmt.t3_numeric_rows()]
    leaves = fmt.t3_outcome_leaves()
    out = set()
    for r in rows:
        if v(cells, f"T3:{r}:TOTAL") != sum(v(cells, f"T3:{r}:{c}") for c in APPL):
            out.add("R-T3-COLSUM")
    for c in COLS:
        if v(cells, f"T3:1:{c}") + v(cells, f"T3:2:{c}") != v(cells, f"T3:3.7:{c}") + v(cells, f"T3:4:{c}"):
            out.add("R-T3-BALANCE")
        if v(cells, f"T3:3.7:{c}") != sum(v(cells, f"T3:{r}:{c}") for r in leaves):
            out.add("R-T3-OUTCOME")
    for b in ("AR", "AL_D", "AL_R"):
        parts = sum(v(cells, f"T4:{b}:{p}") for p in ("MAINTAIN", "CORRECT", "OTHER", "PENDING"))
        if v(cells, f"T4:{b}:TOTAL") != parts:
            out.add("R-T4-SUM")
    if any(x is not None and x < 0 for k, x in cells.items() if not k.endswith(":delta")):
        out.add("R-NONNEG")
    return out


@pytest.fixture(scope="module")
def clean() -> list:
    return generate_reports(seed=7, n_agencies=40, years=YEARS, defect_rates=DefectRates.none())


def by_agency(reports: list) -> dict[str, dict[int, object]]:
    out: dict[str, dict[int, object]] = defaultdict(dict)
    for r in reports:
        out[r.agency.agency_id][r.year] = r
    return out


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    kw = {"seed": 3, "n_agencies": 12, "years": "2019-2022"}
    a = write_inbox(tmp_path / "a", **kw)
    b = write_inbox(tmp_path / "b", **kw)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert len(a) == len(b) == 48
    assert files_a == files_b
    assert len(files_a) == 96  # reports + truth
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    other = write_inbox(tmp_path / "c", seed=4, n_agencies=12, years="2019-2022")
    assert [p.read_bytes() for p in other] != [p.read_bytes() for p in a]


def test_truth_format_and_all_cells(tmp_path: Path) -> None:
    paths = write_inbox(tmp_path, seed=5, n_agencies=6, years=[2020, 2021])
    for p in paths:
        t = json.loads((tmp_path / "truth" / f"{p.name}.json").read_text("utf-8"))
        assert {"file", "agency", "region", "year", "format", "cells", "defects", "published_date"} <= set(t)
        assert t["file"] == p.name
        assert t["meta"]["path"] == p.relative_to(tmp_path).as_posix()
        codes = {c for c in t["cells"] if not c.endswith(":LP_SUB")}
        assert codes == set(load_format(t["format"]).cell_codes)
        assert all(set(d) >= {"rule", "cells", "note"} for d in t["defects"])


def test_clean_reports_satisfy_every_sum_rule(clean: list) -> None:
    assert len(clean) == 40 * 6
    assert sum(1 for r in clean if r.cells["T3:1:TOTAL"]) > 40  # not all empty
    for r in clean:
        assert broken_rules(r.cells, r.version) == set(), (r.agency.name, r.year)
        # only natural flags: a genuinely inactive agency (P-ZERO), numbers that happen to repeat (X-COPY)
        assert all(d["rule"] in ("P-ZERO", "X-COPY") and d["note"].startswith("natural") for d in r.defects)
        assert any(d["rule"] == "P-ZERO" for d in r.defects) == (not any(r.cells.values()))
        assert r.version == ("2021" if r.year >= 2021 else "2019")


def test_carry_over_and_stocks_chain_between_years(clean: list) -> None:
    checked = 0
    for years in by_agency(clean).values():
        for y in range(2020, 2025):
            cur, prev = years[y].cells, years[y - 1].cells
            for c in COLS:
                assert cur[f"T3:2:{c}"] == prev[f"T3:4:{c}"]
            checked += bool(prev["T3:4:TOTAL"])
            if y >= 2022:
                for row in ("20.1.1", "20.1.2"):
                    made, rep = cur[f"T2:{row}:made"], cur[f"T2:{row}:repealed"]
                    assert cur[f"T2:{row}:valid"] == prev[f"T2:{row}:valid"] + made - rep
        for row in ("20.5.1", "20.6.1", "20.6.2", "20.8.1"):
            assert years[2020].cells[f"T2:{row}:prev_items"] == (
                years[2019].cells[f"T2:{row}:prev_items"] + years[2019].cells[f"T2:{row}:delta"])
    assert checked > 10  # some agencies really carry applications forward


def test_only_provincial_and_city_governments_make_rules(clean: list) -> None:
    for r in clean:
        col = "made" if r.version == "2021" else "new_made"
        if not r.agency.makes_rules:
            assert r.cells[f"T2:20.1.1:{col}"] == 0
    assert any(r.cells["T2:20.1.1:made"] for r in clean if r.version == "2021" and r.agency.makes_rules)


def test_numbers_are_long_tailed(clean: list) -> None:
    intake = sorted(r.cells["T3:1:TOTAL"] for r in clean)
    assert intake[len(intake) // 2] < 30  # median agency is small
    assert sum(1 for x in intake if x == 0) > len(intake) * 0.1
    assert intake[-1] > 10 * max(1, intake[len(intake) // 2])


def test_2019_and_2021_row_sets(clean: list) -> None:
    r19 = next(r for r in clean if r.year == 2020)
    r21 = next(r for r in clean if r.year == 2021)
    assert len(r19.cells) == 198 and len(r21.cells) == 200
    assert sum(1 for c in r19.cells if c.startswith("T3:")) == 161
    assert sum(1 for c in r21.cells if c.startswith("T3:")) == 175
    assert "T3:3.6:NP" in r19.cells and "T3:3.6.1:NP" not in r19.cells
    assert "T3:3.6.3:TOTAL" in r21.cells and "T3:3.6:NP" not in r21.cells
    assert "T2:20.9.1:proc_items" in r19.cells and "T2:20.8.1:fee_wan" not in r19.cells
    assert "T2:20.8.1:fee_wan" in r21.cells and "T2:20.5.2:decisions" not in r21.cells


DEFECT_RULES = {
    "outcome_break": "R-T3-OUTCOME",
    "balance_break": "R-T3-BALANCE",
    "colsum_break": "R-T3-COLSUM",
    "t4_break": "R-T4-SUM",
    "negative": "R-NONNEG",
}


@pytest.mark.parametrize("kind", sorted(DEFECT_RULES))
def test_each_sum_defect_breaks_its_rule(kind: str) -> None:
    reps = generate_reports(seed=11, n_agencies=8, years=[2020, 2021],
                            defect_rates=DefectRates.only(**{kind: 1.0}))
    rule = DEFECT_RULES[kind]
    for r in reps:
        assert rule in broken_rules(r.cells, r.version), (kind, r.agency.name, r.year)
        recorded = {d["rule"] for d in r.defects} - {"P-ZERO", "P-ZERO-DROP"}
        assert rule in recorded
        assert recorded - {"X-T3-CARRY"} <= set(DEFECT_RULES.values())
        assert any("cause: injected" in d["note"] for d in r.defects if d["rule"] == rule)


def test_blank_total_is_incomplete_not_zero() -> None:
    reps = generate_reports(seed=12, n_agencies=10, years=[2021], defect_rates=DefectRates.only(blank_total=1))
    hit = 0
    for r in reps:
        blanks = [c for c, x in r.cells.items() if x is None]
        if not blanks:
            assert r.clean.intake == 0 or r.defects == []
            continue
        hit += 1
        (code,) = blanks
        assert code.endswith(":TOTAL") and r.clean.cells("2021")[code] > 0
        assert all(d["status"] == "incomplete" for d in r.defects if d["rule"] != "P-BLANK-TOTAL")
        assert [d["cells"] for d in r.defects if d["rule"] == "P-BLANK-TOTAL"] == [[code]]
        assert any(code in d["cells"] for d in r.defects)
    assert hit >= 5


def test_blank_and_marker_zero_cells() -> None:
    reps = generate_reports(seed=13, n_agencies=10, years=[2021],
                            defect_rates=DefectRates.only(blank_zero=0.5, marker_zero=0.5))
    kinds = set()
    for r in reps:
        (d,) = [d for d in r.defects if d["rule"] != "P-ZERO"]
        kinds.add(d["rule"])
        assert all(r.cells[c] is None and r.clean.cells("2021").get(c, 0) == 0 for c in d["cells"])
        assert broken_rules(r.cells, r.version) == set()
        if d["rule"] == "P-MARKER-CELLS":
            assert {r.text(c) for c in d["cells"]} <= {"/", "—"} and set(r.markers) == set(d["cells"])
        else:
            assert {r.text(c) for c in d["cells"]} == {""}
    assert kinds == {"P-BLANK-CELLS", "P-MARKER-CELLS"}


def test_zero_fill_copy_format_carry_and_narrative_defects() -> None:
    zero = generate_reports(seed=14, n_agencies=10, years=[2021], defect_rates=DefectRates.only(zero_fill=1))
    active = [r for r in zero if r.clean.intake]
    assert active and all(set(r.cells.values()) == {0} for r in active)
    assert all({"P-ZERO", "P-ZERO-NARRATIVE", "N-T3"} <= {d["rule"] for d in r.defects} for r in active)

    copies = generate_reports(seed=15, n_agencies=6, years=[2022, 2023], defect_rates=DefectRates.only(copy_prev=1))
    for prev, cur in zip(copies[::2], copies[1::2], strict=True):
        assert cur.year == prev.year + 1 and cur.cells == prev.cells
        assert "X-COPY" in {d["rule"] for d in cur.defects}
        assert "X-COPY" not in {d["rule"] for d in prev.defects}

    old = generate_reports(seed=16, n_agencies=5, years=[2020, 2021, 2022],
                           defect_rates=DefectRates.only(old_format=1))
    for r in old:
        assert r.version == "2019"
        assert ("FORMAT-MISMATCH" in {d["rule"] for d in r.defects}) == (r.year >= 2021)
        assert "T3:3.6:TOTAL" in r.cells and broken_rules(r.cells, r.version) == set()

    carry = generate_reports(seed=17, n_agencies=8, years=[2020, 2021], defect_rates=DefectRates.only(carry_break=1))
    for prev, cur in zip(carry[::2], carry[1::2], strict=True):
        assert any(cur.cells[f"T3:2:{c}"] != prev.cells[f"T3:4:{c}"] for c in COLS)
        assert broken_rules(cur.cells, cur.version) == set()
        assert "X-T3-CARRY" in {d["rule"] for d in cur.defects}

    narr = generate_reports(seed=18, n_agencies=6, years=[2021], defect_rates=DefectRates.only(narrative=1))
    for r in narr:
        assert r.quotes["T3:1:TOTAL"] != r.cells["T3:1:TOTAL"]
        assert "N-T3" in {d["rule"] for d in r.defects}
        if r.media.startswith("html"):
            page = render(r).decode(r.encoding)
            assert f"政府信息公开申请{r.quotes['T3:1:TOTAL']}件" in page


def expand(table) -> list[list[str]]:
    """HTML table → rectangular grid of texts (rowspan/colspan expanded)."""
    grid: dict[tuple[int, int], str] = {}
    for i, tr in enumerate(table.css("tr")):
        j = 0
        for td in tr.css("td"):
            while (i, j) in grid:
                j += 1
            rs, cs = int(td.attributes.get("rowspan") or 1), int(td.attributes.get("colspan") or 1)
            for a in range(rs):
                for b in range(cs):
                    grid[(i + a, j + b)] = td.text().strip().replace("\xa0", "")
            j += cs
    n_rows = 1 + max(i for i, _ in grid)
    n_cols = 1 + max(j for _, j in grid)
    return [[grid.get((i, j), "") for j in range(n_cols)] for i in range(n_rows)]


@pytest.mark.parametrize("year", [2020, 2022])
def test_html_t3_structure_matches_truth(year: int) -> None:
    reps = generate_reports(seed=19, n_agencies=6, years=[year], media_mix={"html": 1},
                            defect_rates=DefectRates.none())
    r = max(reps, key=lambda r: r.cells["T3:1:TOTAL"])
    tree = HTMLParser(render(r).decode("utf-8"))
    t3 = next(t for t in tree.css("table") if "勾稽关系" in t.text())
    big = [td for td in t3.css("td") if td.text().strip() == "三、本年度办理结果"]
    assert big[0].attributes["rowspan"] == ("20" if year < 2021 else "22")
    grid = expand(t3)
    assert len(grid) == 3 + (23 if year < 2021 else 25)
    cols = ["NP", "LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH"] + (["LP_SUB"] if r.layout.lp_sub else [])
    cols.append("TOTAL")
    total_row = next(row for row in grid if row[1] == "（七）总计")
    assert total_row[3:] == [str(int(r.cells[f"T3:3.7:{c}"])) for c in cols]


def test_gbk_page_declares_and_decodes_gbk(tmp_path: Path) -> None:
    paths = write_inbox(tmp_path, seed=20, n_agencies=4, years=[2021], media_mix={"html-gbk": 1})
    for p in paths:
        raw = p.read_bytes()
        text = raw.decode("gbk")
        assert 'charset=gbk' in text and "政府信息公开工作年度报告" in text
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        truth = json.loads((tmp_path / "truth" / f"{p.name}.json").read_text("utf-8"))
        assert truth["meta"]["encoding"] == "gbk"


def test_text_copies_seed_and_glued_layouts() -> None:
    reps = generate_reports(seed=21, n_agencies=3, years=[2019], media_mix={"txt": 1},
                            defect_rates=DefectRates.only(blank_zero=1))
    text = render(reps[0]).decode("utf-8")
    assert "\t三\n\n、\n\n本\n\n年" in text  # vertical header, one char per line
    assert "\n\t\n" in text  # lone tab = blank / covered cell
    assert "\t第二十条第（一）项\n\n\t信息内容\n" in text
    glued = generate_reports(seed=21, n_agencies=3, years=[2021], media_mix={"txt-glued": 1})
    body = render(glued[0]).decode("utf-8")
    assert body.startswith("标题: ") and "==================== 正文 ====================" in body
    assert len(body.splitlines()) == 8
    cells = glued[0].cells
    row1 = "".join(glued[0].text(f"T3:1:{c}") for c in ("NP", "LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH"))
    assert "一、本年新收政府信息公开申请数量" + row1 in body
    assert cells["T3:1:TOTAL"] is None or truth_dict(glued[0], 21)["cells"]["T3:1:TOTAL"] == cells["T3:1:TOTAL"]


def test_hierarchy_scales_and_names_are_unique() -> None:
    small = build_agencies(1, 20)
    assert len(small) == 20
    assert {a.kind for a in small} == {"government", "department", "township"}
    assert {a.level for a in small} >= {"province", "city", "county", "township"}
    big = build_agencies(2, 20000)
    assert len(big) == 20000 and len({a.name for a in big}) == 20000
    assert len({a.province for a in big}) == 7
    assert build_agencies(1, 20) == small


def test_cli_writes_inbox(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["--out", str(tmp_path), "--seed", "1", "--agencies", "3", "--years", "2019-2020"]) == 0
    assert "wrote 6 reports" in capsys.readouterr().out
    assert len(list((tmp_path / "truth").glob("*.json"))) == 6


@pytest.mark.parametrize("t4_layout", ["row15", "matrix", "rows3"])
def test_layout_variants_keep_values(t4_layout: str) -> None:
    from dataclasses import replace

    reps = generate_reports(seed=22, n_agencies=4, years=[2022], media_mix={"html": 1},
                            defect_rates=DefectRates.none())
    r = max(reps, key=lambda r: r.cells["T4:AR:TOTAL"] + r.cells["T4:AL_D:TOTAL"])
    r.layout = replace(r.layout, t4_layout=t4_layout, t2_split=t4_layout != "row15", numbering="（1）")
    tree = HTMLParser(render(r).decode("utf-8"))
    tables = tree.css("table")
    assert len(tables) == (1 if t4_layout == "row15" else 4) + 1 + (3 if t4_layout == "rows3" else 1)
    t4_text = "".join(t.text() for t in tables if "结果维持" in t.text())
    for b in ("AR", "AL_D", "AL_R"):
        vals = "".join(str(int(r.cells[f"T4:{b}:{c}"])) for c in ("MAINTAIN", "CORRECT", "OTHER", "PENDING", "TOTAL"))
        assert vals in t4_text.replace("\xa0", "")
    assert "（1）属于国家秘密" in tree.text()
