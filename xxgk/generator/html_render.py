"""HTML renderer: a realistic article page (UTF-8 or GBK bytes, charset declared accordingly)."""

from __future__ import annotations

import html

from .narrative import preamble, section_headings, sections
from .report import GeneratedReport
from .tables import Grid, t2_grids, t3_grid, t4_grids


def _cell(c_text: str, colspan: int, rowspan: int, center: bool) -> str:
    attrs = ""
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    body = html.escape(c_text, quote=False) if c_text else "&nbsp;"
    p = '<p align="center">' if center else "<p>"
    return f"<td{attrs}>{p}{body}</p></td>"


def grid_html(grid: Grid) -> str:
    """One ``<table>`` with the grid's colspans/rowspans; blank cells are ``&nbsp;``."""
    rows = []
    for row in grid:
        tds = "".join(_cell(c.text, c.colspan, c.rowspan, c.code is not None or c.vertical) for c in row)
        rows.append(f"<tr>{tds}</tr>")
    return '<table align="center" border="1" cellspacing="0" cellpadding="0"><tbody>' + "".join(rows) + \
        "</tbody></table>"


def render_html(rep: GeneratedReport) -> bytes:
    """The report page as bytes in ``rep.encoding`` ('utf-8' or 'gbk'), declaring that charset."""
    enc = rep.encoding
    meta = '<meta charset="utf-8">' if enc == "utf-8" else \
        f'<meta http-equiv="Content-Type" content="text/html; charset={enc}">'
    heads = section_headings()
    text = sections(rep, rep.text_year)
    tables = {"S2": t2_grids(rep), "S3": [t3_grid(rep)], "S4": t4_grids(rep)}
    body = [f'<h1 class="title">{html.escape(rep.title)}</h1>',
            f'<div class="info">发布日期：{rep.published_date.isoformat()}&nbsp;&nbsp;'
            f'来源：{html.escape(rep.agency.name)}</div>',
            '<div class="content">', f"<p>{html.escape(preamble(rep))}</p>"]
    for code in ("S1", "S2", "S3", "S4", "S5", "S6"):
        body.append(f"<p><strong>{html.escape(heads[code])}</strong></p>")
        body += [f"<p>{html.escape(p)}</p>" for p in text[code]]
        body += [grid_html(g) for g in tables.get(code, [])]
    body.append(f'<p style="text-align:right">{html.escape(rep.agency.name)}</p>')
    body.append(f'<p style="text-align:right">{rep.published_date.year}年{rep.published_date.month}月'
                f'{rep.published_date.day}日</p></div>')
    page = ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n" + meta + "\n"
            f"<title>{html.escape(rep.title)}</title>\n</head>\n<body>\n" + "\n".join(body)
            + "\n</body>\n</html>\n")
    return page.encode(enc)
