"""Document tables → row captures of T2, T3 and T4 (raw cell texts per template row).

Works on any :class:`Document` (HTML, DOCX, PDF, text): a row is split into its label (the text cells
up to the last one that is not a value) and its value cells (the cells after it), so digits inside
labels ("1.属于国家秘密") are never values and blank cells keep their place. Column and glued-digit
resolution happen later (:mod:`xxgk.parsing.tresolve`); this module only says which printed cells
belong to which template row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from xxgk.parsing import labels as L
from xxgk.parsing.document import Document, Table
from xxgk.parsing.model import ParseIssue
from xxgk.parsing.values import is_value_like

STANDARD_T3_COLUMNS: tuple[str, ...] = ("NP", "LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH", "TOTAL")
_T2_TABLE_HINTS = (
    "第二十条", "信息内容", "本年制发", "本年新制作", "处理决定数量", "上一年项目数量", "收费金额", "采购",
)  # fmt: skip
_T4_ROW_LABELS = ("数量", "件数", "案件数", "数量(件)")
_DIGIT_TAIL = re.compile(r"[0-9\uff10-\uff19]")
_LABEL_CHAR = re.compile(r"[\u4e00-\u9fff）)”\"]")


@dataclass
class RowCapture:
    """The printed value cells of one template row (``cells``: raw texts, in printed order)."""

    table: str  # T2 | T3 | T4
    row: str  # template row code; T4: block code or '*' (all 15 cells in one row)
    cells: list[str]
    location: str = ""
    label: str = ""
    kind: str = "row"  # row | subtotal (a 小计/合计 row of a T3 group)
    source: str = "table"  # table | text (glued run from a text stream)


@dataclass
class Captures:
    """What was found for each table, plus the T3 column order when a header states it."""

    t2: list[RowCapture] = field(default_factory=list)
    t3: list[RowCapture] = field(default_factory=list)
    t4: list[RowCapture] = field(default_factory=list)
    t3_columns: tuple[str, ...] | None = None
    issues: list[ParseIssue] = field(default_factory=list)


def split_row(texts: list[str]) -> tuple[str, list[str]]:
    """(label, value cells): the label is every non-value cell up to the last one."""
    label, values = _split_row(tuple(texts))
    return label, list(values)


@lru_cache(maxsize=4096)
def _split_row(texts: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    label, values = _split_row_uncached(texts)
    return label, tuple(values)


Splits = list[tuple[str, tuple[str, ...]]]


def row_splits(table: Table) -> Splits:
    """(label, value cells) of every row of ``table``, in order: what :func:`split_row` gives (values as a
    tuple). :func:`capture_tables` reads each table's rows once and hands them to every step that needs them."""
    return list(map(_split_row, table.row_texts()))


def _table_text(table: Table) -> str:
    """Every cell's text, in order, one space apart (rows without cells add nothing)."""
    return " ".join([" ".join(row) for row in table.row_texts() if row])


def _split_row_uncached(texts: tuple[str, ...]) -> tuple[str, list[str]]:
    last = -1
    for i, t in enumerate(texts):
        if t and not is_value_like(t):
            last = i
    label = "".join(t for t in texts[: last + 1] if t)
    values = list(texts[last + 1 :])
    if last >= 0:
        # a label cell that also holds the row's numbers ("1.属于国家秘密 0 0 0 ...")
        tail = _label_tail(texts[last])
        if tail is not None:
            label = label[: len(label) - len(tail)] if label.endswith(tail) else label
            values = [tail, *values]
    return label, values


def _label_tail(cell: str) -> str | None:
    """Trailing numbers glued to a label cell, if what follows the label words is only values."""
    last = None
    for last in _LABEL_CHAR.finditer(cell):  # noqa: B007 - we want the last match
        pass
    if last is None:
        return None
    tail = cell[last.end() :].strip()
    if not tail or not _DIGIT_TAIL.search(tail):
        return None
    # the whole tail must be values (numbers, markers, spaces)
    if all(is_value_like(tok) for tok in tail.split()):
        return tail
    return None


def _t3_column_layout(table: Table, header_rows: int) -> tuple[str, ...] | None:
    """Column order from the header rows of a T3 table (deepest header label per grid column)."""
    if header_rows <= 0:
        return None
    grid = table.expanded(header_rows)
    width = max((len(r) for r in grid), default=0)
    cols: list[tuple[int, str]] = []
    for c in range(width):
        code = None
        for r in grid:
            if c < len(r) and r[c] is not None:
                got = L.match_t3_column(r[c].text)  # type: ignore[union-attr]
                if got:
                    code = got
        if code and (not cols or cols[-1][1] != code):
            cols.append((c, code))
    codes = tuple(code for _, code in cols)
    if "LP_SUB" not in codes:
        return None
    if sorted(codes) == sorted((*STANDARD_T3_COLUMNS, "LP_SUB")):
        return codes
    return None


@lru_cache(maxsize=4096)
def _is_header_row(label: str) -> bool:
    n = L.norm(label)
    hits = sum(1 for _, anchors in L.T3_COLUMN_ANCHORS for a in anchors if a in n)
    return hits >= 2 or "申请人情况" in n


@dataclass
class _T3State:
    """Where the T3 capture stands; carried across the pieces of a T3 split over several tables."""

    last_code: str | None = None
    last_group: str | None = None
    seen_data: bool = False


def _orphan_values(label: str, values: list[str]) -> bool:
    """A row of 6-8 value cells whose label was lost or cut ('| 2 | 0 | … |', '行政机关不再处理其政府信息公')."""
    return 6 <= len(values) <= 8 and any(v.strip() for v in values) and not _is_header_row(label)


def _capture_t3(table: Table, out: Captures, state: _T3State | None = None, splits: Splits | None = None) -> None:
    st = state or _T3State()
    header_rows = 0
    for i, (label, vals) in enumerate(row_splits(table) if splits is None else splits):
        values = list(vals)
        # any(v.strip() for v in values), once per row: some cell holds a non-whitespace character
        has_values = bool("".join(vals).strip())
        if not st.seen_data and (not label or _is_header_row(label)) and not any(values):
            header_rows = i + 1
            continue
        if not st.seen_data and _is_header_row(label):
            header_rows = i + 1
            continue
        code = L.match_t3_row(label) if label else None
        kind = "row"
        if code is not None and not has_values and L.t3_row_hits(label) >= 3:
            continue  # a header row repeated mid-table ('项目|本年新收件数|上年结转件数|予以公开|…')
        if code is None and label and L.is_bare_other(label) and st.last_code in ("3.6.2", "3.6"):
            code = "3.6.3"
        if code is None and label and L.is_subtotal(label) and st.last_group:
            code, kind = st.last_group, "subtotal"
        if code is None and st.seen_data and _orphan_values(label, values):
            # placed later by position between the rows whose labels were read (see _place_orphans)
            out.t3.append(RowCapture("T3", "?", values, f"{table.location} row {i + 1}", label, "orphan"))
            continue
        if code is None or (code == "3.7" and (not st.seen_data or not values)):
            continue  # a 总计 before any data, or a repeated header row ('类别|数据1|…|总计')
        if code in L.T3_GROUP_CODES:
            st.last_group = st.last_code = code
            if not has_values:
                continue
            kind = "subtotal"
        elif code.count(".") == 2:
            st.last_group = code.rsplit(".", 1)[0]
        elif code == "3.6":
            st.last_group = "3.6"
            if not values:
                st.last_code = code
                continue
        st.seen_data = True
        st.last_code = code
        out.t3.append(RowCapture("T3", code, values, f"{table.location} row {i + 1}", label, kind))
    if header_rows and out.t3_columns is None:
        out.t3_columns = _t3_column_layout(table, header_rows)


_T3_ORDER_2021: tuple[str, ...] = (
    "1", "2", "3.1", "3.2", "3.3.1", "3.3.2", "3.3.3", "3.3.4", "3.3.5", "3.3.6", "3.3.7", "3.3.8",
    "3.4.1", "3.4.2", "3.4.3", "3.5.1", "3.5.2", "3.5.3", "3.5.4", "3.5.5", "3.6.1", "3.6.2", "3.6.3",
    "3.7", "4",
)  # fmt: skip
_T3_ORDER_2019: tuple[str, ...] = (*_T3_ORDER_2021[:20], "3.6", "3.7", "4")


def _place_orphans(out: Captures) -> None:
    """Give rows whose label was lost their template row, by position, where that is certain.

    PDF-to-text conversions print some T3 labels apart from their numbers ('（二）部分公开…' as a
    paragraph, its numbers as a bare row). Between two rows whose labels were read, k unlabelled rows
    fill the k template rows missing between them — only when the count matches exactly (for the one
    template order that fits), no row in between was read by label, and no subtotal interrupts. Others
    are dropped (their row is reported missing), never guessed.
    """
    caps = out.t3
    if not any(c.kind == "orphan" for c in caps):
        return
    read = {c.row for c in caps if c.kind == "row"}
    keep: list[RowCapture] = []
    i = 0
    prev: RowCapture | None = None
    while i < len(caps):
        cap = caps[i]
        if cap.kind != "orphan":
            keep.append(cap)
            if cap.kind == "row":
                prev = cap
            i += 1
            continue
        j = i
        while j < len(caps) and caps[j].kind == "orphan":
            j += 1
        run = caps[i:j]
        nxt = caps[j] if j < len(caps) else None
        placed = None
        if prev is not None and nxt is not None and nxt.kind == "row":
            fits = set()
            for order in (_T3_ORDER_2021, _T3_ORDER_2019):
                if prev.row in order and nxt.row in order:
                    a, b = order.index(prev.row), order.index(nxt.row)
                    missing = order[a + 1 : b]
                    if len(missing) == len(run) and not read.intersection(missing):
                        fits.add(missing)
            if len(fits) == 1:
                placed = fits.pop()
        if placed:
            for code, cap_o in zip(placed, run, strict=True):
                keep.append(RowCapture("T3", code, cap_o.cells, cap_o.location, cap_o.label, "row"))
        i = j
    out.t3 = keep


def _capture_t2(table: Table, out: Captures, splits: Splits | None = None) -> None:
    for i, (label, values) in enumerate(row_splits(table) if splits is None else splits):
        code = L.match_t2_row(label) if label else None
        if code is None or not values:
            continue
        out.t2.append(RowCapture("T2", code, list(values), f"{table.location} row {i + 1}", label))


def _capture_t4(table: Table, out: Captures, splits: Splits | None = None) -> bool:
    data: list[tuple[str | None, list[str], int]] = []
    for i, (label, vals) in enumerate(row_splits(table) if splits is None else splits):
        values = list(vals)
        if not values:
            continue
        block = L.match_t4_block(label) if label else None
        # a header row whose last cell happened to be blank
        if label and block is None and L.norm(label) not in _T4_ROW_LABELS and not any(values):
            continue
        if not any(v for v in values) and len(values) < 5:
            continue
        data.append((block, values, i))
    if not data:
        return False
    total = sum(len(v) for _, v, _ in data)
    loc = table.location
    if len(data) == 1 or total not in (15,):
        block, values, i = max(data, key=lambda d: len(d[1]))
        out.t4.append(RowCapture("T4", "*", values, f"{loc} row {i + 1}"))
        return True
    if all(len(v) == 5 for _, v, _ in data) and len(data) == 3:
        order = ["AR", "AL_D", "AL_R"]
        for n, (block, values, i) in enumerate(data):
            out.t4.append(RowCapture("T4", block or order[n], values, f"{loc} row {i + 1}"))
        return True
    flat = [v for _, vals, _ in data for v in vals]
    out.t4.append(RowCapture("T4", "*", flat, f"{loc} rows {data[0][2] + 1}-{data[-1][2] + 1}"))
    return True


def table_kind(table: Table, splits: Splits | None = None) -> str | None:
    """'T3' | 'T4' | 'T2' | None, from the labels the table holds (``splits``: its :func:`row_splits`)."""
    t3_codes: set[str] = set()
    t2_codes: set[str] = set()
    for label, _ in row_splits(table) if splits is None else splits:
        if not label:
            continue
        code = L.match_t3_row(label)
        if code in L.T3_DISTINCTIVE:
            t3_codes.add(code)
        t2 = L.match_t2_row(label)
        if t2:
            t2_codes.add(t2)
    if len(t3_codes) >= 3:
        return "T3"
    text = _table_text(table)
    if L.is_t4_table_text(text):
        return "T4"
    if t2_codes and any(h in L.norm(text) for h in _T2_TABLE_HINTS):
        return "T2"
    return None


def _t4_block_table(table: Table, caption: str = "") -> str | None:
    """A T4 printed as one table per block ('行政诉讼—复议后起诉' + 5 columns): the block code.

    The block may be named inside the table or by the caption just above it ('### 行政复议').
    """
    if len(table.rows) > 6:
        return None
    n = L.norm(_table_text(table))
    if "维持" not in n or "审结" not in n:
        return None
    return L.match_t4_block(n) or (L.match_t4_block(caption) if len(L.norm(caption)) <= 30 else None)


def _value_rows_only(table: Table, lo: int, hi: int, splits: Splits) -> bool:
    """Every row is value cells only (no label), lo-hi of them: numbers cut from their labels."""
    if not table.rows:
        return False
    for label, values in splits:
        if label or not lo <= len(values) <= hi or not any(v.strip() for v in values):
            return False
    return True


def _t4_bare_run(table: Table, context: str, splits: Splits) -> bool:
    """A label-less row of 15 values right under the T4 heading and its column labels (PDF conversions)."""
    n = L.norm(context)
    if not any(w in n for w in L.AR_WORDS) or "维持" not in n:
        return False
    bare = [values for label, values in splits
            if not label and len(values) == 15 and any(v.strip() for v in values)]  # fmt: skip
    return len(bare) == 1


def _t3_fragment(table: Table, splits: Splits) -> bool:
    """A small table holding only T3 data rows (a T3 printed one row or one group per table)."""
    rows = 0
    for label, values in splits:
        if not label or not any(v.strip() for v in values):
            continue
        if L.match_t3_row(label) is None and not L.is_bare_other(label):
            return False
        if len([v for v in values if v.strip()]) < 6:
            return False
        rows += 1
    return rows > 0


def capture_tables(doc: Document) -> Captures:
    """Captures of T2/T3/T4 rows from every table of ``doc`` (split tables are joined in order)."""
    out = Captures()
    t4_found = False
    block_tables: dict[str, Table] = {}
    tables: list[tuple[Table, str]] = []
    caption = ""
    for b in doc.blocks:
        if isinstance(b, Table):
            tables.append((b, caption))
            caption = ""
        else:
            caption = b
    splits = [row_splits(t) for t, _ in tables]
    kinds = [table_kind(t, sp) for (t, _), sp in zip(tables, splits, strict=True)]
    if "T3" in kinds:
        kinds = [
            ("T3" if k is None and _t3_fragment(t, sp) else k)
            for k, (t, _), sp in zip(kinds, tables, splits, strict=True)
        ]
        t3_at = [n for n, k in enumerate(kinds) if k == "T3"]
        kinds = [
            "T3" if k is None and t3_at[0] < n < t3_at[-1] and _value_rows_only(t, 6, 8, sp) else k
            for n, (k, (t, _), sp) in enumerate(zip(kinds, tables, splits, strict=True))
        ]
    state = _T3State()
    context = ""  # text since the last mapped table (paragraphs and unmapped tables)
    pos = 0
    for kind, (table, caption), sp in zip(kinds, tables, splits, strict=True):
        while pos < len(doc.blocks) and doc.blocks[pos] is not table:
            b = doc.blocks[pos]
            if isinstance(b, str):
                context = (context + b)[-400:]
            pos += 1
        pos += 1
        if kind == "T3":
            _capture_t3(table, out, state, sp)
        elif kind == "T4" and not t4_found:
            t4_found = _capture_t4(table, out, sp)
        elif kind == "T2":
            _capture_t2(table, out, sp)
        elif kind is None:
            if not t4_found and _t4_bare_run(table, context, sp):
                t4_found = _capture_t4(table, out, sp)
            else:
                block = _t4_block_table(table, caption)
                if block and block not in block_tables:
                    block_tables[block] = table
            context = (context + _table_text(table))[-400:]
            continue
        context = ""
    _place_orphans(out)
    if not t4_found and block_tables:
        for block, table in block_tables.items():
            rows = [split_row([c.text for c in row]) for row in table.rows]
            data = [(i, v) for i, (_, v) in enumerate(rows) if (v and len(v) >= 5) or (v and any(v))]
            if data:
                i, values = data[-1]
                out.t4.append(RowCapture("T4", block, values, f"{table.location} row {i + 1}"))
    return out
