"""Report metadata (xxgk.parsing.metadata): the real corpus against manifest/truth, the seed, and
synthetic titles, preambles and signatures.

The seed's title is only '科技局政府信息公开工作年度报告': the agency is completed from the body
('海安科技局', '海安政府门户网站') to 海安市科技局, region 海安市 (江苏省/南通市), source 'body'.
"""

from __future__ import annotations

import csv
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from xxgk.parsing.metadata import (
    extract_metadata,
    parse_header_block,
    parse_title,
    prepare_text,
    title_from_text,
)
from xxgk.regions import region_path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_7f3569336a1c441f.txt"


def _manifest() -> list[dict[str, str]]:
    path = CORPUS / "manifest.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def _read(rel: str) -> tuple[str, dict[str, str]]:
    """Plain text and page metadata of a corpus file (PDF text via pdfplumber, HTML tags dropped)."""
    path = CORPUS / rel
    if path.suffix == ".pdf":
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
            meta = {k: v for k, v in pdf.metadata.items() if isinstance(v, str)}
        return text, meta
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        text = re.sub(r"<[^>]+>", "\n", text).replace("&nbsp;", " ")
    return text, {}


ROWS = _manifest()
needs_corpus = pytest.mark.skipif(not ROWS, reason=f"corpus not found at {CORPUS} (../shared/corpus)")


@needs_corpus
@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_corpus_against_manifest_and_truth(row: dict[str, str]) -> None:
    text, meta = _read(row["file"])
    got = extract_metadata(text, None, meta, Path(row["file"]).name)
    truth = json.loads((CORPUS / "truth" / (Path(row["file"]).name + ".json")).read_text(encoding="utf-8"))
    assert got["agency"] == row["agency"] == truth["agency"]
    assert got["year"] == int(row["year"]) == truth["year"]
    assert region_path(got["province"], got["city"], got["county"], got["region"]) == row["region"]
    assert region_path(got["province"], got["city"], got["county"], got["region"]) == truth["region"]
    assert got["scope"] in ("agency", "aggregate", "unknown")


EXPECTED_EXTRA: dict[str, dict[str, Any]] = {
    "haian_kjj_2019.txt": {"scope": "agency", "published_date": None, "src_agency": "body", "src_year": "body"},
    "pingtan_2019.txt": {"scope": "aggregate", "published_date": "2020-01-20", "pub_src": "header"},
    "pingtan_2021.txt": {"scope": "aggregate", "published_date": "2022-02-08", "pub_src": "header"},
    "pingtan_2023.txt": {"scope": "aggregate", "published_date": "2024-03-08", "pub_src": "header"},
    "pingtan_2025.txt": {"scope": "aggregate", "published_date": "2026-03-10", "pub_src": "header"},
    "shanghai_szfbgt_2019.html": {"scope": "agency", "published_date": "2020-01-31", "pub_src": "header"},
    "hongze_2023.pdf": {"scope": "aggregate", "published_date": None, "src_agency": "body"},
    "hongze_2024.pdf": {"scope": "unknown", "published_date": None, "src_agency": "title"},
    "huaian_2024.pdf": {"scope": "aggregate", "published_date": None},
}


@needs_corpus
@pytest.mark.parametrize("name", sorted(EXPECTED_EXTRA))
def test_corpus_scope_dates_and_sources(name: str) -> None:
    exp = EXPECTED_EXTRA[name]
    text, meta = _read(f"reports/{name}")
    got = extract_metadata(text, None, meta, name)
    assert got["scope"] == exp["scope"]
    assert got["published_date"] == exp["published_date"]
    if "pub_src" in exp:
        assert got["published_date_source"] == exp["pub_src"]
    if "src_agency" in exp:
        assert got["metadata_sources"]["agency"] == exp["src_agency"]
    if "src_year" in exp:
        assert got["metadata_sources"]["year"] == exp["src_year"]


@pytest.mark.skipif(not SEED.exists(), reason=f"seed not found at {SEED}")
def test_seed() -> None:
    got = extract_metadata(SEED.read_text(encoding="utf-8"), None, {}, SEED.name)
    assert got["year"] == 2019
    assert got["metadata_sources"]["year"] == "body"
    assert got["agency"] == "海安市科技局"
    assert (got["region"], got["province"], got["city"], got["county"]) == ("海安市", "江苏省", "南通市", "海安市")
    assert got["scope"] == "agency"
    assert got["title"] == "科技局政府信息公开工作年度报告"


# ---- synthetic ---------------------------------------------------------------------------------------
PREAMBLE = "本报告根据《中华人民共和国政府信息公开条例》要求编制。本报告所列数据统计期限为{y}年1月1日至12月31日。"


def _meta(title: str, body: str = "", **kw: Any) -> dict[str, Any]:
    return extract_metadata(f"{title}\n{body}", kw.get("title"), kw.get("meta", {}), kw.get("filename", "x.txt"))


@pytest.mark.parametrize(
    ("title", "agency", "year", "region", "path", "scope"),
    [
        ("2021年海安市教育局政府信息公开工作年度报告", "海安市教育局", 2021, "海安市", "江苏省南通市海安市", "agency"),
        ("南通市海安市城东镇2020年政府信息公开工作年度报告", "南通市海安市城东镇", 2020, "海安市",
         "江苏省南通市海安市", "agency"),
        ("洪泽区高良涧街道办事处2022年度政府信息公开工作年度报告", "洪泽区高良涧街道办事处", 2022, "洪泽区",
         "江苏省淮安市洪泽区", "agency"),
        ("江苏省人民政府办公厅2019年政府信息公开工作年度报告", "江苏省人民政府办公厅", 2019, "江苏省", "江苏省",
         "agency"),
        ("二〇一九年福州市鼓楼区人民政府政府信息公开工作年度报告", "福州市鼓楼区人民政府", 2019, "鼓楼区",
         "福建省福州市鼓楼区", "unknown"),
        ("２０２２年上海市浦东新区科学技术委员会政府信息公开工作年度报告", "上海市浦东新区科学技术委员会", 2022,
         "浦东新区", "上海市浦东新区", "agency"),
        # a bare division name is its people's government's (aggregate) report
        ("海安市2023年政府信息公开工作年度报告", "海安市人民政府", 2023, "海安市", "江苏省南通市海安市", "aggregate"),
    ],
)  # fmt: skip
def test_synthetic_titles(title: str, agency: str, year: int, region: str, path: str, scope: str) -> None:
    got = _meta(title, PREAMBLE.format(y=year))
    assert got["agency"] == agency
    assert got["year"] == year
    assert got["metadata_sources"]["year"] == "title"
    assert got["region"] == region
    assert region_path(got["province"], got["city"], got["county"], got["region"]) == path
    assert got["scope"] == scope


def test_title_argument_wins_and_page_meta_date() -> None:
    got = extract_metadata(
        "正文……", "2019年上海市人民政府办公厅政府信息公开工作年度报告", {"PubDate": "2020-01-31 10:00"}, "a.html"
    )
    assert (got["agency"], got["year"], got["region"]) == ("上海市人民政府办公厅", 2019, "上海市")
    assert (got["published_date"], got["published_date_source"]) == ("2020-01-31", "page_meta")
    assert got["metadata_sources"]["agency"] == "title"


def test_ambiguous_region_is_left_empty() -> None:
    got = _meta("2019年鼓楼区教育局政府信息公开工作年度报告")  # 鼓楼区 exists in several cities
    assert got["agency"] == "鼓楼区教育局"
    assert got["region"] is None and got["province"] is None


def test_year_from_preamble_when_title_has_none() -> None:
    got = _meta("海安市财政局政府信息公开工作年度报告", PREAMBLE.format(y=2020) + "2021年，我局将继续…")
    assert got["year"] == 2020 and got["metadata_sources"]["year"] == "preamble"


def test_publication_year_in_title_is_not_the_report_year() -> None:
    got = _meta("2020年海安市财政局政府信息公开工作年度报告", PREAMBLE.format(y=2019))
    assert got["year"] == 2019 and got["metadata_sources"]["year"] == "preamble"


def test_published_year_only_title() -> None:
    got = _meta("海安市财政局政府信息公开工作年度报告（2020年发布）", "一、总体情况\n我局认真落实条例。")
    assert got["agency"] == "海安市财政局"
    assert got["year"] == 2019
    assert parse_title("海安市财政局政府信息公开工作年度报告（2020年发布）") == {
        "year": None,
        "published_year": 2020,
        "agency": "海安市财政局",
    }


def test_body_year_ignores_next_year_plans_and_signature() -> None:
    body = (
        "一、总体情况\n2019年，我局高度重视政府信息公开工作。\n"
        "五、存在的主要问题及改进情况\n2020年，我们将进一步加强公开。2020年将继续完善平台。2020年要做好解读。\n"
        "海安市科技局\n2020年1月20日"
    )
    got = _meta("海安市科技局政府信息公开工作年度报告", body)
    assert got["year"] == 2019 and got["metadata_sources"]["year"] == "body"
    assert (got["published_date"], got["published_date_source"]) == ("2020-01-20", "signature")


def test_chinese_numeral_signature_and_year() -> None:
    body = "二〇一九年，本局依法公开政府信息。\n海安市科技局\n二〇二〇年一月二十日"
    got = _meta("海安市科技局政府信息公开工作年度报告", body)
    assert got["year"] == 2019
    assert (got["published_date"], got["published_date_source"]) == ("2020-01-20", "signature")


def test_aggregate_from_preamble() -> None:
    body = "本报告由海安市人民政府办公室汇总全市各有关单位政府信息公开工作情况编制而成。" + PREAMBLE.format(y=2021)
    got = _meta("海安市人民政府2021年政府信息公开工作年度报告", body)
    assert got["scope"] == "aggregate" and got["metadata_sources"]["scope"] == "preamble"


def test_no_evidence() -> None:
    got = extract_metadata("一、总体情况\n本单位依法公开信息。", None, {}, "report.txt")
    assert (got["agency"], got["year"], got["region"], got["scope"]) == (None, None, None, "unknown")
    assert got["published_date"] is None


def test_filename_year_fallback() -> None:
    got = extract_metadata("一、总体情况\n本单位依法公开信息。", None, {}, "szfgs2024.pdf")
    assert got["year"] == 2024 and got["metadata_sources"]["year"] == "filename"


def test_header_block_and_helpers() -> None:
    text = "标题: 平潭综合实验区2019年度政府信息公开工作年度报告\n发布时间: 2020-01-20 15:22\n文号: \n=====\n正文"
    hdr = parse_header_block(text)
    assert hdr["标题"].startswith("平潭") and hdr["发布时间"] == "2020-01-20 15:22"
    assert prepare_text("二〇二〇年十二月三十一日") == "2020年12月31日"
    assert prepare_text("2023 年 1 月 1 日") == "2023年1月1日"
    assert title_from_text("洪泽区人民政府\n2023 年政府信息公开工作年度报告\n本报告由…") == (
        "洪泽区人民政府2023年政府信息公开工作年度报告"
    )
    # a notice quoted in the preamble is not a title
    assert title_from_text("根据《关于编制公布2021年政府信息公开工作年度报告有关事项的通知》要求") is None


def test_body_completion_needs_clear_evidence() -> None:
    # only the province named: a county bureau must not become 江苏省科技局
    got = _meta("科技局政府信息公开工作年度报告", "2019年，按照江苏省要求，落实江苏省部署。")
    assert got["agency"] == "科技局" and got["region"] is None
    # two different places next to the agency name: ambiguous, left alone
    got = _meta("科技局政府信息公开工作年度报告", "2019年，海安科技局与如皋科技局联合开展培训。")
    assert got["agency"] == "科技局" and got["region"] is None
