"""Plain text with no table structure → row captures (each row's cells as one glued run).

Crawler copies print a whole table on one line: "…1.属于国家秘密00000002.其他法律行政法规禁止公开…".
Row labels are found in template order by their distinctive substrings (whitespace ignored); a row's
run is what follows its label up to the next label, with the next label's own numbering ("2.") taken
off the end, then cut to the characters a value can have. The run is split into cells later with the
template's arithmetic (:mod:`xxgk.parsing.glued`).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from xxgk.parsing import labels as L
from xxgk.parsing.tables import Captures, RowCapture

_FOLD = str.maketrans(
    {**{chr(0xFF01 + i): chr(0x21 + i) for i in range(94)}, "\u3000": " ", "\xa0": " "}
)
_VALUE_START = re.compile(r"[0-9/\\—–―─]|[+-](?=\d)")
_RUN_UNITS = ("万元", "元", "件", "个", "项")
# values, each may end in a unit ('4件4件77件': a unit in every cell, a hard cell boundary)
_VALUE_RUN = re.compile(r"[0-9 .,/\\—–―─+\-]*(?:(?:万元|元|件|个|项)[0-9 .,/\\—–―─+\-]+)*(?:万元|元|件|个|项)?")
_QUOTE = "“”\"'‘’「」"
_FOLD_CHARS = re.compile("[\uff01-\uff5e\u3000\xa0]")
_KEPT_RUN = re.compile(r"\S+")


def _fold(text: str) -> str:
    """``text.translate(_FOLD)``, faster: each character to fold that occurs is replaced in one pass (a
    dict translation looks up every character; a report holds a dozen kinds at most, folded to ASCII)."""
    for ch in set(_FOLD_CHARS.findall(text)):
        text = text.replace(ch, _FOLD[ord(ch)])
    return text


#: T3 rows in printed order (both formats; 3.6 or 3.6.1-3.6.3)
T3_ORDER: tuple[str, ...] = (
    "1", "2", "3.1", "3.2", "3.3.1", "3.3.2", "3.3.3", "3.3.4", "3.3.5", "3.3.6", "3.3.7", "3.3.8",
    "3.4.1", "3.4.2", "3.4.3", "3.5.1", "3.5.2", "3.5.3", "3.5.4", "3.5.5", "3.6", "3.6.1", "3.6.2",
    "3.6.3", "3.7", "4",
)
T2_ORDER: tuple[str, ...] = ("20.1.1", "20.1.2", "20.5.1", "20.5.2", "20.6.1", "20.6.2", "20.8.1", "20.9.1")
_T3_ANCHORS = dict(L.T3_ROW_ANCHORS) | {"3.6.3": ("其他",)}
_T2_ANCHORS = dict(L.T2_ROW_ANCHORS)


class _Compact:
    """The text folded to half-width with whitespace and quotes removed, mapped back to offsets."""

    def __init__(self, text: str) -> None:
        folded = _fold(text)
        spaced = folded  # quotes made spaces: what is kept is what is not a space (str.isspace)
        for q in _QUOTE:
            if q in spaced:
                spaced = spaced.replace(q, " ")
        self.text = text
        self.folded = folded
        self.compact = "".join(spaced.split())  # str.split() cuts at exactly the str.isspace characters
        # compact index -> original index, by runs of kept characters (\S: not str.isspace, as split cuts):
        # the compact start and the original start of each run (a run-on text has few runs)
        self._cstarts: list[int] = []
        self._ostarts: list[int] = []
        n = 0
        for m in _KEPT_RUN.finditer(spaced):
            a, b = m.span()
            self._cstarts.append(n)
            self._ostarts.append(a)
            n += b - a
        self._n = n  # == len(self.compact)

    def find(self, anchors: tuple[str, ...], start: int, stop: int | None = None) -> tuple[int, int] | None:
        """Earliest (start, end) in *compact* coordinates of any anchor in [start, stop)."""
        best: tuple[int, int] | None = None
        for a in anchors:
            i = self.compact.find(a, start, stop if stop is not None else len(self.compact))
            if i >= 0 and (best is None or i < best[0]):
                best = (i, i + len(a))
        return best

    def orig(self, ci: int) -> int:
        """The original index of compact index ``ci`` (the text's length past the end; negative counts from
        the end, as a list of every kept index would)."""
        n = self._n
        if ci >= n:
            return len(self.text)
        if ci < 0:
            ci += n
            if ci < 0:
                raise IndexError("list index out of range")
        k = bisect_right(self._cstarts, ci) - 1
        return self._ostarts[k] + ci - self._cstarts[k]


def _label_start(c: _Compact, anchor_start: int, number: str | None, floor: int) -> int:
    """Compact index where a label begins, numbering ('2.', '(2)', '2、') included."""
    s = c.compact
    i = anchor_start
    while i > floor and not s[i - 1].isdigit() and s[i - 1] not in "/\\—–―─":
        i -= 1
    if i > floor and s[i - 1].isdigit():
        # '77件规范性文件': a unit right after the digits is the last value's, not the label's
        u = next((u for u in _RUN_UNITS if s.startswith(u, i)), "")
        if u and i + len(u) < anchor_start + 1:
            i += len(u)
    if number and i > floor:
        # "…0000002.其他": the label's own number sits right before its punctuation
        j = i
        while j > floor and s[j - 1].isdigit():
            j -= 1
        digits = s[j:i]
        if s[i : i + 1] in (".", "、", ")", "．") and digits.endswith(number):
            i -= len(number)
            if i > floor and s[i - 1] == "(":
                i -= 1
    return i


def _value_start(c: _Compact, after: int, limit: int) -> int:
    """Compact index of the first value character after a label (its words skipped)."""
    m = _VALUE_START.search(c.compact, after, limit)
    return m.start() if m else limit


def _run(c: _Compact, start: int, end: int) -> str:
    """The original text between two compact positions, cut to value characters."""
    if start >= end:
        return ""
    o1, o2 = c.orig(start), c.orig(end - 1) + 1
    m = _VALUE_RUN.match(c.folded, o1, o2)
    return m.group().strip() if m else ""


def _rows(
    c: _Compact, order: tuple[str, ...], anchors: dict[str, tuple[str, ...]], start: int, stop: int
) -> list[tuple[str, int, int]]:
    """(code, anchor start, anchor end) for each row found, in order, each after the previous."""
    found: list[tuple[str, int, int]] = []
    cur = start
    for code in order:
        if code == "3.6.3" and (not found or found[-1][0] != "3.6.2"):
            continue
        if code == "3.6" and found and found[-1][0] == "3.6":
            continue
        hit = c.find(anchors[code], cur, stop)
        if hit is None:
            continue
        # do not jump over a later row's label (the row is then missing)
        found.append((code, hit[0], hit[1]))
        cur = hit[1]
    # 3.6 found but followed by 3.6.1: it is the group label (V2021), not a row of its own
    codes = [f[0] for f in found]
    if "3.6" in codes and "3.6.1" in codes:
        found = [f for f in found if f[0] != "3.6"]
    return found


def _number_of(code: str) -> str | None:
    parts = code.split(".")
    return parts[-1] if len(parts) == 3 else None


def _capture(c: _Compact, table: str, rows: list[tuple[str, int, int]], stop: int) -> list[RowCapture]:
    out: list[RowCapture] = []
    for n, (code, _a0, a1) in enumerate(rows):
        if n + 1 < len(rows):
            nxt_code, nxt_start, _ = rows[n + 1]
            end = _label_start(c, nxt_start, _number_of(nxt_code), a1)
        else:
            end = stop
        vstart = _value_start(c, a1, max(end, a1))
        run = _run(c, vstart, end)
        out.append(RowCapture(table, code, [run], f"text offset {c.orig(a1)}", source="text"))
    return out


_CJK = re.compile(r"[\u4e00-\u9fff]")
_RUN = re.compile(r"(?:[0-9/\\—–―─]|[+-](?=\d))[0-9 .,/\\—–―─+\-]*")


def _t4_runs(c: _Compact, start: int, limit: int) -> list[RowCapture]:
    """T4 from text: one run of 15 cells, or three runs each after its block label (3×5 layout)."""
    o1, o2 = c.orig(start), c.orig(limit - 1) + 1 if limit > start else c.orig(start)
    seg = c.folded[o1:o2]
    runs: list[tuple[str, str, int]] = []  # (label before, run, offset)
    prev = 0
    for m in _RUN.finditer(seg):
        run = m.group().strip()
        if run and not any(ch.isdigit() for ch in run) and len(run) <= 2 and _CJK.match(seg, m.end()):
            continue  # a dash inside a label ('行政诉讼—未经复议直接起诉'), not a cell
        if run:
            runs.append((seg[prev : m.start()], run, o1 + m.start()))
        prev = m.end()
    if not runs:
        return []
    blocks = [L.match_t4_block(label) for label, _, _ in runs]
    if len(runs) >= 3 and len({b for b in blocks[:3] if b}) == 3:
        return [RowCapture("T4", b, [run], f"text offset {off}", source="text")
                for b, (_, run, off) in zip(blocks[:3], runs[:3], strict=True) if b]
    _label, run, off = runs[0]
    return [RowCapture("T4", "*", [run], f"text offset {off}", source="text")]


def _t3_columns(s: str, t3_start: int) -> tuple[str, ...] | None:
    """An extra 法人或其他组织 小计 column named in the T3 header text (before row 一): its position."""
    head_from = max(s.rfind("申请人情况", 0, t3_start), s.rfind("勾稽关系", 0, t3_start), t3_start - 200, 0)
    header = s[head_from:t3_start]
    sub = header.find("小计")
    if sub < 0:
        return None
    com = header.find("商业企业")
    base = ("NP", "LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH")
    if 0 <= sub < com:
        return ("NP", "LP_SUB", *base[1:], "TOTAL")
    return (*base, "LP_SUB", "TOTAL")


def _table_window(text: str) -> str:
    """The part of the text that can hold the tables (cheap raw finds; whole text when unsure)."""
    starts = [i for i in (text.find(m) for m in ("第二十条", "主动公开政府信息情况", "本年新收")) if i >= 0]
    if not starts:
        return text
    lo = min(starts)
    hi = text.find("存在的主要问题", lo)
    return text[lo : hi + 20 if hi >= 0 else len(text)]


def capture_stream(text: str, want: frozenset[str] = frozenset({"T2", "T3", "T4"})) -> Captures:
    """Captures of the tables in ``want`` read from plain text."""
    window = _table_window(text)
    out = _capture_text(window, want)
    if window is not text and ("T3" in want and not out.t3):
        out = _capture_text(text, want)
    return out


def _capture_text(text: str, want: frozenset[str]) -> Captures:
    out = Captures()
    c = _Compact(text)
    s = c.compact
    t3_start = s.find("本年新收")
    if t3_start < 0:
        t3_start = s.find("收到和处理政府信息公开申请")
    t4_head = -1
    if "T3" in want and t3_start >= 0:
        end_hit = c.find(("结转下年", "下年度继续"), t3_start)
        stop = len(s)
        if end_hit:
            nxt = c.find((*L.AR_WORDS, "五、", "存在的主要问题"), end_hit[1])
            stop = nxt[0] if nxt else len(s)
        rows = _rows(c, T3_ORDER, _T3_ANCHORS, t3_start, stop)
        out.t3 = _capture(c, "T3", rows, stop)
        out.t3_columns = _t3_columns(s, t3_start)
        t4_head = stop
    if "T4" in want:
        base = t4_head if t4_head >= 0 else 0
        head = c.find(L.AR_WORDS, base)
        if head is not None:
            limit_hit = c.find(("存在的主要问题", "存在问题", "五、"), head[1])
            limit = limit_hit[0] if limit_hit else len(s)
            out.t4 = _t4_runs(c, head[1], limit)
    if "T2" in want:
        t2_start = s.find("第二十条")
        t2_stop = t3_start if t3_start > t2_start else len(s)
        if t2_start >= 0:
            rows = _rows(c, T2_ORDER, _T2_ANCHORS, t2_start, t2_stop)
            out.t2 = [r for r in _capture(c, "T2", rows, t2_stop) if r.cells[0]]
    return out
