"""T2/T3/T4 as grids of cells with the real colspan/rowspan structure, shared by all renderers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from xxgk.template.model import T3_APPLICANT_COLUMNS, T4_BLOCKS, load_format

from .report import GeneratedReport

T4_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
T4_COLS = ("MAINTAIN", "CORRECT", "OTHER", "PENDING", "TOTAL")
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class GridCell:
    """One printed table cell. ``code`` is set for value cells; ``wrap`` splits text in text copies."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    code: str | None = None
    vertical: bool = False
    wrap: int = 0


Grid = list[list[GridCell]]


def _val(rep: GeneratedReport, code: str) -> GridCell:
    return GridCell(rep.text(code), code=code)


def t2_grids(rep: GeneratedReport) -> list[Grid]:
    """T2 as one grid (5 columns, like the Shanghai page) or one grid per 第二十条 block."""
    fmt = load_format(rep.version)
    grids: list[Grid] = []
    grid: Grid = []
    for block in (r for r in fmt.table_rows("T2") if r.kind == "block"):
        rows = [r for r in fmt.table_rows("T2") if r.parent == block.code]
        cols = rows[0].columns
        spans = [1] * len(cols) if rep.layout.t2_split else _spread(len(cols), 4)
        width = 1 + sum(spans)
        if rep.layout.t2_split:
            grid = []
        grid.append([GridCell(block.label, colspan=width)])
        grid.append([GridCell("信息内容")] + [GridCell(c.label, colspan=s) for c, s in zip(cols, spans, strict=True)])
        for r in rows:
            grid.append([GridCell(r.label)] + [
                GridCell(rep.text(f"T2:{r.code}:{c.code}"), colspan=s, code=f"T2:{r.code}:{c.code}")
                for c, s in zip(cols, spans, strict=True)])
        if rep.layout.t2_split:
            grids.append(grid)
    if not rep.layout.t2_split:
        grids.append(grid)
    return grids


def _spread(n: int, width: int) -> list[int]:
    return {1: [4], 2: [2, 2], 3: [1, 2, 1]}.get(n, [1] * n) if width == 4 else [1] * n


def _numbered(label: str, style: str) -> str:
    m = re.match(r"^(\d+)\.(.*)$", label)
    if not m or style == "1.":
        return label
    n, rest = m.groups()
    return f"{n}、{rest}" if style == "1、" else f"（{n}）{rest}"


def t3_columns(rep: GeneratedReport) -> list[str]:
    cols = list(T3_APPLICANT_COLUMNS)
    if rep.layout.lp_sub:
        cols.append("LP_SUB")
    return [*cols, "TOTAL"]


def t3_grid(rep: GeneratedReport) -> Grid:
    """T3 with the corner note, 申请人情况 header rows, vertical 三、本年度办理结果 and group rowspans."""
    fmt = load_format(rep.version)
    cols = t3_columns(rep)
    n_lp = len(cols) - 2
    lp_labels = [c.label for c in fmt.row("T3", "1").columns if c.parent]
    if rep.layout.lp_sub:
        lp_labels.append("小计")
    grid: Grid = [
        [GridCell(T3_CORNER, colspan=3, rowspan=3), GridCell("申请人情况", colspan=len(cols))],
        [GridCell("自然人", rowspan=2), GridCell("法人或其他组织", colspan=n_lp), GridCell("总计", rowspan=2)],
        [GridCell(lab, wrap=2) for lab in lp_labels],
    ]
    rows = fmt.table_rows("T3")
    children = {g: [r for r in rows if r.parent == g] for g in (r.code for r in rows if r.kind == "group")}
    n_outcome = sum(1 for r in rows if r.parent == "3" or r.parent in children) - len(children)
    first_outcome = True
    for r in rows:
        if r.kind in ("header", "group"):
            continue
        values = [_val(rep, f"T3:{r.code}:{c}") for c in cols]
        label = _numbered(r.label, rep.layout.numbering)
        if r.parent is None:
            grid.append([GridCell(label, colspan=3), *values])
            continue
        lead: list[GridCell] = []
        if first_outcome:
            lead.append(GridCell(fmt.row("T3", "3").label, rowspan=n_outcome, vertical=True))
            first_outcome = False
        if r.parent in children:
            sibs = children[r.parent]
            if sibs[0].code == r.code:
                lead.append(GridCell(fmt.row("T3", r.parent).label, rowspan=len(sibs)))
            grid.append([*lead, GridCell(label), *values])
        else:
            grid.append([*lead, GridCell(label, colspan=2), *values])
    return grid


def t4_grids(rep: GeneratedReport) -> list[Grid]:
    """T4 as one row of 15 (national layout), a 3×5 matrix, or three separate one-row tables."""
    vals = {b: [_val(rep, f"T4:{b}:{c}") for c in T4_COLS] for b in T4_BLOCKS}
    style = rep.layout.t4_layout
    if style == "matrix":
        names = {"AR": "行政复议", "AL_D": "行政诉讼（未经复议直接起诉）", "AL_R": "行政诉讼（复议后起诉）"}
        return [[[GridCell("")] + [GridCell(lab, wrap=2) for lab in T4_LABELS]]
                + [[GridCell(names[b]), *vals[b]] for b in T4_BLOCKS]]
    if style == "rows3":
        names = {"AR": "行政复议", "AL_D": "行政诉讼—未经复议直接起诉", "AL_R": "行政诉讼—复议后起诉"}
        return [[[GridCell(names[b], colspan=5)], [GridCell(lab, wrap=2) for lab in T4_LABELS], vals[b]]
                for b in T4_BLOCKS]
    return [[
        [GridCell("行政复议", colspan=5), GridCell("行政诉讼", colspan=10)],
        [GridCell(lab, rowspan=2, wrap=2) for lab in T4_LABELS]
        + [GridCell("未经复议直接起诉", colspan=5), GridCell("复议后起诉", colspan=5)],
        [GridCell(lab, wrap=2) for lab in T4_LABELS] * 2,
        vals["AR"] + vals["AL_D"] + vals["AL_R"],
    ]]
