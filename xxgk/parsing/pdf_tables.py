"""Ruled tables on PDF pages → cell boxes → one :class:`Table` per source table.

Pipeline (all geometry in PDF points, top-left origin):

1. :func:`page_items` finds ruled tables with pdfplumber, closes cells left open at a page break
   (a table cut by the page has no top/bottom border there), gives every cell the characters whose
   centre lies inside it, and splits off "frame" rows — WPS draws the whole body text inside a
   one-column bordered box, so full-width single-cell rows of prose become text lines again.
2. :class:`TableBuilder` chains fragments across pages (a table that ends a page and one that
   starts the next, same width and compatible column edges): repeated header rows are dropped, a
   row cut in two by the page break is re-joined, and a merged label cell cut in two
   ("（四）无" | "法提供") is re-joined; page footers never reach here (removed as lines).
3. :meth:`TableBuilder.table` turns boxes into rows of origin :class:`GridCell` with row/col spans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xxgk.parsing.document import GridCell, Table
from xxgk.parsing.pdf_text import Char, Line, chars_text, group_lines, join_parts

# Numbered labels start a new row or group; anything else at the top of a page may continue one.
NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+\s*[.、．]|[①-⑳]|第.{1,6}条)"
)
_CAPTION = re.compile(r"^第.{1,6}条")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_VALUE = re.compile(r"^[\s\d.,，+\-−–—/／%％元万件个次项无]*$")
_HANGING = set("，。、；：？！）》”’,.;:?!)")
_TOL = 1.5  # points: same edge
_EDGE_SNAP = 4.0  # points: same column edge on two pages

TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}


@dataclass
class Box:
    """A table cell on the page or, once chained, in the table's flow coordinates."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str


@dataclass
class Fragment:
    """The part of one source table drawn on one page."""

    page: int
    cells: list[Box]
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0

    def __post_init__(self) -> None:
        if self.cells:
            self.x0 = min(c.x0 for c in self.cells)
            self.x1 = max(c.x1 for c in self.cells)
            self.top = min(c.top for c in self.cells)
            self.bottom = max(c.bottom for c in self.cells)


Item = Line | Fragment


def _inside(ch: Char, bbox: Sequence[float]) -> bool:
    cx = (ch["x0"] + ch["x1"]) / 2
    cy = (ch["top"] + ch["bottom"]) / 2
    return bbox[0] - 0.5 <= cx <= bbox[2] + 0.5 and bbox[1] - 0.5 <= cy <= bbox[3] + 0.5


def find_tables(page: Any) -> list[Any]:
    """pdfplumber tables, re-found with the tables' own top/bottom closed (cells cut by a page break)."""
    tables = page.find_tables(TABLE_SETTINGS)
    if not tables:
        return []
    ys: set[float] = set()
    verticals = [e for e in page.edges if e["orientation"] == "v"]
    for t in tables:
        x0, top, x1, bottom = t.bbox
        # rulings that run past the found table: a row whose top/bottom border is missing
        # (cut by the page break) is still enclosed by its vertical lines
        touching = [
            e for e in verticals if x0 - 2 <= e["x0"] <= x1 + 2 and e["bottom"] >= top - 2 and e["top"] <= bottom + 2
        ]
        if touching:
            ys.add(round(min(e["top"] for e in touching), 2))
            ys.add(round(max(e["bottom"] for e in touching), 2))
        else:
            ys.update((round(top, 2), round(bottom, 2)))
    settings = dict(TABLE_SETTINGS, explicit_horizontal_lines=sorted(ys))
    return page.find_tables(settings)


def page_items(page: Any, page_no: int, chars: list[Char]) -> list[Item]:
    """Lines and table fragments of one page, in reading order (top to bottom)."""
    items: list[Item] = []
    used: set[int] = set()
    for table in find_tables(page):
        items.extend(_table_items(table, chars, used, page_no))
    free = [c for i, c in enumerate(chars) if i not in used]
    items.extend(group_lines(free, page_no))
    items.sort(key=lambda it: it.top)
    return items


def _table_items(table: Any, chars: list[Char], used: set[int], page_no: int) -> list[Item]:
    tx0, _, tx1, _ = table.bbox
    in_table = [i for i, c in enumerate(chars) if i not in used and _inside(c, table.bbox)]
    cell_chars: dict[tuple[float, ...], list[Char]] = {}
    cells = sorted(table.cells, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))  # smallest first
    for i in in_table:
        for bbox in cells:
            if _inside(chars[i], bbox):
                cell_chars.setdefault(tuple(bbox), []).append(chars[i])
                used.add(i)
                break
    _attach_hanging_punctuation(chars, used, cells, cell_chars)
    rows: list[tuple[str, list[tuple[float, ...]]]] = []  # kind, cells
    for row in table.rows:
        present = [tuple(b) for b in row.cells if b is not None]
        if not present:
            continue
        single = len(present) == 1 and present[0][0] - tx0 < 2 and tx1 - present[0][2] < 2
        rows.append(("single" if single else "grid", present))
    texts = [[chars_text(cell_chars.get(b, [])) for b in cells_] for _, cells_ in rows]
    keep = _keep_rows([k for k, _ in rows], [t[0] if len(t) == 1 else "" for t in texts])
    out: list[Item] = []
    current: list[Box] = []
    for (_kind, bboxes), row_texts, kept in zip(rows, texts, keep, strict=True):
        if kept:
            current.extend(Box(b[0], b[2], b[1], b[3], t) for b, t in zip(bboxes, row_texts, strict=True))
            continue
        if current:
            out.append(Fragment(page_no, current))
            current = []
        for b in bboxes:
            out.extend(group_lines(cell_chars.get(b, []), page_no))
    if current:
        out.append(Fragment(page_no, current))
    return out


def _attach_hanging_punctuation(
    chars: list[Char], used: set[int], cells: list[Any], cell_chars: dict[tuple[float, ...], list[Char]]
) -> None:
    """WPS/Word let closing punctuation hang past the right edge: give it to the cell it ends."""
    for i, ch in enumerate(chars):
        if i in used or ch["text"] not in _HANGING:
            continue
        cx = (ch["x0"] + ch["x1"]) / 2
        cy = (ch["top"] + ch["bottom"]) / 2
        size = ch.get("size") or 10.0
        for bbox in cells:
            if bbox[1] <= cy <= bbox[3] and bbox[2] - 1 <= cx <= bbox[2] + size:
                cell_chars.setdefault(tuple(bbox), []).append(ch)
                used.add(i)
                break


def _keep_rows(kinds: list[str], single_texts: list[str]) -> list[bool]:
    """Which rows belong to a table (True) and which are prose drawn in a frame (False)."""
    grid = [i for i, k in enumerate(kinds) if k == "grid"]
    if not grid:
        return [False] * len(kinds)
    first, last = grid[0], grid[-1]
    keep = [k == "grid" for k in kinds]
    i = first - 1
    while i >= 0 and _CAPTION.match(single_texts[i]):
        keep[i] = True
        i -= 1
    i = last + 1
    while i < len(kinds) and _CAPTION.match(single_texts[i]):
        keep[i] = True
        i += 1
    for i in range(first + 1, last):
        if kinds[i] == "single":
            t = single_texts[i]
            keep[i] = not (_HEADING.match(t) or len(t) > 30)
    return keep


def _is_value(text: str) -> bool:
    return bool(_VALUE.match(text))


def _rows_by_top(cells: list[Box]) -> list[list[Box]]:
    rows: list[list[Box]] = []
    for c in sorted(cells, key=lambda c: (c.top, c.x0)):
        if rows and abs(rows[-1][0].top - c.top) < _TOL:
            rows[-1].append(c)
        else:
            rows.append([c])
    return rows


@dataclass
class TableBuilder:
    """A source table assembled from one or more page fragments."""

    first: Fragment
    cells: list[Box] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.cells = [Box(c.x0, c.x1, c.top, c.bottom, c.text) for c in self.first.cells]
        self.pages = [self.first.page]

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.cells)

    def x_edges(self) -> list[float]:
        return sorted({round(v, 1) for c in self.cells for v in (c.x0, c.x1)})

    def accepts(self, frag: Fragment) -> bool:
        """Is ``frag`` (first item of the next page) the continuation of this table?"""
        if frag.page != self.pages[-1] + 1:
            return False
        width = self.first.x1 - self.first.x0
        tol = max(6.0, 0.03 * width)
        if abs(frag.x0 - self.first.x0) > tol or abs(frag.x1 - self.first.x1) > tol:
            return False
        mine = self.x_edges()
        theirs = {round(self._map_x(frag, v), 1) for c in frag.cells for v in (c.x0, c.x1)}
        inner = [v for v in theirs if self.first.x0 + 1 < v < self.first.x1 - 1]
        if not inner:
            return True
        hits = sum(1 for v in inner if any(abs(v - m) <= _EDGE_SNAP for m in mine))
        if hits / len(inner) >= 0.6:
            return True
        # only header rows so far (cut right after them): merged header cells have fewer edges than
        # the columns they head, so the test is the other way round — are my edges all theirs?
        if any(c.text and _is_value(c.text) for c in self.cells):
            return False
        my_inner = [m for m in mine if self.first.x0 + 1 < m < self.first.x1 - 1]
        return bool(my_inner) and all(any(abs(m - v) <= _EDGE_SNAP for v in theirs) for m in my_inner)

    def _map_x(self, frag: Fragment, x: float) -> float:
        scale = (self.first.x1 - self.first.x0) / max(frag.x1 - frag.x0, 1e-6)
        return self.first.x0 + (x - frag.x0) * scale

    def add(self, frag: Fragment) -> None:
        """Append a continuation fragment, repairing the seam."""
        mine = self.x_edges()

        def snap(v: float) -> float:
            v = self._map_x(frag, v)
            best = min(mine, key=lambda m: abs(m - v))
            return best if abs(best - v) <= _EDGE_SNAP else v

        new_rows = _rows_by_top([Box(snap(c.x0), snap(c.x1), c.top, c.bottom, c.text) for c in frag.cells])
        head = _rows_by_top(self.cells)
        k = 0  # header rows repeated on the new page
        while k < len(new_rows) - 1 and k < len(head) and _row_key(new_rows[k]) == _row_key(head[k]):
            k += 1
        new_cells = [c for row in new_rows[k:] for c in row]
        if not new_cells:
            self.pages.append(frag.page)
            return
        seam = self.bottom
        shift = seam - min(c.top for c in new_cells)
        for c in new_cells:
            c.top += shift
            c.bottom += shift
        self._repair_seam(seam, new_cells)
        self.pages.append(frag.page)

    def _repair_seam(self, seam: float, new_cells: list[Box]) -> None:
        last = [c for c in self.cells if abs(c.bottom - seam) < _TOL]
        first = [c for c in new_cells if abs(c.top - seam) < _TOL]
        values = [c.x0 for c in last + first if c.text and _is_value(c.text)]
        limit = min(values) - 1 if values else float("inf")
        last_vals = [c for c in last if c.x0 >= limit]
        first_vals = [c for c in first if c.x0 >= limit]
        first_labels = [c for c in first if c.x0 < limit and c.text]
        continuing = all(not NUMBERING.match(c.text) for c in first_labels)
        same_shape = len(last) == len(first) and all(_match(f, last) is not None for f in first)
        has_last = any(c.text for c in last_vals)
        has_first = any(c.text for c in first_vals)
        merged: set[int] = set()
        if same_shape and continuing and not (has_last and has_first) and (first_labels or has_first):
            # one row cut in two by the page break: glue every cell to the one above
            for f in first:
                above = _match(f, last)
                if above is not None:
                    self._glue(above, f)
                    merged.add(id(f))
        else:
            # a numbered label opens a new row: the cells right of it are that row's own (blank
            # values when both rows are all blank and no value column is known), never a continuation
            opened = [c.x1 for c in first_labels if NUMBERING.match(c.text)]
            own_from = min(opened) - _TOL if opened else float("inf")
            for f in first:
                if f.x1 > limit + 1 or f.x0 >= own_from:
                    continue  # value columns: a blank there is data, never a continuation
                above = _match(f, last)
                if above is None or (_is_value(above.text) and above.text):
                    continue
                spans = (above.top < seam - _row_height(last)) or _spans_rows(f, first)
                if not f.text or (spans and not NUMBERING.match(f.text)):
                    self._glue(above, f)
                    merged.add(id(f))
        self.cells.extend(c for c in new_cells if id(c) not in merged)

    @staticmethod
    def _glue(above: Box, below: Box) -> None:
        above.text = join_parts([above.text, below.text])
        above.bottom = max(above.bottom, below.bottom)

    def table(self) -> Table:
        """Rows of origin cells with spans derived from the cell geometry."""
        cols = _cluster([c.x0 for c in self.cells])
        rows_y = _cluster([c.top for c in self.cells])
        grid: list[list[tuple[int, GridCell]]] = [[] for _ in rows_y]
        for c in self.cells:
            r0 = _index(rows_y, c.top)
            c0 = _index(cols, c.x0)
            rowspan = max(1, sum(1 for y in rows_y if c.top - _TOL < y < c.bottom - _TOL))
            colspan = max(1, sum(1 for x in cols if c.x0 - _TOL < x < c.x1 - _TOL))
            grid[r0].append((c0, GridCell(c.text, rowspan=rowspan, colspan=colspan)))
        rows = [[cell for _, cell in sorted(row, key=lambda t: t[0])] for row in grid]
        pages = self.pages
        loc = f"page {pages[0]}" if len(pages) == 1 else f"pages {pages[0]}-{pages[-1]}"
        return Table(rows=rows, location=loc)


def _row_key(row: list[Box]) -> tuple[str, ...]:
    return tuple(c.text for c in sorted(row, key=lambda c: c.x0))


def _match(cell: Box, candidates: list[Box]) -> Box | None:
    for c in candidates:
        if abs(c.x0 - cell.x0) <= _EDGE_SNAP and abs(c.x1 - cell.x1) <= _EDGE_SNAP:
            return c
    return None


def _row_height(row: list[Box]) -> float:
    return min((c.bottom - c.top for c in row), default=0.0) - _TOL


def _spans_rows(cell: Box, row: list[Box]) -> bool:
    return cell.bottom - cell.top > min(c.bottom - c.top for c in row) + _TOL


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def assemble(items: list[Item]) -> list[Line | TableBuilder]:
    """Chain table fragments across page breaks; lines pass through."""
    out: list[Line | TableBuilder] = []
    prev_page_last: Item | None = None
    for idx, it in enumerate(items):
        first_on_page = idx == 0 or items[idx - 1].page != it.page
        if isinstance(it, Fragment):
            tail = out[-1] if out else None
            if (
                first_on_page
                and isinstance(tail, TableBuilder)
                and isinstance(prev_page_last, Fragment)
                and tail.accepts(it)
            ):
                tail.add(it)
            else:
                out.append(TableBuilder(it))
        else:
            out.append(it)
        last_on_page = idx == len(items) - 1 or items[idx + 1].page != it.page
        if last_on_page:
            prev_page_last = it
    return out
