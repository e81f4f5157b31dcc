"""Plain-text copies of reports → :class:`Document`.

Two layouts are handled:

* **cell lines** (the seed): table cells one per line, each line starting with a tab; a line holding
  only a tab is a blank cell; rows end at an empty line; a line without a leading tab that follows a
  *label* cell continues it (labels broken over lines, "三、本年度办理结果" one character per line,
  "商业\\n\\n企业"); after a number or a blank cell it is a paragraph and ends the table.
* **markdown** (PDF-to-markdown conversions): pipe tables ``| a | b |`` (``|---|`` rules skipped) become
  tables, consecutive pipe lines one table; heading marks (``#``) are dropped from paragraphs.
* **run-on text** (crawler copies, the whole report on a line): no table structure at all; the
  Document has paragraphs only and the table mapper reads the tables from ``Document.text``.
"""

from __future__ import annotations

import re

from xxgk.parsing.document import Document, GridCell, Table
from xxgk.parsing.values import is_value_like

_HEADER_LINE = re.compile(r"^(标题|发布时间|发布日期|文号|发布机构|栏目|原文链接|来源|索引号|主题分类)\s*[:：]\s*(.*)$")
_SEPARATOR = re.compile(r"^[=\-_*]{5,}.*$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|(?:\s*:?-{2,}:?\s*\|)+\s*$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")


def _cell_lines_layout(lines: list[str]) -> bool:
    tabbed = len([ln for ln in lines if ln.startswith("\t")])
    filled = len(lines) - list(map(str.strip, lines)).count("")
    return tabbed >= 20 or (tabbed >= 3 and tabbed * 4 >= filled)


def _header_meta(lines: list[str]) -> tuple[dict[str, str], int]:
    """A crawler's 'key: value' header block at the top (标题/发布时间/原文链接 …) → meta, lines used."""
    meta: dict[str, str] = {}
    used = 0
    for i, ln in enumerate(lines[:20]):
        m = _HEADER_LINE.match(ln.strip())
        if m:
            if m.group(2).strip():
                meta[m.group(1)] = m.group(2).strip()
            used = i + 1
        elif _SEPARATOR.match(ln.strip()) and meta:
            used = i + 1
            break
    return meta, used


def _markdown_layout(lines: list[str]) -> bool:
    return sum(1 for ln in lines if _PIPE_RULE.match(ln)) >= 2


def _tables_from_markdown(lines: list[str]) -> list[str | Table]:
    """Pipe tables → tables (one per run of pipe lines); other lines → paragraphs without '#' marks."""
    blocks: list[str | Table] = []
    rows: list[list[GridCell]] = []

    def end_table() -> None:
        nonlocal rows
        if rows:
            blocks.append(Table(rows=rows, location=f"table {sum(isinstance(b, Table) for b in blocks) + 1}"))
        rows = []

    for ln in lines:
        if _PIPE_RULE.match(ln):
            continue
        if _PIPE_ROW.match(ln):
            cells = ln.strip()[1:-1].split("|")
            rows.append([GridCell(c.strip()) for c in cells])
            continue
        stripped = ln.strip()
        if not stripped:
            continue
        end_table()
        blocks.append(_MD_HEADING.sub("", stripped))
    end_table()
    return blocks


def _tables_from_cell_lines(lines: list[str]) -> list[str | Table]:
    blocks: list[str | Table] = []
    rows: list[list[GridCell]] = []
    row: list[GridCell] = []
    n_tables = 0
    pending_empty = False

    def end_row() -> None:
        nonlocal row
        if row:
            rows.append(row)
        row = []

    def end_table() -> None:
        nonlocal rows, n_tables
        end_row()
        if rows:
            n_tables += 1
            blocks.append(Table(rows=rows, location=f"table {n_tables}"))
        rows = []

    for ln in lines:
        if ln.startswith("\t"):
            text = ln.strip()
            if pending_empty:
                end_row()
                pending_empty = False
            row.append(GridCell(text))
            continue
        stripped = ln.strip()
        if not stripped:
            pending_empty = True
            continue
        last = row[-1] if row else None
        if last is not None and last.text and not is_value_like(last.text):
            # continuation of a label broken over lines
            last.text += stripped
            pending_empty = False
            continue
        end_table()
        pending_empty = False
        blocks.append(stripped)
    end_table()
    return blocks


def read_text(text: str) -> Document:
    """Read a text copy into a :class:`Document` (tables only for the cell-lines layout)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    meta, used = _header_meta(lines)
    if "标题" in meta:
        meta["title"] = meta["标题"]
    body = lines[used:]
    doc = Document(meta=meta)
    cell_lines = _cell_lines_layout(body)
    if cell_lines or _markdown_layout(body):
        doc.blocks = _tables_from_cell_lines(body) if cell_lines else _tables_from_markdown(body)
        out: list[str] = []
        for b in doc.blocks:
            if isinstance(b, Table):
                out += map("\t".join, b.row_texts())  # the tables are read: row_texts keeps their texts
            else:
                out.append(b)
        doc.text = "\n".join(out)
    else:
        doc.blocks = [ln.strip() for ln in body if ln.strip()]
        doc.text = "\n".join(doc.blocks)
    return doc
