"""Small DOCX and PDF files for reader tests, built in memory without extra dependencies.

* DOCX: python-docx, with merged header cells like the national T3.
* PDF: a minimal hand-written PDF writer. The machine has no CJK font and reportlab/fpdf2 would be
  new dependencies, so text uses the predefined Adobe CJK font ``STSong-Light`` with the
  ``UniGB-UTF16-H``/``-V`` CMaps: nothing is embedded (viewers substitute a font), but pdfminer
  maps the codes back to Unicode through its bundled CMaps — exactly what text extraction needs.
  The ``-V`` variant writes vertically, like the Identity-V fonts of WPS exports.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

import docx

PAGE_W, PAGE_H = 595.0, 842.0

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


def _hex_utf16(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


@dataclass
class PdfPage:
    """Drawing operations for one page, in top-left coordinates (like pdfplumber)."""

    ops: list[str] = field(default_factory=list)
    has_image: bool = False

    def text(self, x: float, top: float, s: str, size: float = 10.0, vertical: bool = False) -> None:
        """Draw ``s``; vertical text runs downward from (x, top) with the -V CMap."""
        font = "F2" if vertical else "F1"
        y = PAGE_H - top - (0 if vertical else size * 0.88)
        self.ops.append(f"BT /{font} {size:g} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm {_hex_utf16(s)} Tj ET")

    def line(self, x0: float, top0: float, x1: float, top1: float) -> None:
        self.ops.append(f"0.8 w {x0:.2f} {PAGE_H - top0:.2f} m {x1:.2f} {PAGE_H - top1:.2f} l S")

    def image(self) -> None:
        """A full-page image (a 'scan')."""
        self.has_image = True
        self.ops.append("q 500 0 0 700 48 70 cm /Im1 Do Q")

    def table(
        self,
        x_edges: list[float],
        y_edges: list[float],
        cells: list[tuple[int, int, int, int, str]],
        size: float = 8.0,
        open_top: bool = False,
    ) -> None:
        """A ruled table: cells are (row, col, rowspan, colspan, text); '\\n' breaks lines.

        ``open_top`` leaves the table's top border undrawn, as when a table continues from the
        previous page.
        """
        for r, c, rs, cs, text in cells:
            x0, x1 = x_edges[c], x_edges[c + cs]
            t0, t1 = y_edges[r], y_edges[r + rs]
            if not (open_top and r == 0):
                self.line(x0, t0, x1, t0)
            self.line(x0, t1, x1, t1)
            self.line(x0, t0, x0, t1)
            self.line(x1, t0, x1, t1)
            for k, part in enumerate(text.split("\n")):
                if part:
                    self.text(x0 + 2, t0 + 2 + k * (size + 2), part, size)


@dataclass
class PdfBuilder:
    """Collects pages and writes a PDF 1.4 file with CJK text (STSong-Light, not embedded)."""

    pages: list[PdfPage] = field(default_factory=list)
    title: str = ""
    created: str = ""  # e.g. "D:20240226144123+08'00'"
    encrypt: bool = False

    def page(self) -> PdfPage:
        p = PdfPage()
        self.pages.append(p)
        return p

    def build(self) -> bytes:
        objs: list[bytes] = []

        def add(body: str | bytes) -> int:
            objs.append(body.encode("latin-1") if isinstance(body, str) else body)
            return len(objs)

        desc = add(
            "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
            "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
        )
        cid_h = add(
            "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 "
            f"/FontDescriptor {desc} 0 R >>"
        )
        f1 = add(
            f"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H "
            f"/DescendantFonts [{cid_h} 0 R] >>"
        )
        f2 = add(
            f"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-V "
            f"/DescendantFonts [{cid_h} 0 R] >>"
        )
        img = add(
            b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream"
        )
        pages_id = len(objs) + 1 + 2 * len(self.pages)  # placeholder id, fixed below
        page_ids = []
        for p in self.pages:
            content = "\n".join(p.ops).encode("latin-1")
            cid = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
            xobj = f"/XObject << /Im1 {img} 0 R >>" if p.has_image else ""
            page_ids.append(
                add(
                    f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {PAGE_W:g} {PAGE_H:g}] "
                    f"/Resources << /Font << /F1 {f1} 0 R /F2 {f2} 0 R >> {xobj} >> /Contents {cid} 0 R >>"
                )
            )
        kids = " ".join(f"{i} 0 R" for i in page_ids)
        assert add(f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>") == pages_id
        catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>")
        info_parts = []
        if self.title:
            info_parts.append(f"/Title <FEFF{self.title.encode('utf-16-be').hex().upper()}>")
        if self.created:
            info_parts.append(f"/CreationDate ({self.created})")
        info = add("<< " + " ".join(info_parts) + " >>")
        encrypt = None
        if self.encrypt:
            encrypt = add(f"<< /Filter /Standard /V 1 /R 2 /O <{'11' * 32}> /U <{'22' * 32}> /P -4 >>")
        out = io.BytesIO()
        out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(objs, start=1):
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
        for off in offsets:
            out.write(b"%010d 00000 n \n" % off)
        trailer = f"<< /Size {len(objs) + 1} /Root {catalog} 0 R /Info {info} 0 R"
        if encrypt:
            trailer += f" /Encrypt {encrypt} 0 R /ID [<{'ab' * 16}> <{'ab' * 16}>]"
        out.write(f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode("latin-1"))
        return out.getvalue()


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
