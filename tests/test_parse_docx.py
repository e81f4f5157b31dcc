"""DOCX reader: merged cells, body order, metadata, and rejection of hostile or legacy files."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docs_factory import bomb_docx, ole2_bytes, replace_part, t3_docx, xxe_docx

from xxgk.parsing.document import Table
from xxgk.parsing.docx import ZipLimits, read_docx
from xxgk.parsing.errors import CorruptDocument, EncryptedDocument, UnsafeDocument, UnsupportedFormat

ROWS = [
    ("一、本年新收政府信息公开申请数量", ["21", "0", "", "0", "/", "0", "21"]),
    ("二、上年结转政府信息公开申请数量", ["0", "0", "0", "0", "0", "0", "0"]),
]


@pytest.fixture(scope="module")
def base() -> bytes:
    return t3_docx(ROWS)


def test_body_order_and_paragraphs(base: bytes) -> None:
    doc = read_docx(base)
    kinds = ["table" if isinstance(b, Table) else b for b in doc.blocks]
    assert kinds == [
        "测试局2023年政府信息公开工作年度报告",
        "本报告由测试局编制。",
        "table",
        "五、存在的主要问题及改进情况",
    ]
    assert doc.tables[0].location == "table 1"


def test_merged_cells_become_spans_without_duplicated_text(base: bytes) -> None:
    t3 = read_docx(base).tables[0]
    header = [[(c.text, c.rowspan, c.colspan) for c in row] for row in t3.rows[:3]]
    assert header[0] == [
        ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
        ("申请人情况", 1, 7),
    ]
    assert header[1] == [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)]
    assert [t for t, _, _ in header[2]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert all(len(row) == 10 for row in t3.expanded())
    text = read_docx(base).text
    assert text.count("申请人情况") == 1 and text.count("自然人") == 1


def test_blank_zero_and_slash_kept_apart(base: bytes) -> None:
    t3 = read_docx(base).tables[0]
    rows = {row[0].text: [c.text for c in row[1:]] for row in t3.rows[3:]}
    assert rows["一、本年新收政府信息公开申请数量"] == ["21", "0", "", "0", "/", "0", "21"]
    assert rows["二、上年结转政府信息公开申请数量"] == ["0"] * 7
    assert t3.rows[3][0].colspan == 3


def test_core_properties(base: bytes) -> None:
    meta = read_docx(base).meta
    assert meta["media"] == "docx"
    assert meta["title"] == "测试局2023年政府信息公开工作年度报告"
    assert meta["author"] == "测试"
    assert meta["last_modified_by"] == "审核人"
    assert meta["created"][:4].isdigit() and "T" in meta["created"]


def test_xxe_rejected(base: bytes) -> None:
    with pytest.raises(UnsafeDocument) as err:
        read_docx(xxe_docx(base))
    assert err.value.location == "word/document.xml"
    assert "DTD" in err.value.message


def test_internal_entity_expansion_rejected(base: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    head, rest = xml.split("?>", 1)
    lol = '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with pytest.raises(UnsafeDocument):
        read_docx(replace_part(base, "word/document.xml", (head + "?>" + lol + rest).encode()))


def test_python_docx_parser_does_not_resolve_entities(base: bytes, tmp_path) -> None:
    """Defence in depth: even without our pre-scan, python-docx's lxml parser leaves entities unresolved."""
    from docx.oxml.parser import oxml_parser
    from lxml import etree

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-SENTINEL", encoding="utf-8")
    xml = f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{secret.as_uri()}">]><r>&x;</r>'
    root = etree.fromstring(xml.encode(), oxml_parser)
    assert "TOP-SECRET-SENTINEL" not in etree.tostring(root, encoding="unicode")
    d = docx.Document(io.BytesIO(xxe_docx(base, target=secret.as_uri())))
    assert not any("TOP-SECRET-SENTINEL" in p.text for p in d.paragraphs)


def test_zip_bomb_rejected(base: bytes) -> None:
    with pytest.raises(UnsafeDocument) as err:
        read_docx(bomb_docx(base))
    assert err.value.location == "word/media/padding.bin"
    assert "ratio" in err.value.message


def test_total_size_limit_configurable(base: bytes) -> None:
    with pytest.raises(UnsafeDocument):
        read_docx(base, limits=ZipLimits(max_total_uncompressed=10_000))


def test_legacy_doc_unsupported() -> None:
    with pytest.raises(UnsupportedFormat) as err:
        read_docx(ole2_bytes())
    assert "legacy Word/WPS binary" in err.value.message
    assert "convert to DOCX or PDF" in err.value.message
    assert err.value.location.startswith("byte 0")


def test_encrypted_ooxml_in_ole2() -> None:
    data = ole2_bytes() + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64
    with pytest.raises(EncryptedDocument):
        read_docx(data)


def test_corrupt_and_foreign_containers(base: bytes) -> None:
    with pytest.raises(CorruptDocument):
        read_docx(base[: len(base) // 2])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedFormat) as err:
        read_docx(buf.getvalue())
    assert "XLSX" in err.value.message
    with pytest.raises(UnsupportedFormat):
        read_docx(b"%PDF-1.7\n...")


def test_vmerge_and_grid_span_in_raw_xml() -> None:
    """Vertical merges down three rows and a gridBefore gap, as Word/WPS write them."""
    d = docx.Document()
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(2, 0)).text = "三、本年度办理结果"
    for r, (label, v) in enumerate([("（一）予以公开", "5"), ("（二）部分公开", ""), ("（七）总计", "5")]):
        t.cell(r, 1).text = label
        t.cell(r, 2).text = v
    buf = io.BytesIO()
    d.save(buf)
    table = read_docx(buf.getvalue()).tables[0]
    assert [(c.text, c.rowspan) for c in table.rows[0]] == [("三、本年度办理结果", 3), ("（一）予以公开", 1), ("5", 1)]
    assert [c.text for c in table.rows[1]] == ["（二）部分公开", ""]
    assert [c.text for c in table.expanded()[2]] == ["三、本年度办理结果", "（七）总计", "5"]
