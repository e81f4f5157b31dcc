"""Fast paths of the parser give exactly what the plain formulations give."""

from __future__ import annotations

import random
import unicodedata

from xxgk.parsing import labels as L


def _norm_reference(text: str) -> str:
    return L._WS.sub("", unicodedata.normalize("NFKC", text).translate(L._QUOTES).translate(L._T2S))


def test_norm_equals_reference() -> None:
    """Quotes, traditional characters, full-width forms, combining marks and jamo that compose across
    neighbours (the replaced characters must not change NFKC's result)."""
    chars = (
        [chr(c) for c in L._QUOTES]
        + [chr(c) for c in L._T2S]
        + [wide for wide, _ in L._FW_NFKD]
        + list(" \t\n\u3000\xa0\u2028\x1c\x85本年增/减“”>=<Ae")
        + ["\u0301", "\u0308", "\u0338", "\u3099", "ｶ", "ﾞ", "ㄱ", "ㅏ", "\u1100", "\u1161", "㈠", "⼀", "①"]
    )
    rng = random.Random(3)
    for _ in range(20000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 14)))
        assert L.norm_text(text) == _norm_reference(text), text
        assert L.norm(text) == _norm_reference(text), text


def test_table_shapes_of_a_page_equal_each_tables_own_query() -> None:
    """One query of the page gives every table's (holds a table, holds no skipped element), as the
    per-table query does: nested tables, skipped elements at any depth, templates, tables in cells."""
    from selectolax.lexbor import LexborHTMLParser

    from xxgk.parsing import html_reader as H

    pages = [
        "<table><tr><td><table><tr><td>1</td></tr></table><script>x</script></td></tr></table>",
        "<div><table><tr><td><style>a</style>1</td></tr></table></div><table><template><table></table></template></table>",
        "<table><tr><td><noscript><table><tr><td>2</td></tr></table></noscript></td></tr></table>",
        "<table><tr><td><div><table><tr><td><table><tr><td><svg></svg></td></tr></table></td></tr></table></div>"
        "</td></tr></table><p>after</p><table><tr><td>3</td></tr></table>",
        "<p>no tables</p><script>1</script>",
    ]
    for page in pages:
        root = LexborHTMLParser(page).body
        shapes = H._table_shapes(root.css(H._TABLE_OR_SKIP))
        for table in root.css("table"):
            assert shapes.get(table.mem_id, H._NO_SHAPE) == H._table_shape(table), page


def test_clean_equals_whitespace_collapse() -> None:
    """_clean's shortcut (alphanumeric, or printable without a space) gives what the regex collapse gives."""
    from xxgk.parsing import html_reader as H

    chars = list("0１2a自然人（一）、.，,/—-") + list(
        " \t\n\xa0\u3000\u2002\u2003\u2009\u200b\ufeff\x1c\x85\u2028\u1680\u202f"
    )
    rng = random.Random(5)
    for _ in range(20000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 8)))
        assert H._clean(text) == H._WS.sub(" ", text).strip(), repr(text)


def test_page_query_gives_the_meta_title_and_shapes_of_their_own_queries() -> None:
    """read_html's one query of the page gives the <meta>s and first <title> of their own whole-page
    queries (head and body, svg titles, several titles) and the shapes of the body's own query."""
    from selectolax.lexbor import LexborHTMLParser

    from xxgk.parsing import html_reader as H

    pages = [
        '<html><head><meta name="a" content="1"><title> T </title></head><body>'
        '<table><tr><td><meta name="b" content="2"><title>inner</title>1</td></tr></table></body></html>',
        '<p>x</p><title>late</title><meta property="og:title" content="o"><svg><title>s</title></svg>'
        "<table><tr><td><table><tr><td>2</td></tr></table></td></tr></table>",
        '<meta name="k" content="v"><frameset><frame></frameset>',
        "<svg><title>first</title></svg><title>second</title><table><tr><td><script>1</script></td></tr></table>",
        "",
    ]
    for page in pages:
        tree = LexborHTMLParser(page)
        found = tree.css(H._PAGE_QUERY)
        title = tree.css_first("title")
        assert H._meta(found) == H._meta(tree.css("meta") + ([title] if title is not None else [])), page
        root = tree.body or tree.root
        if root is not None:
            own = H._table_shapes(root.css(H._TABLE_OR_SKIP))
            assert H._table_shapes([n for n in found if n.tag_id != H._META_ID]) == own, page


def test_file_name_and_suffix_equal_purepath() -> None:
    """paths.file_name / file_suffix give PurePath's name and suffix (dots, slashes, '.', '..', drives)."""
    import itertools
    from pathlib import PurePath

    from xxgk.parsing.paths import file_name, file_suffix

    parts = ["", "a", ".", "..", "b.html", ".x", "x.", "a.b.c", "年报.txt", "a\\b.txt", "c:d.txt", " ", "x..", "..."]
    for a, b, c in itertools.product(parts, repeat=3):
        for s1, s2 in itertools.product(("/", "//", ""), repeat=2):
            p = a + s1 + b + s2 + c
            assert (file_name(p), file_suffix(p)) == (PurePath(p).name, PurePath(p).suffix), p


def test_html_tables_keep_their_row_texts() -> None:
    """The row texts the HTML reader keeps are its cells' texts (what row_texts builds for other readers)."""
    from xxgk.parsing.document import Table
    from xxgk.parsing.html_reader import read_html

    doc = read_html(
        "<table><tr><td rowspan=2> a&nbsp;b </td><th>1</th><script>x</script></tr><tr><td></td></tr></table>"
        "<table><tr><td><style>s</style>2</td></tr></table>"
    )
    for table in doc.tables:
        assert table.texts is not None
        assert table.row_texts() == Table(rows=table.rows).row_texts() == [
            tuple(c.text for c in row) for row in table.rows
        ]


def test_table_text_equals_every_cell_joined() -> None:
    """tables._table_text joins row by row: the same text as every cell joined, empty rows included."""
    from xxgk.parsing.document import GridCell, Table
    from xxgk.parsing.tables import _table_text

    rng = random.Random(1)
    for _ in range(5000):
        rows = [[GridCell(rng.choice(["", "a", " ", "1 2"])) for _ in range(rng.randint(0, 3))] for _ in range(4)]
        assert _table_text(Table(rows=rows)) == " ".join([c.text for row in rows for c in row])


def test_cached_span_and_title_readings_equal_their_formulas() -> None:
    """_span_value (cached) reads spans as before; parse_title's cache hands out copies."""
    import re

    from xxgk.parsing import html_reader as H
    from xxgk.parsing.metadata import parse_title

    def reference(raw: str | None) -> int:
        if not raw:
            return 1
        m = re.match(r"\d+", raw.strip())
        return min(max(int(m.group()) if m else 1, 1), 200)

    for raw in (None, "", " ", "2", " 3 ", "0", "-1", "999", "2px", "x", "１２", "05"):
        assert H._span_value(raw or "") == reference(raw), raw
    first = parse_title("2023年海安市财政局政府信息公开工作年度报告")
    first["agency"] = "changed"
    assert parse_title("2023年海安市财政局政府信息公开工作年度报告")["agency"] == "海安市财政局"


def test_text_tables_lines_are_their_cells_joined() -> None:
    """read_text's table lines come from row_texts after the cells are read (labels continued over lines)."""
    from xxgk.parsing.document import Table
    from xxgk.parsing.text_reader import read_text

    cells = ["\t三、本年度", "办理结果", "\t1", "\t", "", "\t（一）予以公开", "\t2", "\t3"]
    text = "标题：x\n\n" + "\n".join(cells * 4)
    doc = read_text(text + "\n段落\n")
    lines = []
    for b in doc.blocks:
        lines += ["\t".join(c.text for c in row) for row in b.rows] if isinstance(b, Table) else [b]
    assert doc.tables and doc.text == "\n".join(lines)
    assert all(t.row_texts() == [tuple(c.text for c in row) for row in t.rows] for t in doc.tables)


def test_first_anchor_equals_the_minimum_of_all_finds() -> None:
    from xxgk.parsing.labels import SECTION_ANCHORS
    from xxgk.parsing.tsections import _first_of

    rng = random.Random(2)
    every = [a for _, anchors in SECTION_ANCHORS for a in anchors]
    for _ in range(20000):
        anchors = rng.sample(every, rng.randint(1, 4))
        text = "".join(rng.choice([*anchors, "x", "\n", "一、", " "]) for _ in range(rng.randint(0, 12)))
        cur = rng.randint(0, len(text))
        expected = min((i for i in (text.find(x, cur) for x in anchors) if i >= 0), default=-1)
        assert _first_of(text, anchors, cur) == expected, (text, anchors, cur)


def test_compact_offsets_equal_the_kept_index_list() -> None:
    """tstream._Compact.orig (runs of kept characters) gives what a list of every kept index gives, and
    its \\S runs cut where str.isspace does, for every code point."""
    import re
    import sys
    from itertools import compress
    from operator import not_

    from xxgk.parsing.tstream import _Compact

    space = re.compile(r"\s")
    assert all(bool(space.match(c)) == c.isspace() for c in map(chr, range(0, sys.maxunicode + 1, 7)))
    assert all(bool(space.match(c)) == c.isspace() for c in " \t\n\x1c\x85\xa0\u1680\u2028\u3000\u200b\ufeff")
    chars = list("ab1２“”\"'‘’「」 \t\n\u3000\xa0\x1c\x85\u2028\u1680\u200b\ufeff")
    rng = random.Random(4)
    for _ in range(5000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 15)))
        c = _Compact(text)
        spaced = c.folded
        for q in "“”\"'‘’「」":
            spaced = spaced.replace(q, " ")
        keep = list(compress(range(len(spaced)), map(not_, map(str.isspace, spaced))))
        assert len(keep) == len(c.compact)
        for ci in range(-len(keep), len(keep) + 2):
            assert c.orig(ci) == (keep[ci] if ci < len(keep) else len(text)), (text, ci)
