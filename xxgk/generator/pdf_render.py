"""PDF renderer: multi-page A4 reports with ruled tables, page footers and the real-world table hazards.

The PDF is written by hand (no PDF library needed, ~ms per report): text uses the predefined Adobe
CJK font ``STSong-Light`` with the ``UniGB-UTF16-H``/``-V`` CMaps. Nothing is embedded (viewers
substitute a font), but pdfminer maps the codes back to Unicode through its bundled CMaps — exactly
what text extraction needs; the ``-V`` variant writes vertically, like the Identity-V fonts of WPS
exports. Tables are drawn cell by cell as stroked rectangles, so pdfplumber finds them from the
ruling lines.

Hazards reproduced (``GeneratedReport.quirks``): T3 split across a page break (naturally, or forced at a
row with ``t3_break``; ``cut_row`` cuts that row's wrapped label in two), merged label cells cut by the
break ("（四）无" | "法提供"), page footers between the two halves ("- 3 -", "-3-", "第3页 共6页"), row
labels and header words wrapped over lines, the vertical 三、本年度办理结果.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from .narrative import preamble, section_headings, sections
from .quirks import quirk_tables
from .report import GeneratedReport
from .tables import Grid, GridCell

PAGE_W, PAGE_H = 595.0, 842.0
MARGIN_X, TOP, BOTTOM = 57.0, 60.0, 770.0
TEXT_W = PAGE_W - 2 * MARGIN_X
BODY, CELL = 10.5, 8.0  # font sizes
FOOTER_TOP = 800.0


def _hex_utf16(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


@dataclass
class PdfPage:
    """Drawing operations for one page, in top-left coordinates (like pdfplumber)."""

    ops: list[str] = field(default_factory=list)
    has_image: bool = False

    def text(self, x: float, top: float, s: str, size: float = 10.0, vertical: bool = False) -> None:
        """Draw ``s``; vertical text runs downward from (x, top) with the -V CMap (x is its centre)."""
        font = "F2" if vertical else "F1"
        y = PAGE_H - top - (0 if vertical else size * 0.88)
        self.ops.append(f"BT /{font} {size:g} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm {_hex_utf16(s)} Tj ET")

    def line(self, x0: float, top0: float, x1: float, top1: float) -> None:
        self.ops.append(f"0.8 w {x0:.2f} {PAGE_H - top0:.2f} m {x1:.2f} {PAGE_H - top1:.2f} l S")

    def rect(self, x0: float, top: float, x1: float, bottom: float) -> None:
        """A stroked rectangle (one table cell's borders)."""
        self.ops.append(f"0.8 w {x0:.2f} {PAGE_H - bottom:.2f} {x1 - x0:.2f} {bottom - top:.2f} re S")

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
    """Collects pages and writes a PDF 1.4 file with CJK text (STSong-Light, not embedded).

    ``half_width_ascii`` gives ASCII glyphs (CIDs 1–95) half the em width, as printed digits have;
    without it every glyph is one em wide.
    """

    pages: list[PdfPage] = field(default_factory=list)
    title: str = ""
    created: str = ""  # e.g. "D:20240226144123+08'00'"
    encrypt: bool = False
    half_width_ascii: bool = False

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
        widths = " /W [1 95 500]" if self.half_width_ascii else ""
        cid_h = add(
            "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
            f"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000{widths} "
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
        pages_id = len(objs) + 1 + 2 * len(self.pages)  # id the Pages object will get
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
        if add(f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>") != pages_id:
            raise AssertionError("PDF object numbering")
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


# --------------------------------------------------------------------------------------------- text


def text_width(s: str, size: float) -> float:
    """Advance width of ``s`` with half-width ASCII and full-width everything else."""
    return sum(size * (0.5 if ord(ch) < 128 else 1.0) for ch in s)


def wrap(s: str, width: float, size: float) -> list[str]:
    """Greedy line breaking by width (CJK text breaks anywhere, as word processors do)."""
    lines: list[str] = []
    cur, w = "", 0.0
    for ch in s:
        cw = size * (0.5 if ord(ch) < 128 else 1.0)
        if cur and w + cw > width:
            lines.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    if cur or not lines:
        lines.append(cur)
    return lines


# ------------------------------------------------------------------------------------------- tables


@dataclass
class _Placed:
    row: int
    col: int
    rowspan: int
    colspan: int
    cell: GridCell


def place(grid: Grid) -> tuple[list[_Placed], int]:
    """Cells at their (row, column) positions, HTML table style; and the column count."""
    taken: set[tuple[int, int]] = set()
    out: list[_Placed] = []
    n_cols = 0
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append(_Placed(r, c, cell.rowspan, cell.colspan, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
            n_cols = max(n_cols, c)
    return out, n_cols


def column_widths(placed: list[_Placed], n_cols: int, narrow_labels: bool) -> list[float]:
    """Value columns share a fixed part of the width; label columns the rest, by their text length."""
    value_cols = {p.col for p in placed if p.cell.code is not None and p.colspan == 1}
    vertical_cols = {p.col for p in placed if p.cell.vertical and p.colspan == 1}
    labels = [c for c in range(n_cols) if c not in value_cols]
    if not labels:
        return [TEXT_W / n_cols] * n_cols
    share = 0.72 if narrow_labels else 0.55
    wv = min(64.0, TEXT_W * share / max(len(value_cols), 1))
    widths = [wv] * n_cols
    fixed = {c: 18.0 for c in labels if c in vertical_cols}
    rest = TEXT_W - wv * len(value_cols) - sum(fixed.values())
    weights = {}
    for c in labels:
        if c in fixed:
            continue
        lens = [len(p.cell.text) for p in placed if p.col == c and p.colspan == 1 and not p.cell.vertical]
        weights[c] = min(max(lens, default=2), 20) + 2
    total = sum(weights.values()) or 1
    for c in labels:
        widths[c] = fixed.get(c) or rest * weights[c] / total
    return widths


@dataclass
class _Laid:
    """A cell's lines of text, top-aligned (vertical cells: one character per 'line')."""

    placed: _Placed
    lines: list[str]
    size: float
    line_h: float


def _lay(p: _Placed, width: float) -> _Laid:
    c = p.cell
    if c.vertical:
        return _Laid(p, list(c.text), CELL, CELL)
    if c.code is not None:  # numbers never wrap: shrink to fit
        size = min(CELL, (width - 3) / max(text_width(c.text, 1.0), 0.5))
        return _Laid(p, [c.text], size, size * 1.3)
    return _Laid(p, wrap(c.text, width - 4, CELL) if c.text else [], CELL, CELL * 1.3)


class _Flow:
    """Lays paragraphs and tables out on pages top to bottom, with page footers."""

    def __init__(self, rep: GeneratedReport) -> None:
        d = rep.published_date
        self.pdf = PdfBuilder(title=rep.title, created=f"D:{d:%Y%m%d}093000+08'00'", half_width_ascii=True)
        self.footer = rep.quirks.footer
        self.page = self.pdf.page()
        self.y = TOP

    def new_page(self) -> None:
        self.page = self.pdf.page()
        self.y = TOP

    def line(self, text: str, size: float = BODY, x: float = MARGIN_X, gap: float = 1.7) -> None:
        h = size * gap
        if self.y + h > BOTTOM:
            self.new_page()
        self.page.text(x, self.y, text, size)
        self.y += h

    def paragraph(self, text: str, size: float = BODY, indent: bool = True) -> None:
        first = 2 * size if indent else 0.0
        lines = wrap(text, TEXT_W - first, size)
        rest = wrap(text[len(lines[0]) :], TEXT_W, size) if len(lines) > 1 else []
        self.line(lines[0], size, MARGIN_X + first)
        for ln in rest:
            self.line(ln, size)

    def centred(self, text: str, size: float) -> None:
        self.line(text, size, max(MARGIN_X, (PAGE_W - text_width(text, size)) / 2), gap=2.2)

    def right(self, text: str, size: float = BODY) -> None:
        self.line(text, size, PAGE_W - MARGIN_X - text_width(text, size))

    def table(self, grid: Grid, *, narrow: bool = False, force_break: int | None = None, cut: bool = False) -> None:
        """Draw ``grid``; a row that does not fit (or row ``force_break``) starts a new page."""
        placed, n_cols = place(grid)
        widths = column_widths(placed, n_cols, narrow)
        xs = [MARGIN_X]
        for w in widths:
            xs.append(xs[-1] + w)
        laid = [_lay(p, xs[p.col + p.colspan] - xs[p.col]) for p in placed]
        n_rows = len(grid)
        heights = [CELL * 1.3 + 5] * n_rows
        for lc in laid:
            if lc.placed.rowspan == 1:
                heights[lc.placed.row] = max(heights[lc.placed.row], len(lc.lines) * lc.line_h + 5)
        for lc in laid:
            p = lc.placed
            if p.rowspan > 1:
                need = len(lc.lines) * lc.line_h + 5
                have = sum(heights[p.row : p.row + p.rowspan])
                if need > have:
                    heights[p.row + p.rowspan - 1] += need - have
        # virtual (unbroken) row tops; then the page intervals of the virtual axis
        vtop = [0.0]
        for h in heights:
            vtop.append(vtop[-1] + h)
        self.y += 4
        parts: list[tuple[PdfPage, float, float, float]] = []  # page, virtual from, virtual to, page top
        pv0, ptop = 0.0, self.y
        for r in range(n_rows):
            if vtop[r] > pv0 and (ptop + vtop[r + 1] - pv0 > BOTTOM or r == force_break):
                brk = vtop[r]
                if r == force_break and cut and heights[r] > 2 * CELL * 1.3 + 5:
                    brk = vtop[r] + CELL * 1.3 + 5  # the row is cut: its first line stays here
                parts.append((self.page, pv0, brk, ptop))
                self.new_page()
                pv0, ptop = brk, self.y
        parts.append((self.page, pv0, vtop[-1], ptop))
        self.y = ptop + vtop[-1] - pv0 + 8
        for lc in laid:
            p = lc.placed
            a, b = vtop[p.row], vtop[p.row + p.rowspan]
            x0, x1 = xs[p.col], xs[p.col + p.colspan]
            done = 0
            for page, v0, v1, top in parts:
                lo, hi = max(a, v0), min(b, v1)
                if hi - lo < 0.1:
                    continue
                y0, y1 = top + lo - v0, top + hi - v0
                page.rect(x0, y0, x1, y1)
                done = self._text(page, lc, x0, x1, y0, y1, done)

    def _text(self, page: PdfPage, lc: _Laid, x0: float, x1: float, top: float, bottom: float, done: int) -> int:
        """Draw the lines of ``lc`` from index ``done`` that fit between ``top`` and ``bottom``.

        A cell cut by a page break shows on the next page the lines that did not fit; returns the
        number of lines drawn so far.
        """
        c = lc.placed.cell
        if done >= len(lc.lines):
            return done
        if c.vertical:
            room = int((bottom - top - 4) // lc.size)
            chars = "".join(lc.lines[done : done + room])
            if chars:
                page.text((x0 + x1) / 2, top + 2, chars, lc.size, vertical=True)
            return done + len(chars)
        if c.code is not None:
            if bottom - top < lc.line_h + 2:
                return done
            w = text_width(lc.lines[0], lc.size)
            page.text((x0 + x1 - w) / 2, top + 2.5, lc.lines[0], lc.size)
            return 1
        room = max(int((bottom - top - 3) // lc.line_h), 0)
        show = lc.lines[done : done + room]
        for k, ln in enumerate(show):
            page.text(x0 + 2, top + 2.5 + k * lc.line_h, ln, lc.size)
        return done + len(show)

    def finish(self) -> bytes:
        total = len(self.pdf.pages)
        for n, page in enumerate(self.pdf.pages, start=1):
            text = self.footer.format(n=n, total=total)
            page.text((PAGE_W - text_width(text, 9)) / 2, FOOTER_TOP, text, 9)
        return self.pdf.build()


def render_pdf(rep: GeneratedReport, *, t4_break: int | None = None) -> bytes:
    """The report as an A4 PDF (title, sections, ruled T2/T3/T4, page footers).

    ``t4_break``: force a page break before this row of the (first) T4 table, counted from its
    first header row (1: the table is cut right after its first header row).
    """
    q = rep.quirks
    flow = _Flow(rep)
    heads = dict(section_headings())
    if q.typo:  # 'heading' or 'table'
        heads["S4"] = heads["S4"].replace("行政复议", "行政法复议")
    text = sections(rep, rep.text_year)
    tables = quirk_tables(rep)
    flow.centred(rep.title, 15)
    flow.paragraph(preamble(rep))
    for code in ("S1", "S2", "S3", "S4", "S5", "S6"):
        flow.line(heads[code], BODY, MARGIN_X + 2 * BODY)
        for p in text[code]:
            flow.paragraph(p)
        for g in tables.get(code, []):
            if code == "S3":
                body = next(i for i, row in enumerate(g) if any(c.code for c in row))
                brk = None if q.t3_break is None else body + q.t3_break
                flow.table(g, narrow=q.narrow_labels, force_break=brk, cut=q.cut_row)
            elif code == "S4" and g is tables[code][0]:
                flow.table(g, narrow=q.narrow_labels, force_break=t4_break)
            else:
                flow.table(g, narrow=q.narrow_labels)
    flow.y += 10
    flow.right(rep.agency.name)
    d = rep.published_date
    flow.right(f"{d.year}年{d.month}月{d.day}日")
    return flow.finish()


__all__ = ["PdfBuilder", "PdfPage", "render_pdf", "text_width", "wrap"]
