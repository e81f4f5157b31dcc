"""HTML page or fragment → :class:`Document` (paragraphs and tables in reading order, page metadata).

Uses selectolax. ``<script>``/``<style>`` are ignored, ``&nbsp;`` is whitespace (so an ``&nbsp;`` cell is
blank), ``<br>`` inside a table cell is dropped (labels such as ``本年新<br />制作数量`` stay whole).
A table that contains other tables is a layout wrapper: its content is read as paragraphs and its
inner tables as tables.
"""

from __future__ import annotations

import re
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from xxgk.parsing.document import Document, GridCell, Table
from xxgk.parsing.errors import TooDeeplyNested

_SKIP = frozenset({"script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg"})
_BLOCK = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
        "header", "footer", "blockquote", "pre", "hr", "dd", "dt", "dl", "center", "form", "caption",
    }
)  # fmt: skip
_WS = re.compile(r"[ \t\r\n\f\v\xa0\u3000\u2002\u2003\u2009\u200b\ufeff]+")
_META_KEYS = re.compile(r"^(name|property|http-equiv|itemprop)$", re.I)

#: Deepest element nesting read. The HTML tree builder is quadratic in depth (100k nested <div>: 18 s
#: in C code no time limit can interrupt); real reports nest < 100 deep.
MAX_DEPTH = 5000
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*?(/?)>")
# void elements, elements closed implicitly by a sibling, and formatting elements the tree builder caps
_NO_DEPTH = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
        "wbr", "p", "li", "td", "th", "tr", "dt", "dd", "option", "tbody", "thead", "tfoot", "colgroup",
        "font", "b", "i", "u", "s", "em", "strong", "small", "big", "a", "code", "nobr", "strike", "tt",
    }
)  # fmt: skip


def check_nesting(html: str, limit: int = MAX_DEPTH) -> None:
    """Raise :class:`TooDeeplyNested` when open tags (as written) nest deeper than ``limit``."""
    if html.count("<") <= limit:
        return
    depth = 0
    for m in _TAG.finditer(html):
        if m.group(3) or m.group(2).lower() in _NO_DEPTH:
            continue
        if m.group(1):
            depth = max(depth - 1, 0)
            continue
        depth += 1
        if depth > limit:
            raise TooDeeplyNested(f"elements nest more than {limit} deep; not parsed", f"char {m.start()}")


def _clean(text: str) -> str:
    # no whitespace of any kind: alphanumeric (the common '0', '12', '自然人'), or printable without a space
    # (every other character of _WS, and every one strip() removes, is not printable: '（一）', '3.1')
    if text.isalnum() or (" " not in text and text.isprintable()):
        return text
    return _WS.sub(" ", text).strip()


def _cell_text(node: Node) -> str:
    """A cell's text: all descendant text, whitespace collapsed, ``<br>`` and block breaks removed."""
    parts: list[str] = []
    for t in node.traverse(include_text=True):
        if t.tag == "-text":
            parent = t.parent
            if parent is not None and parent.tag in _SKIP:
                continue
            parts.append(t.text_content or "")
    return _clean("".join(parts))


_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=512)
def _span_value(raw: str) -> int:
    """A rowspan/colspan attribute's value as a span: its leading digits, 1 to 200 (1 when none).
    (Cached: pages repeat a few values; called with ``attrs[name] or ""``.)"""
    if not raw:
        return 1
    m = _DIGITS.match(raw.strip())
    n = int(m.group()) if m else 1
    return min(max(n, 1), 200)


_SKIP_SELECTOR = ",".join(sorted(_SKIP))


def _grid_cell(td: Node, plain: bool = False) -> GridCell:
    """One cell; ``plain``: the table holds no skipped element, so all descendant text counts."""
    attrs = td.attributes
    text = _clean(td.text(deep=True, separator="", strip=False)) if plain else _cell_text(td)
    rs = _span_value(attrs["rowspan"] or "") if "rowspan" in attrs else 1
    cs = _span_value(attrs["colspan"] or "") if "colspan" in attrs else 1
    return GridCell(text, rs, cs)


_TABLE_OR_SKIP = "table," + _SKIP_SELECTOR


def _table_shapes(found: list[Node]) -> dict[int, tuple[bool, bool]]:
    """:func:`_table_shape` of every table that holds a table or a skipped element, by ``mem_id``, from
    ``found``, the page's tables and skipped elements (one query of the whole page): each marks the
    tables it lies in (a table not in the dict holds neither: (False, True)). An element outside the
    body (e.g. in <head>) lies in no table and marks nothing."""
    shapes: dict[int, tuple[bool, bool]] = {}
    for t in found:
        is_table = t.tag_id == _TABLE_ID
        p = t.parent
        while p is not None:
            if p.tag_id == _TABLE_ID:
                inner, plain = shapes.get(p.mem_id, (False, True))
                shapes[p.mem_id] = (inner or is_table, plain and is_table)
            p = p.parent
    return shapes


def _table_shape(node: Node) -> tuple[bool, bool]:
    """(holds another table, holds no skipped element) of a ``<table>``, from one query (the reference that
    :func:`_table_shapes` is tested against; read_html queries the page once instead)."""
    own = node.mem_id
    inner, plain = False, True
    for t in node.css(_TABLE_OR_SKIP):
        if t.tag_id == _TABLE_ID:
            if t.mem_id != own:
                inner = True
        else:
            plain = False
    return inner, plain


_NO_SHAPE = (False, True)  # a table holding neither a table nor a skipped element
_TABLE_ID, _TD_ID, _TH_ID = (
    n.tag_id for n in HTMLParser("<table><tr><td></td><th></th></tr></table>").css("table,td,th")
)
_META_ID, _TITLE_ID = (HTMLParser("<meta><title></title>").css_first(t).tag_id for t in ("meta", "title"))
# read_html's one query of the page: <meta> and <title> for the page metadata, tables and skipped elements
# for the tables' shapes (each whole-page query walks every node; one walk instead of three)
_PAGE_QUERY = "meta," + _TABLE_OR_SKIP


def _read_table(node: Node, index: int, plain: bool) -> Table:
    """The rows of a table that holds no other table (so every ``<tr>`` below it is one of its rows).

    ``plain``: the table holds no skipped element (script, style…), so a cell's text is all its text.
    """
    rows: list[list[GridCell]] = []
    texts: list[tuple[str, ...]] = []
    ws_sub = _WS.sub
    for tr in node.css("tr"):
        cells: list[GridCell] = []
        row_texts: list[str] = []
        for td in tr.iter():
            tag_id = td.tag_id  # an int: cheaper than the tag's name
            if tag_id != _TD_ID and tag_id != _TH_ID:
                continue
            # _grid_cell inlined (one call per cell is a good share of reading a page)
            if plain:
                text = td.text_lexbor() or ""  # = td.text(deep=True, separator="", strip=False), faster
                if not text.isalnum() and (" " in text or not text.isprintable()):  # see _clean
                    text = ws_sub(" ", text).strip()
            else:
                text = _cell_text(td)
            attrs = td.attributes
            rs = _span_value(attrs["rowspan"] or "") if "rowspan" in attrs else 1
            cs = _span_value(attrs["colspan"] or "") if "colspan" in attrs else 1
            cells.append(GridCell(text, rs, cs))
            row_texts.append(text)
        rows.append(cells)
        texts.append(tuple(row_texts))
    return Table(rows=rows, location=f"table {index}", texts=texts)


def _meta(found: list[Node]) -> dict[str, str]:
    """<meta> contents by name/property/http-equiv/itemprop, and the <title>, from ``found``: the page's
    query ``_PAGE_QUERY`` (document order), whose <meta>s and first <title> are the page's."""
    metas = [n for n in found if n.tag_id == _META_ID]
    t = next((n for n in found if n.tag_id == _TITLE_ID), None)
    meta: dict[str, str] = {}
    for m in metas:
        attrs = m.attributes
        content = attrs.get("content")
        if content is None:
            continue
        for k, v in attrs.items():
            if v and _META_KEYS.match(k):
                meta.setdefault(v.strip(), content.strip())
    if t is not None:
        title = _clean(t.text())
        if title:
            meta["title"] = title
    return meta


def read_html(html: str) -> Document:
    """Parse an HTML page or fragment into a :class:`Document` (TooDeeplyNested past MAX_DEPTH)."""
    check_nesting(html)
    tree = HTMLParser(html)
    found = tree.css(_PAGE_QUERY)
    doc = Document(meta=_meta(found))
    root = tree.body or tree.root
    if root is None:
        return doc
    lines: list[str] = []
    buf: list[str] = []
    n_tables = 0
    shapes = _table_shapes([n for n in found if n.tag_id != _META_ID])

    def flush() -> None:
        text = _clean("".join(buf))
        buf.clear()
        if text:
            doc.blocks.append(text)
            lines.append(text)

    # explicit stack so deep pages do not hit the recursion limit; None marks the end of an element whose
    # end breaks a line (a block or a cell): the only ends that do something
    stack: list[Node | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            flush()
            continue
        tag = node.tag
        if tag == "-text":
            buf.append(node.text_content or "")
            continue
        if tag in _SKIP or tag == "_comment":
            continue
        if tag == "table" and not (shape := shapes.get(node.mem_id, _NO_SHAPE))[0]:
            flush()
            n_tables += 1
            table = _read_table(node, n_tables, shape[1])
            doc.blocks.append(table)
            lines += map("\t".join, table.row_texts())
            continue
        if tag in _BLOCK:
            flush()
            stack.append(None)
        elif tag == "td" or tag == "th":
            stack.append(None)
        children = list(node.iter(include_text=True))
        children.reverse()
        stack += children
    flush()
    doc.text = "\n".join(lines)
    return doc
