"""Text assembly from positioned characters (PDF) and CJK-aware joining (PDF and DOCX).

Chinese has no spaces between words, but PDF producers justify lines by stretching character
spacing, and extractors then guess spaces ("只计这一情 形"). Here a space survives only between two
narrow (Latin/digit) characters; a line break inside a label or paragraph joins with nothing when
either side is a CJK character ("商业\\n企业" → "商业企业", vertical "三\\n、\\n本…" → "三、本…").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Char = dict[str, Any]  # a pdfplumber char: text, x0, x1, top, bottom, size, upright

_SPACE_RUN = re.compile(r"[ \t\u00a0\u3000]+")
_NO_SPACE_BEFORE = "-/@._%:)]}"
_NO_SPACE_AFTER = "-/@._:([{"


def is_wide(ch: str) -> bool:
    """True for CJK ideographs, CJK/full-width punctuation and typographic quotes/dashes."""
    o = ord(ch)
    return o >= 0x2E80 or 0x2010 <= o <= 0x206F or 0x2460 <= o <= 0x24FF or 0x25A0 <= o <= 0x27BF


def join_parts(parts: Iterable[str]) -> str:
    """Join text pieces (lines of a cell or paragraph): no separator next to a CJK character."""
    out = ""
    for part in parts:
        part = normalize_spaces(part)
        if not part:
            continue
        if out and _needs_space(out[-1], part[0]):
            out += " "
        out += part
    return out


def _needs_space(left: str, right: str) -> bool:
    if is_wide(left) or is_wide(right):
        return False
    return left not in _NO_SPACE_AFTER and right not in _NO_SPACE_BEFORE


def normalize_spaces(text: str, keep_tabs: bool = False) -> str:
    """Collapse whitespace; drop a space that touches a CJK character (justification artefact)."""
    if keep_tabs:
        pieces = [normalize_spaces(p) for p in text.split("\t")]
        return "\t".join(p for p in pieces if p)
    text = _SPACE_RUN.sub(" ", text.replace("\n", " ")).strip()
    if " " not in text:
        return text
    chars = text.split(" ")
    out = chars[0]
    for piece in chars[1:]:
        if not piece:
            continue
        out += (" " if out and _needs_space(out[-1], piece[0]) else "") + piece
    return out


@dataclass
class Line:
    """One visual line of text on a page (PDF points, top-left origin)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int = 0


def group_lines(chars: Sequence[Char], page: int = 0) -> list[Line]:
    """Group characters into lines in reading order (top to bottom, left to right).

    Non-upright characters (rotated or vertical writing) each come out as their own line, ordered
    by position, so a vertical label reads top to bottom after :func:`join_parts`.
    """
    upright = sorted((c for c in chars if c.get("upright", True)), key=lambda c: (c["top"], c["x0"]))
    rows: list[list[Char]] = []
    for ch in upright:
        if not ch["text"].strip() and ch["text"] != " ":
            continue
        mid = (ch["top"] + ch["bottom"]) / 2
        for row in reversed(rows[-3:]):
            r_top = min(c["top"] for c in row)
            r_bot = max(c["bottom"] for c in row)
            if r_top - 0.5 <= mid <= r_bot + 0.5:
                row.append(ch)
                break
        else:
            rows.append([ch])
    lines = [_make_line(row, page) for row in rows]
    rotated = sorted((c for c in chars if not c.get("upright", True)), key=lambda c: (c["x0"], c["top"]))
    lines += [_make_line([c], page) for c in rotated if c["text"].strip()]
    lines = [ln for ln in lines if ln.text]
    lines.sort(key=lambda ln: (round(ln.top, 0), ln.x0))
    return lines


def _make_line(row: list[Char], page: int) -> Line:
    row = sorted(row, key=lambda c: c["x0"])
    size = max((c.get("size") or (c["bottom"] - c["top"]) for c in row), default=10.0) or 10.0
    text = ""
    prev: Char | None = None
    for ch in row:
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            if gap > 2.0 * size:
                text += "\t"
            elif gap > 0.25 * size:
                text += " "
        text += ch["text"]
        prev = ch
    return Line(
        text=normalize_spaces(text, keep_tabs=True),
        x0=row[0]["x0"],
        x1=max(c["x1"] for c in row),
        top=min(c["top"] for c in row),
        bottom=max(c["bottom"] for c in row),
        size=size,
        page=page,
    )


def chars_text(chars: Sequence[Char]) -> str:
    """Text of a block of characters (a table cell): its lines joined, whitespace normalised."""
    return join_parts(ln.text.replace("\t", " ") for ln in group_lines(chars))
