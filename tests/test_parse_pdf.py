"""PDF reader: corpus reports into Documents (tables, footers, metadata), synthetic hazards, errors."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from docs_factory import PdfBuilder, scanned_pdf, split_t3_pdf

from xxgk.parsing.document import Document, Table
from xxgk.parsing.errors import (
    CorruptDocument,
    EncryptedDocument,
    NeedsOCR,
    ResourceLimitExceeded,
    UnsupportedFormat,
)
from xxgk.parsing.pdf import read_pdf

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PDFS = ["hongze_2023.pdf", "hongze_2024.pdf", "huaian_2024.pdf"]
T3_COLS = ["NP", "LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH", "TOTAL"]
T3_ROWS = {"1": "本年新收", "2": "上年结转", "3.1": "予以公开", "3.7": "（七）总计", "4": "结转下年度"}
T4_CODES = [f"{b}:{c}" for b in ("AR", "AL_D", "AL_R") for c in ("MAINTAIN", "CORRECT", "OTHER", "PENDING", "TOTAL")]
_NUM = re.compile(r"^(\d+(\.\d+)?|/|—|-|)$")

_cache: dict[str, Document] = {}


def corpus_doc(name: str) -> Document:
    path = CORPUS / "reports" / name
    if not path.exists():
        pytest.skip(f"corpus not found at {CORPUS} (expected ../shared/corpus beside the clone)")
    if name not in _cache:
        _cache[name] = read_pdf(path.read_bytes())
    return _cache[name]


def truth(name: str) -> dict:
    return json.loads((CORPUS / "truth" / f"{name}.json").read_text(encoding="utf-8"))


def table_with(doc: Document, needle: str) -> Table:
    found = [t for t in doc.tables if any(needle in c.text for row in t.rows for c in row)]
    assert len(found) == 1, f"{len(found)} tables contain {needle!r}"
    return found[0]


def grid_texts(table: Table) -> list[list[str]]:
    return [[c.text if c else "" for c in row] for row in table.expanded()]


def numeric_rows(table: Table, width: int = 7) -> list[tuple[str, list[str]]]:
    """(label, last ``width`` values) of rows whose last cells are all numbers/blank/markers."""
    out = []
    for row in table.expanded():
        if len(row) < width + 1:
            continue
        vals = [c.text if c else "" for c in row[-width:]]
        labels = [c.text for c in row[:-width] if c and c.text]
        if all(_NUM.match(v) for v in vals) and any(v for v in vals):
            out.append((labels[-1] if labels else "", vals))
    return out


def as_number(text: str) -> float | None:
    return float(text) if re.fullmatch(r"\d+(\.\d+)?", text) else None


# ------------------------------------------------------------------------------------------- corpus


@pytest.mark.parametrize("name", PDFS)
def test_t3_one_table_with_all_numeric_rows(name: str) -> None:
    doc = corpus_doc(name)
    t3 = table_with(doc, "本年新收")
    assert t3.location.startswith("pages "), "T3 split across two pages must come back as one table"
    rows = numeric_rows(t3)
    expected = 25 if name == "huaian_2024.pdf" else 23  # hongze: （六）其他处理 printed as one row
    assert len(rows) == expected
    assert all(len(vals) == 7 for _, vals in rows)
    # the vertical label, read top to bottom, and its rowspan over all outcome rows
    origin = next(c for row in t3.rows for c in row if c.text == "三、本年度办理结果")
    assert origin.rowspan == expected - 3


@pytest.mark.parametrize("name", PDFS)
def test_t3_values_match_truth(name: str) -> None:
    doc = corpus_doc(name)
    cells = truth(name)["cells"]
    rows = numeric_rows(table_with(doc, "本年新收"))
    for code, needle in T3_ROWS.items():
        hits = [vals for label, vals in rows if needle in label]
        assert len(hits) == 1, (code, needle)
        for col, text in zip(T3_COLS, hits[0], strict=True):
            assert as_number(text) == cells[f"T3:{code}:{col}"], f"T3:{code}:{col}"


@pytest.mark.parametrize("name", PDFS)
def test_t4_fifteen_values_in_order(name: str) -> None:
    doc = corpus_doc(name)
    cells = truth(name)["cells"]
    t4 = table_with(doc, "行政复议")
    last = grid_texts(t4)[-1]
    assert len(last) == 15
    assert [as_number(v) for v in last] == [cells[f"T4:{c}"] for c in T4_CODES]


def test_hongze_2023_keeps_printed_t4_total_zero() -> None:
    last = grid_texts(table_with(corpus_doc("hongze_2023.pdf"), "行政复议"))[-1]
    assert last[:5] == ["10", "1", "0", "0", "0"]  # 10 + 1 printed with total 0: never "fixed"


@pytest.mark.parametrize("name", PDFS)
def test_t2_values(name: str) -> None:
    doc = corpus_doc(name)
    cells = truth(name)["cells"]
    t2 = grid_texts(table_with(doc, "第二十条"))
    for code, label in (("20.1.1", "规章"), ("20.1.2", "行政规范性文件")):
        row = next(r for r in t2 if r[0] == label)
        assert [as_number(v) for v in row[1:4]] == [cells[f"T2:{code}:{c}"] for c in ("made", "repealed", "valid")]


@pytest.mark.parametrize("name", PDFS)
def test_footers_removed_and_text_in_order(name: str) -> None:
    doc = corpus_doc(name)
    assert not re.search(r"(?m)^\s*[-－]\s*\d+\s*[-－]\s*$", doc.text)
    assert not any(re.fullmatch(r"[-\s\d]+", b) for b in doc.blocks if isinstance(b, str))
    order = [doc.text.index(h) for h in ("一、总体情况", "申请人情况", "未经复议直接起诉", "六、其他需要报告的事项")]
    assert order == sorted(order)
    # paragraphs are re-joined across line breaks (no justification spaces between CJK characters)
    assert any(b.startswith("（一）主动公开情况。") and len(b) > 40 for b in doc.blocks if isinstance(b, str))
    assert "情 形" not in doc.text


def test_merged_label_cut_by_page_break_is_rejoined() -> None:
    t3 = table_with(corpus_doc("huaian_2024.pdf"), "本年新收")
    cell = next(c for row in t3.rows for c in row if c.text.startswith("（四）"))
    assert (cell.text, cell.rowspan) == ("（四）无法提供", 3)


def test_metadata_decoded() -> None:
    meta = corpus_doc("hongze_2023.pdf").meta
    assert meta["title"] == meta["Title"] == "洪泽区人民政府2023年政府信息公开工作年度报告"  # UTF-16LE (WPS)
    assert meta["created"].startswith("2024-02-26T14:41:23")
    assert meta["modified"] == "2024-02-26T14:56:45"
    assert meta["page_count"] == "5"


def test_speed_report() -> None:
    """Throughput on the corpus (printed with -s); generous bound so CI stays green."""
    pages = 0
    started = time.perf_counter()
    for name in PDFS:
        path = CORPUS / "reports" / name
        if not path.exists():
            pytest.skip(f"corpus not found at {CORPUS}")
        doc = read_pdf(path.read_bytes())
        pages += int(doc.meta["page_count"])
    elapsed = time.perf_counter() - started
    print(f"\nPDF reading: {pages} pages in {elapsed:.2f} s = {pages / elapsed:.1f} pages/s")
    assert elapsed / pages < 2.0


# ------------------------------------------------------------------------------------------- end to end


@pytest.mark.parametrize("name", PDFS)
def test_end_to_end_against_truth(name: str) -> None:
    from xxgk.parsing import parse_bytes

    path = CORPUS / "reports" / name
    if not path.exists():
        pytest.skip(f"corpus not found at {CORPUS}")
    report = parse_bytes(path.read_bytes(), name)
    got = report.values()
    expected = truth(name)["cells"]
    wrong = {code: (got.get(code), want) for code, want in expected.items() if got.get(code) != want}
    assert not wrong, f"{len(wrong)}/{len(expected)} cells differ: {wrong}"


# ------------------------------------------------------------------------------------------- synthetic


def synthetic() -> Document:
    return read_pdf(split_t3_pdf())


def test_synthetic_split_table_is_one_table() -> None:
    doc = synthetic()
    t3 = table_with(doc, "本年新收")
    assert t3.location == "pages 1-2"
    rows = dict(numeric_rows(t3))
    # blank vs 0 vs '/' vs '—' kept apart, positions unchanged
    assert rows["一、本年新收政府信息公开申请数量"] == ["21", "0", "", "0", "0", "0", "21"]
    assert rows["二、上年结转政府信息公开申请数量"] == ["/", "0", "", "0", "0", "0", "0"]
    assert rows["（五）不予处理"] == ["—"] * 7
    # the row cut by the page break: label halves joined, numbers from page 2, no empty half-row
    assert rows["2.没有现成信息需要另行制作"] == ["3", "0", "0", "0", "0", "0", "3"]
    assert "2.没有现成信息需要另" not in rows
    assert len(rows) == 9


def test_synthetic_spans_and_vertical_label() -> None:
    t3 = table_with(synthetic(), "本年新收")
    by_text = {c.text: c for row in t3.rows for c in row}
    assert by_text["三、本年度办理结果"].rowspan == 6  # vertical (-V CMap) text, continued on page 2
    assert by_text["（四）无法提供"].rowspan == 3  # "（四）无" | "法提供" re-joined
    assert by_text["申请人情况"].colspan == 7
    assert "法提供" not in by_text and "行制作" not in by_text


def test_synthetic_footer_and_t4() -> None:
    doc = synthetic()
    assert "- 1 -" not in doc.text and "- 2 -" not in doc.text
    t4 = table_with(doc, "行政复议")
    assert grid_texts(t4)[-1] == ["10", "1"] + ["0"] * 8 + ["5"] + ["0"] * 4
    assert doc.meta["created"] == "2024-01-15T09:30:00+08:00"
    assert doc.blocks[0] == "测试局2023年政府信息公开工作年度报告"


def test_scanned_pdf_needs_ocr() -> None:
    with pytest.raises(NeedsOCR) as err:
        read_pdf(scanned_pdf(2))
    assert err.value.location == "pages 1,2"
    assert err.value.code == "needs_ocr"


def test_partly_scanned_pdf_is_flagged_not_rejected() -> None:
    b = PdfBuilder()
    b.page().text(60, 60, "一、总体情况：本年度收到申请二十一件。")
    b.page().image()
    doc = read_pdf(b.build())
    assert doc.meta["pages_without_text"] == "2"
    assert "本年度收到申请" in doc.text


def test_encrypted_pdf() -> None:
    b = PdfBuilder(encrypt=True)
    b.page().text(60, 60, "测试文字测试文字测试文字")
    with pytest.raises(EncryptedDocument):
        read_pdf(b.build())


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", CorruptDocument),
        (b"hello, not a pdf", UnsupportedFormat),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, UnsupportedFormat),
        (b"%PDF-1.4\n1 0 obj << >> endobj\n", CorruptDocument),
    ],
)
def test_bad_bytes(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error) as err:
        read_pdf(data)
    assert err.value.location


def test_truncated_pdf_is_corrupt() -> None:
    with pytest.raises(CorruptDocument):
        read_pdf(split_t3_pdf()[:400])


def test_limits() -> None:
    doc = read_pdf(split_t3_pdf(), max_pages=1)
    assert doc.meta["truncated"] == "true" and doc.meta["pages_read"] == "1"
    with pytest.raises(ResourceLimitExceeded) as err:
        read_pdf(split_t3_pdf(), time_budget_s=0)
    assert err.value.location == "page 1"
