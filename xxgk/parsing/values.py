"""Cell text → value: numbers, markers, units and blanks, never guessing a 0.

One printed cell is read into a :class:`CellValue`:

* ``''`` (or only whitespace / ``&nbsp;``) → ``is_blank=True``, value None;
* ``/``, ``—``, ``-``, ``无``, ``不适用`` … → ``marker`` set, value None (NOT 0);
* ``1,036`` / ``+1036`` / ``-3`` / ``１２`` / ``4166.2416`` / ``251000元`` / ``5件`` → the number, with the
  unit kept in ``unit``;
* anything else → value None and ``ok=False`` (the caller records an issue).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# full-width digits and punctuation that occur inside numeric cells
_FW = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
        "，": ",",
        "＋": "+",
        "－": "-",
        "／": "/",
        "\u3000": " ",
        "\xa0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)

#: printed instead of a number; canonical form → spellings
MARKERS: dict[str, tuple[str, ...]] = {
    "/": ("/", "\\", "//"),
    "—": ("—", "——", "–", "―", "─", "一一", "--", "---"),
    "-": ("-",),
    "无": ("无",),
    "不适用": ("不适用",),
}
_MARKER_OF = {spelling: canon for canon, spellings in MARKERS.items() for spelling in spellings}

#: units that may be printed inside a cell (longest first)
UNITS: tuple[str, ...] = ("万元", "元", "件", "个", "项", "条", "起", "次", "宗", "家")

_NUM = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class CellValue:
    """The reading of one cell's text."""

    value: float | None
    marker: str | None = None
    unit: str | None = None
    is_blank: bool = False
    ok: bool = True  # False: text present but not a number or a known marker
    signed: bool = False  # a '+' or '-' sign was printed


BLANK = CellValue(None, is_blank=True)


def normalize_cell_text(text: str) -> str:
    """Fold full-width digits/punctuation and remove all whitespace."""
    return _WS.sub("", text.translate(_FW))


def parse_number(s: str) -> tuple[float, bool] | None:
    """A bare number ('1,036', '+5', '4166.2416') → (value, signed); None if not a number."""
    m = _NUM.match(s)
    if not m:
        return None
    sign, whole, frac = m.groups()
    v = float(whole.replace(",", ""))
    if frac:
        v += float("0." + frac)
        v = round(v, len(frac))
    if sign == "-":
        v = -v
    return v, bool(sign)


@lru_cache(maxsize=8192)
def parse_cell(text: str) -> CellValue:
    """Read one cell's text. Never raises; never turns a blank or a marker into 0. (Cached: cell texts
    repeat across rows and reports, and the result is immutable.)"""
    if text.isdigit() and text.isascii():
        return CellValue(float(text))
    s = normalize_cell_text(text)
    if not s:
        return BLANK
    canon = _MARKER_OF.get(s)
    if canon is not None:
        return CellValue(None, marker=canon)
    unit = None
    for u in UNITS:
        if s.endswith(u) and len(s) > len(u):
            unit, s = u, s[: -len(u)]
            break
    num = parse_number(s)
    if num is None:
        return CellValue(None, unit=unit, ok=False)
    return CellValue(num[0], unit=unit, signed=num[1])


def is_value_like(text: str) -> bool:
    """True for a cell that holds a value (number, marker, blank), not a label."""
    return parse_cell(text).ok
