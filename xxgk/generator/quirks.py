"""Real-world quirks on a generated report: value formats (all media) and table structure (PDF/DOCX).

``apply_quirks(rep, quirks, layout=...)`` returns a copy of the report whose printed text (``display``)
and, where a quirk changes what is printed (rounded 万元 amounts, a single （六）其他处理 row, an
LP_SUB column), whose truth cells are adjusted so that truth stays exactly what the page says.
``quirk_tables(rep)`` gives the T2/T3/T4 grids with the structural quirks applied (used by the PDF and
DOCX renderers). ``draw_quirks`` picks a deterministic mix for an inbox.
"""

from __future__ import annotations

import dataclasses
import re

from xxgk.template.model import load_format

from .report import GeneratedReport, Layout, Quirks, format_value
from .rng import stream
from .tables import Grid, GridCell, t2_grids, t3_columns, t3_grid, t4_grids

LP_COLUMNS = ("LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH")
OTHER_LEAVES = ("3.6.1", "3.6.2", "3.6.3")
_FULLWIDTH = str.maketrans({str(i): chr(0xFF10 + i) for i in range(10)})
_NUMBER = re.compile(r"^([+-]?)(\d+)(\.\d+)?(.*)$")
_COUNT_COLS = ("made", "repealed", "valid", "new_made", "new_pub", "total_pub", "prev_items", "decisions", "proc_items")


def apply_quirks(rep: GeneratedReport, quirks: Quirks, *, layout: Layout | None = None) -> GeneratedReport:
    """A copy of ``rep`` printed with ``quirks`` (and ``layout`` if given); truth stays exact."""
    layout = layout or rep.layout
    if quirks.single_other and rep.media not in ("pdf", "docx"):
        raise ValueError("single_other changes the T3 structure: only the pdf and docx renderers print it")
    cells = dict(rep.cells)
    display = dict(rep.display)
    markers = dict(rep.markers)
    version = rep.version
    if layout.lp_sub and not rep.layout.lp_sub:
        for r in load_format(version).t3_numeric_rows():
            cells[f"T3:{r.code}:LP_SUB"] = sum(cells.get(f"T3:{r.code}:{c}") or 0 for c in LP_COLUMNS)
    elif not layout.lp_sub:
        for k in [k for k in cells if k.endswith(":LP_SUB")]:
            del cells[k]
            display.pop(k, None)
    if quirks.single_other and version == "2021":
        cols = {k.rsplit(":", 1)[1] for k in cells if k.startswith("T3:3.6.1:")}
        for c in cols:
            parts = [cells.pop(f"T3:{leaf}:{c}") for leaf in OTHER_LEAVES]
            for leaf in OTHER_LEAVES:
                display.pop(f"T3:{leaf}:{c}", None)
                markers.pop(f"T3:{leaf}:{c}", None)
            cells[f"T3:3.6:{c}"] = None if all(p is None for p in parts) else sum(p or 0 for p in parts)
    same_sign = layout.delta_sign == rep.layout.delta_sign
    for code, v in cells.items():
        if code in markers:
            display[code] = markers[code]
            continue
        original = rep.display.get(code) if same_sign and code in rep.cells else None
        text, value = _print(code, v, rep.units.get(code), layout, quirks, original)
        cells[code] = value
        display[code] = text
    return dataclasses.replace(rep, cells=cells, display=display, markers=markers, layout=layout, quirks=quirks)


def _print(
    code: str, v: float | None, unit: str | None, layout: Layout, q: Quirks, original: str | None
) -> tuple[str, float | None]:
    """(printed text, exact value) of one cell under the value quirks (``original``: its text so far)."""
    if v is None:
        return "", None
    col = code.rsplit(":", 1)[-1]
    money = col == "fee_wan" or (col == "proc_amount" and unit == "万元")
    if money and q.fee_decimals is not None:
        v = round(float(v), q.fee_decimals)
        text = f"{v:.{q.fee_decimals}f}" + (unit or "") if v else "0"
    elif original:
        text = original
    else:
        text = format_value(code, v, unit=unit, delta_sign=layout.delta_sign)
    if q.thousands:
        m = _NUMBER.match(text)
        if m:
            sign, whole, frac, rest = m.groups()
            text = f"{sign}{int(whole):,}{frac or ''}{rest}"
    if q.units and code.startswith("T2:") and text:
        if col in _COUNT_COLS:
            text += "件"
        elif col == "fee_wan":
            text += "万元"
    if q.fullwidth:
        text = text.translate(_FULLWIDTH)
    return text, v


# ----------------------------------------------------------------------------------------- structure


def quirk_tables(rep: GeneratedReport) -> dict[str, list[Grid]]:
    """Section code → grids of that section, with the report's structural quirks applied."""
    q = rep.quirks
    t3 = t3_grid(rep)
    if q.single_other and rep.version == "2021" and "T3:3.6:TOTAL" in rep.cells:
        t3 = _single_other(rep, t3)
    if q.subtotals:
        t3 = _with_subtotals(rep, t3)
    t4 = t4_grids(rep)
    if q.typo == "table":
        t4 = [
            [[dataclasses.replace(c, text=c.text.replace("行政复议", "行政法复议")) for c in row] for row in g]
            for g in t4
        ]
    return {"S2": t2_grids(rep), "S3": [t3], "S4": t4}


def _values(rep: GeneratedReport, row: str) -> list[GridCell]:
    return [GridCell(rep.text(f"T3:{row}:{c}"), code=f"T3:{row}:{c}") for c in t3_columns(rep)]


def _single_other(rep: GeneratedReport, grid: Grid) -> Grid:
    out: Grid = []
    skip = 0
    for row in grid:
        if skip:
            skip -= 1
            continue
        labels = [c for c in row if c.code is None and not c.vertical]
        if labels and labels[0].text == "（六）其他处理":
            lead = [c for c in row if c.vertical]
            out.append([*lead, GridCell("（六）其他处理", colspan=2), *_values(rep, "3.6")])
            skip = labels[0].rowspan - 1
            continue
        out.append(row)
    return _fix_vertical(out)


def _with_subtotals(rep: GeneratedReport, grid: Grid) -> Grid:
    """A 小计 row after each group's children; group label rowspans grow by one."""
    out: Grid = []
    pending: list[tuple[int, str]] = []  # (rows left in the group, group code)
    fmt = load_format(rep.version)
    groups = {r.label: r.code for r in fmt.table_rows("T3") if r.kind == "group"}
    cols = t3_columns(rep)
    for row in grid:
        new_row = []
        for c in row:
            if c.code is None and not c.vertical and c.text in groups and c.rowspan > 1:
                pending.append((c.rowspan, groups[c.text]))
                c = dataclasses.replace(c, rowspan=c.rowspan + 1)
            new_row.append(c)
        out.append(new_row)
        if pending:
            left, code = pending[-1]
            if left == 1:
                pending.pop()
                kids = [r.code for r in fmt.table_rows("T3") if r.parent == code]
                vals = []
                for col in cols:
                    parts = [rep.cells.get(f"T3:{k}:{col}") for k in kids]
                    total = sum(p or 0 for p in parts)
                    vals.append(GridCell(format_value("x:x", total), code=f"T3:{code}:{col}"))
                out.append([GridCell("小计"), *vals])
            else:
                pending[-1] = (left - 1, code)
    return _fix_vertical(out)


def _fix_vertical(grid: Grid) -> Grid:
    """Recompute the rowspan of the vertical 三、本年度办理结果 cell after rows were added or removed."""
    for i, row in enumerate(grid):
        for j, c in enumerate(row):
            if c.vertical:
                end = next(
                    (
                        k
                        for k in range(i + 1, len(grid))
                        if grid[k] and grid[k][0].colspan == 3 and grid[k][0].code is None
                    ),
                    len(grid),
                )
                # the （七）总计 row belongs to the outcome block: rows up to the 四、 row
                row[j] = dataclasses.replace(c, rowspan=end - i)
                return grid
    return grid


# -------------------------------------------------------------------------------------------- inbox


def draw_quirks(seed: int, rep: GeneratedReport) -> Quirks:
    """A deterministic quirk mix for one PDF/DOCX report of an inbox (structure and value formats)."""
    rng = stream(seed, "quirks", rep.agency.agency_id, rep.year)
    cites_other = any(code.startswith("T3:3.6.") for d in rep.defects for code in d.get("cells", []))
    return Quirks(
        units=rng.random() < 0.2,
        fee_decimals=rng.choice((None, None, 2, 4)),
        thousands=rng.random() < 0.2,
        fullwidth=rng.random() < 0.05,
        t3_break=rng.choice((None, None, 8, 14, 19)),
        cut_row=rng.random() < 0.3,
        footer=rng.choice(("- {n} -", "-{n}-", "第{n}页 共{total}页")),
        vertical=rng.random() < 0.7,
        narrow_labels=rng.random() < 0.3,
        subtotals=rng.random() < 0.05,
        single_other=rep.version == "2021" and not cites_other and rng.random() < 0.05,
        typo=rng.choice(("",) * 18 + ("heading", "table")),
    )
