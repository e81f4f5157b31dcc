"""Text-copy renderers: the seed layout (one cell per tab-indented line) and the glued crawler layout."""

from __future__ import annotations

from .narrative import preamble, section_headings, sections
from .report import GeneratedReport
from .tables import Grid, GridCell, t2_grids, t3_grid, t4_grids


def _cell_text(c: GridCell) -> str:
    """A cell as it comes out of a copy from a word processor: wrapped labels break with blank lines."""
    if c.vertical:
        return "\n\n".join(c.text)
    if c.wrap and len(c.text) > c.wrap + 1:
        return "\n\n".join(c.text[i:i + c.wrap] for i in range(0, len(c.text), c.wrap))
    return c.text


def grid_seed_text(grid: Grid) -> str:
    """Seed layout: each cell '\\t<text>' on its own line, rows separated by a blank line, and a lone
    tab for each cell that a rowspan from a row above still covers (haian_kjj_2019.txt)."""
    covering: list[list[int]] = []  # [start column, colspan, rows left]
    lines: list[str] = []
    for row in grid:
        out: list[str] = []
        col, i = 0, 0
        active = sorted((c for c in covering if c[2] > 0), key=lambda c: c[0])
        new_cover: list[list[int]] = []
        while i < len(row) or any(c[0] >= col for c in active):
            cover = next((c for c in active if c[0] == col), None)
            if cover is not None:
                out.append("\t")
                col += cover[1]
                continue
            if i >= len(row):
                break
            cell = row[i]
            out.append("\t" + _cell_text(cell))
            if cell.rowspan > 1:
                new_cover.append([col, cell.colspan, cell.rowspan - 1])
            col += cell.colspan
            i += 1
        for c in active:
            c[2] -= 1
        covering = [c for c in active if c[2] > 0] + new_cover
        lines.append("\n".join(out))
    return "\n\n".join(lines)


def grid_glued_text(grid: Grid) -> str:
    """Crawler innerText: every cell's text concatenated with no separator."""
    return "".join(c.text for row in grid for c in row)


def render_text(rep: GeneratedReport) -> bytes:
    """Seed layout text copy (UTF-8)."""
    heads = section_headings()
    text = sections(rep, rep.text_year)
    tables = {"S2": t2_grids(rep), "S3": [t3_grid(rep)], "S4": t4_grids(rep)}
    parts = [rep.title, "", preamble(rep)]
    for code in ("S1", "S2", "S3", "S4", "S5", "S6"):
        parts += ["", heads[code], ""]
        parts += text[code]
        for g in tables.get(code, []):
            parts += [grid_seed_text(g), ""]
    return ("\n".join(parts) + "\n").encode("utf-8")


def render_glued(rep: GeneratedReport) -> bytes:
    """Glued crawler copy: a metadata block, then the whole page on one line (UTF-8)."""
    heads = section_headings()
    text = sections(rep, rep.text_year)
    tables = {"S2": t2_grids(rep), "S3": [t3_grid(rep)], "S4": t4_grids(rep)}
    body = [preamble(rep)]
    for code in ("S1", "S2", "S3", "S4", "S5", "S6"):
        body.append(heads[code])
        body += text[code]
        body += [grid_glued_text(g) for g in tables.get(code, [])]
    d = rep.published_date
    head = [f"标题: {rep.title}", f"发布时间: {d.isoformat()} 09:30", "文号: ", f"发布机构: {rep.agency.name}",
            "栏目: 政府信息公开年报",
            f"原文链接: https://xxgk.example.gov.cn/{rep.agency.agency_id}/{rep.year}/t{d:%Y%m%d}.htm",
            "==================== 正文 ====================",
            f"当前位置： 首页政务公开政府信息公开年报 {rep.title} 来源：{rep.agency.name} " + "".join(body)]
    return ("\n".join(head) + " 附件下载\n").encode("utf-8")
