"""The six sections of a report (S1..S6) found by their headings, with their plain text."""

from __future__ import annotations

import re

from xxgk.parsing.labels import SECTION_ANCHORS

_NUMERALS = ("一", "二", "三", "四", "五", "六")
_PATTERNS: dict[str, list[re.Pattern[str]]] = {}
for _i, (_code, _anchors) in enumerate(SECTION_ANCHORS):
    alts = "|".join(re.escape(a) for a in _anchors)
    _PATTERNS[_code] = [
        # numbered heading "二、主动公开政府信息情况" (also "二．", "二 、")
        re.compile(rf"{_NUMERALS[_i]}\s*[、.．]\s*(?:[^\n。；]{{0,14}}?)(?:{alts})(?:的?情况|措施)?"),
        # an un-numbered heading on a line of its own
        re.compile(rf"(?m)^\s*(?:[^\n。；]{{0,14}}?)(?:{alts})(?:的?情况|措施)?[^\n。]{{0,6}}$"),
    ]


def _first_of(text: str, anchors: tuple[str, ...] | list[str], cur: int) -> int:
    """Where the first of ``anchors`` occurs at or after ``cur`` (-1: none). Once one is found, the others
    are looked for before it only (a find of an absent anchor would scan the rest of the text)."""
    a = -1
    for x in anchors:
        i = text.find(x, cur) if a < 0 else text.find(x, cur, a - 1 + len(x))
        if i >= 0:
            a = i
    return a


def split_sections(text: str) -> dict[str, str]:
    """Section code → its text (heading excluded). Sections are searched in order; missing ones are skipped."""
    found: list[tuple[str, int, int]] = []
    cur = 0
    for code, anchors in SECTION_ANCHORS:
        # every heading holds an anchor: none after cur, no heading. Else an un-numbered heading starts at
        # most a run of whitespace before the line of the first anchor (its \s* may span blank lines): its
        # search (a regex starting with ^, tried at every character) starts there, with the same first match.
        # (The numbered pattern starts with a literal numeral, found fast; its \s* may span lines too.)
        a = _first_of(text, anchors, cur)
        if a < 0:
            continue
        line = text.rfind("\n", cur, a) + 1
        while line > cur and text[line - 1].isspace():
            line -= 1
        hit = None
        for pat, start in zip(_PATTERNS[code], (cur, max(line, cur)), strict=True):
            m = pat.search(text, start)
            if m and (hit is None or m.start() < hit.start()):
                hit = m
        if hit is None:
            continue
        found.append((code, hit.start(), hit.end()))
        cur = hit.end()
    out: dict[str, str] = {}
    for n, (code, _start, end) in enumerate(found):
        stop = found[n + 1][1] if n + 1 < len(found) else len(text)
        out[code] = text[end:stop].strip()
    return out
