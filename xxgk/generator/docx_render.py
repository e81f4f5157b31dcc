"""DOCX renderer: the report as a Word document whose tables merge cells like the national template.

Tables are written as WordprocessingML directly (``w:gridSpan`` for column spans, ``w:vMerge``
restart/continue for row spans — what Word and WPS save), which is much faster than python-docx's
cell-by-cell merge API; paragraphs and core properties go through python-docx.

Quirks (``GeneratedReport.quirks``): ``vertical`` writes 三、本年度办理结果 top-to-bottom
(``w:textDirection tbRlV``); ``narrow_labels`` breaks long labels and header words over several
paragraphs inside the cell ("法律服" / "务机构"), as hand-edited documents do; ``typo`` misspells the T4
heading; value formats come through ``display`` like every medium.
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml

from .narrative import preamble, section_headings, sections
from .pdf_render import column_widths, place
from .quirks import quirk_tables
from .report import GeneratedReport
from .tables import Grid

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TWIPS_PER_PT = 20
_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def _paragraphs(text: str, split: int, center: bool) -> str:
    """One or more ``w:p`` (``split`` > 0 breaks the text every ``split`` characters)."""
    pieces = [text[i : i + split] for i in range(0, len(text), split)] if split and text else [text]
    jc = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    return "".join(
        f'<w:p>{jc}<w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' if p else f"<w:p>{jc}</w:p>"
        for p in pieces
    )


def table_xml(grid: Grid, *, narrow: bool = False, vertical: bool = True) -> str:
    """A ``w:tbl`` with the grid's spans as gridSpan / vMerge (continuation cells are empty)."""
    placed, n_cols = place(grid)
    widths = [round(w * TWIPS_PER_PT) for w in column_widths(placed, n_cols, narrow)]
    origin = {(p.row, p.col): p for p in placed}
    covered: dict[tuple[int, int], int] = {}  # (row, col) continuing a vertical merge → its colspan
    for p in placed:
        for dr in range(1, p.rowspan):
            covered[(p.row + dr, p.col)] = p.colspan
    rows = []
    for r in range(len(grid)):
        tcs = []
        c = 0
        while c < n_cols:
            p = origin.get((r, c))
            if p is None:
                span = covered.get((r, c), 1)
                grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
                vm = "<w:vMerge/>" if (r, c) in covered else ""
                width = sum(widths[c : c + span])
                tcs.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid_span}{vm}</w:tcPr><w:p/></w:tc>')
                c += span
                continue
            cell = p.cell
            width = sum(widths[c : c + p.colspan])
            props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            if p.colspan > 1:
                props += f'<w:gridSpan w:val="{p.colspan}"/>'
            if p.rowspan > 1:
                props += '<w:vMerge w:val="restart"/>'
            if cell.vertical and vertical:
                props += '<w:textDirection w:val="tbRlV"/>'
            props += '<w:vAlign w:val="center"/>'
            split = 6 if narrow and cell.code is None and not cell.vertical and len(cell.text) > 7 else 0
            if cell.vertical and not vertical:
                split = 2  # written horizontally in a narrow column: two characters a line
            body = _paragraphs(cell.text, split, cell.code is not None)
            tcs.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>")
            c += p.colspan
        rows.append("<w:tr>" + "".join(tcs) + "</w:tr>")
    cols = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{_BORDERS}</w:tblBorders></w:tblPr><w:tblGrid>{cols}</w:tblGrid>" + "".join(rows) + "</w:tbl>"
    )


def render_docx(rep: GeneratedReport) -> bytes:
    """The report as DOCX bytes (title, sections, T2/T3/T4 with merged cells, signature)."""
    q = rep.quirks
    d = docx.Document()
    d.core_properties.title = rep.title
    d.core_properties.author = rep.agency.name
    pub = rep.published_date
    d.core_properties.created = dt.datetime(pub.year, pub.month, pub.day, 9, 30)
    body = d.element.body
    heads = dict(section_headings())
    if q.typo:  # 'heading' or 'table'
        heads["S4"] = heads["S4"].replace("行政复议", "行政法复议")
    text = sections(rep, rep.text_year)
    tables = quirk_tables(rep)
    d.add_paragraph(rep.title).alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph(preamble(rep))
    for code in ("S1", "S2", "S3", "S4", "S5", "S6"):
        d.add_paragraph(heads[code])
        for para in text[code]:
            d.add_paragraph(para)
        for g in tables.get(code, []):
            tbl = parse_xml(table_xml(g, narrow=q.narrow_labels, vertical=q.vertical))
            sect = body.find(f"{{{W_NS}}}sectPr")
            if sect is not None:
                sect.addprevious(tbl)  # paragraphs are inserted before sectPr too: keep body order
            else:
                body.append(tbl)
    for para in (rep.agency.name, f"{pub.year}年{pub.month}月{pub.day}日"):
        d.add_paragraph(para).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


__all__ = ["render_docx", "table_xml"]
