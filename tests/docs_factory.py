"""Small DOCX and PDF files for reader tests, built in memory without extra dependencies.

* DOCX: python-docx, with merged header cells like the national T3.
* PDF: the generator's minimal hand-written PDF writer (``xxgk.generator.pdf_render.PdfBuilder``). The
  machine has no CJK font and reportlab/fpdf2 would be new dependencies, so text uses the predefined
  Adobe CJK font ``STSong-Light`` with the ``UniGB-UTF16-H``/``-V`` CMaps: nothing is embedded
  (viewers substitute a font), but pdfminer maps the codes back to Unicode through its bundled
  CMaps — exactly what text extraction needs. The ``-V`` variant writes vertically, like the
  Identity-V fonts of WPS exports.
"""

from __future__ import annotations

import io
import zipfile

import docx

from xxgk.generator.pdf_render import PAGE_H, PAGE_W, PdfBuilder, PdfPage  # noqa: F401 (re-exported)

# --------------------------------------------------------------------------------------------- DOCX

T3_COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def t3_docx(rows: list[tuple[str, list[str]]], *, title: str = "测试局2023年政府信息公开工作年度报告") -> bytes:
    """A DOCX: title, a paragraph, a T3-like table with merged header cells, a closing paragraph.

    Header: corner note merged 3×3, 申请人情况 across 7, 法人或其他组织 across 5, 自然人 and 总计
    merged down 2 rows. ``rows`` are (label, 7 values) with the label merged across the 3 label columns.
    """
    d = docx.Document()
    d.core_properties.title = title
    d.core_properties.author = "测试"
    d.core_properties.last_modified_by = "审核人"
    d.add_paragraph(title)
    d.add_paragraph("本报告由测试局编制。")
    table = d.add_table(rows=3 + len(rows), cols=10)
    table.style = "Table Grid"
    c = table.cell
    c(0, 0).merge(c(2, 2)).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    c(0, 3).merge(c(0, 9)).text = "申请人情况"
    c(1, 3).merge(c(2, 3)).text = "自然人"
    c(1, 4).merge(c(1, 8)).text = "法人或其他组织"
    c(1, 9).merge(c(2, 9)).text = "总计"
    for j, name in enumerate(T3_COLS[1:6]):
        c(2, 4 + j).text = name
    for i, (label, values) in enumerate(rows):
        r = 3 + i
        c(r, 0).merge(c(r, 2)).text = label
        for j, v in enumerate(values):
            c(r, 3 + j).text = v
    d.add_paragraph("五、存在的主要问题及改进情况")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def replace_part(docx_bytes: bytes, name: str, content: bytes) -> bytes:
    """Copy a DOCX zip with one part replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = content if info.filename == name else zin.read(info)
            zout.writestr(info.filename, data)
    return out.getvalue()


def xxe_docx(base: bytes, target: str = "file:///etc/passwd") -> bytes:
    """The DOCX with an external entity declared in word/document.xml and used in a run."""
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    decl = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{target}">]>'
    head, rest = xml.split("?>", 1)
    xml = head + "?>" + decl + rest
    xml = xml.replace("本报告由测试局编制。", "&xxe;", 1)
    return replace_part(base, "word/document.xml", xml.encode("utf-8"))


def bomb_docx(base: bytes, size: int = 30 * 1024 * 1024) -> bytes:
    """The DOCX plus a highly compressible member (``size`` zero bytes, ~1000:1)."""
    out = io.BytesIO(base)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/media/padding.bin", b"\0" * size)
    return out.getvalue()


def ole2_bytes() -> bytes:
    """Bytes starting like a legacy .doc/.wps compound file."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


# ---------------------------------------------------------------------------------------------- PDF


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages that hold only an image: no text layer."""
    b = PdfBuilder()
    for _ in range(pages):
        b.page().image()
    return b.build()


T4_VALUES = ["10", "1"] + ["0"] * 8 + ["5"] + ["0"] * 4

# Column edges of a T3-like table: 3 label columns, 7 value columns.
T3_X = [60.0, 80.0, 150.0, 290.0, 320.0, 350.0, 380.0, 410.0, 440.0, 470.0, 520.0]


def split_t3_pdf() -> bytes:
    """A two-page report whose T3 is split across the page break, with the national hazards.

    * page footer "- 1 -" below the first half; repeated header rows are NOT used;
    * the vertical label 三、本年度办理结果 (drawn with the vertical CMap) continues on page 2;
    * the group label "（四）无法提供" is cut in two: "（四）无" | "法提供";
    * the row "2.没有现成信息需要另行制作" is cut by the page break: label on page 1, numbers on 2;
    * blank cells, printed 0 and "/" kept apart; T4 after a heading on page 2.
    """
    b = PdfBuilder(title="测试局2023年政府信息公开工作年度报告", created="D:20240115093000+08'00'")
    p1 = b.page()
    p1.text(150, 60, "测试局2023年政府信息公开工作年度报告", 14)
    p1.text(60, 100, "一、总体情况", 10)
    p1.text(80, 116, "2023年，本局收到申请21件。", 10)
    p1.text(60, 140, "三、收到和处理政府信息公开申请情况", 10)
    y = [160.0, 180.0, 200.0, 220.0, 240.0, 260.0, 280.0, 300.0]
    rows1 = [
        ("一、本年新收政府信息公开申请数量", ["21", "0", "", "0", "0", "0", "21"]),
        ("二、上年结转政府信息公开申请数量", ["/", "0", "", "0", "0", "0", "0"]),
    ]
    cells = [(0, 3, 1, 7, "申请人情况"), (1, 3, 1, 7, "自然人 …… 总计"), (0, 0, 2, 3, "（本列数据的勾稽关系）")]
    for i, (label, vals) in enumerate(rows1):
        cells.append((2 + i, 0, 1, 3, label))
        cells += [(2 + i, 3 + j, 1, 1, v) for j, v in enumerate(vals)]
    # outcome rows: vertical label (col 0) from row 4 to the page end
    cells.append((4, 0, 3, 1, ""))
    cells += [(4, 1, 1, 2, "（一）予以公开")] + [(4, 3 + j, 1, 1, v) for j, v in enumerate("5000005")]
    cells += [(5, 1, 2, 1, "（四）无"), (5, 2, 1, 1, "1.本机关不掌握相关政府信息")]
    cells += [(5, 3 + j, 1, 1, v) for j, v in enumerate(["10", "0", "0", "0", "0", "0", "10"])]
    cells += [(6, 2, 1, 1, "2.没有现成信息需要另")] + [(6, 3 + j, 1, 1, "") for j in range(7)]
    p1.table(T3_X, y, cells)
    p1.text(67, 243, "三、本年度办理结果", 6, vertical=True)
    p1.text(280, 800, "- 1 -", 9)

    p2 = b.page()
    y2 = [60.0, 80.0, 100.0, 120.0, 140.0, 160.0]
    cells2 = [(0, 0, 4, 1, ""), (0, 1, 2, 1, "法提供"), (0, 2, 1, 1, "行制作")]
    cells2 += [(0, 3 + j, 1, 1, v) for j, v in enumerate(["3", "0", "0", "0", "0", "0", "3"])]
    cells2 += [(1, 2, 1, 1, "3.补正后申请内容仍不明确")] + [(1, 3 + j, 1, 1, "0") for j in range(7)]
    cells2 += [(2, 1, 1, 2, "（七）总计")]
    cells2 += [(2, 3 + j, 1, 1, v) for j, v in enumerate(["18", "0", "", "0", "0", "0", "18"])]
    cells2 += [(3, 1, 1, 2, "（五）不予处理")] + [(3, 3 + j, 1, 1, "—") for j in range(7)]
    cells2 += [(4, 0, 1, 3, "四、结转下年度继续办理")]
    cells2 += [(4, 3 + j, 1, 1, v) for j, v in enumerate(["3", "0", "", "0", "0", "0", "3"])]
    p2.table(T3_X, y2, cells2, open_top=True)
    p2.text(60, 190, "四、政府信息公开行政复议、行政诉讼情况", 10)
    x4 = [60.0 + 30 * i for i in range(16)]
    y4 = [210.0, 230.0, 250.0, 270.0]
    cells4 = [(0, 0, 1, 5, "行政复议"), (0, 5, 1, 10, "行政诉讼")]
    cells4 += [(1, i, 1, 1, "维持") for i in range(15)]
    cells4 += [(2, i, 1, 1, v) for i, v in enumerate(T4_VALUES)]
    p2.table(x4, y4, cells4)
    p2.text(280, 800, "- 2 -", 9)
    return b.build()
