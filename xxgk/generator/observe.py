"""What a medium lets a reader observe: defects whose cells a text copy destroyed are recorded as such.

Grain: one call per generated report. A glued text copy (``txt-glued``: a web page's innerText, every
table cell's text concatenated with no separator) prints nothing for a blank cell, so in a row that
mixes blank and printed cells the blanks vanish and nothing in the text says *where* they were: the
row's digits can be placed among its cells in several ways ('5130' may be 5,1,3,0 or 51,3,0 with a
blank …). Such a row's cells are *destroyed* for every reader; rows fully printed (numbers or markers
such as '/') and rows fully blank keep their cells.

``destroyed_cells`` lists them; ``mark_unobservable`` keeps every truth defect but marks those that
involve a destroyed cell ``observable: false`` with the reason, so scoring leaves them out (they are
neither found nor missed). The truth's ``meta.unobservable_cells`` lists the destroyed cells, so a
finding that only involves them is not scored either (a reader's claim about them cannot be checked
against what the medium shows).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from xxgk.template.model import T3_COLUMNS, T4_BLOCKS, load_format

from .defects import total_parts

GLUED_MEDIA = ("txt-glued",)
# rules about the report as a whole (their cells are every cell): shown by the cells a reader still has
WHOLE_REPORT_RULES = ("X-COPY",)
T4_COLS = ("MAINTAIN", "CORRECT", "OTHER", "PENDING", "TOTAL")


def _groups(cells: Mapping[str, Any], version: str, t4_layout: str) -> list[tuple[str, list[str]]]:
    """The runs a glued copy prints as one: each T3 row, T4 as one run of 15 or one run per block."""
    cols = [*T3_COLUMNS[:-1], "LP_SUB", T3_COLUMNS[-1]]
    out = []
    for r in load_format(version).t3_numeric_rows():
        out.append((f"T3 row {r.code}", [c for c in (f"T3:{r.code}:{col}" for col in cols) if c in cells]))
    t4 = {b: [f"T4:{b}:{c}" for c in T4_COLS] for b in T4_BLOCKS}
    if t4_layout == "row15":
        out.append(("T4 (one row of 15 cells)", [c for b in T4_BLOCKS for c in t4[b]]))
    else:
        out += [(f"T4 block {b}", t4[b]) for b in T4_BLOCKS]
    return [(name, [c for c in codes if c in cells]) for name, codes in out]


def destroyed_cells(cells: Mapping[str, float | None], markers: Mapping[str, str], media: str, version: str,
                    t4_layout: str) -> dict[str, str]:
    """Cell code → why the medium destroyed it (empty for media that keep every cell boundary)."""
    if media not in GLUED_MEDIA:
        return {}
    out: dict[str, str] = {}
    for name, codes in _groups(cells, version, t4_layout):
        vanished = [c for c in codes if cells[c] is None and c not in markers]
        printed = [c for c in codes if cells[c] is not None or c in markers]
        if vanished and printed:
            why = (f"{media}: {len(vanished)} blank cell(s) of {name} vanished from the copied text "
                   f"({', '.join(vanished[:3])}{'…' if len(vanished) > 3 else ''}); the row's printed numbers "
                   "cannot be placed in their cells")
            out.update(dict.fromkeys(codes, why))
    return out


def touches(cells: Iterable[str], destroyed: Mapping[str, str]) -> str | None:
    """The reason when any of ``cells`` (or a table wildcard 'T3:*') is destroyed, else None."""
    for c in cells:
        if c.endswith(":*"):
            hit = next((d for d in destroyed if d.startswith(c[:-1])), None)
            if hit:
                return destroyed[hit]
        elif c in destroyed:
            return destroyed[c]
    return None


def mark_unobservable(defects: list[dict[str, Any]], destroyed: Mapping[str, str], cells: Mapping[str, Any],
                      version: str, prev_destroyed: Mapping[str, str] | None = None) -> None:
    """Mark (in place) each defect involving a destroyed cell ``observable: false`` with the reason.

    P-BLANK-TOTAL is about a blank total *and its printed parts*: it shows only when the total and at
    least one printed part survived. X-T3-CARRY compares this year's row 2 with last year's row 4:
    destroyed cells of the previous report's row 4 hide it too (``prev_destroyed``).
    """
    parts = total_parts(version)
    for d in defects:
        if d["rule"] in WHOLE_REPORT_RULES:
            continue
        why = touches(d["cells"], destroyed)
        if why is None and d["rule"] == "P-BLANK-TOTAL" and destroyed:
            printed = [p for c in d["cells"] for p in parts.get(c, ()) if cells.get(p) is not None]
            if printed and all(p in destroyed for p in printed):
                why = f"every printed part of the blank total is unreadable: {destroyed[printed[0]]}"
        if why is None and d["rule"] == "X-T3-CARRY" and prev_destroyed:
            why = touches([c.replace("T3:2:", "T3:4:") for c in d["cells"]], prev_destroyed)
            why = f"previous year's report: {why}" if why else None
        if why is not None:
            d["observable"] = False
            d["unobservable_reason"] = why


def _printed_nonzero(rep: Any) -> list[str]:
    """Cells a reader of ``rep`` can see as non-zero (the medium did not destroy them)."""
    return [c for c, v in rep.cells.items() if v and c not in (rep.unobservable or {})]


def mark_history_unobservable(rep: Any, prev: Any | None, earlier: list[Any]) -> None:
    """Mark (in place) the defects of ``rep`` that rest on earlier reports a reader cannot see.

    - P-ZERO-DROP ("all 0 after a non-zero year") when every non-zero cell of the earlier reports was
      destroyed by their medium: no reader can know those years were non-zero.
    - X-COPY of a copied report whose tables hold no evidence of copying by the rule's own definition
      (at least 10 numbers printed in both years, one of them non-zero): identical empty tables are what
      an agency with no activity prints each year (P-ZERO reports them).
    """
    for d in rep.defects:
        if d.get("observable") is False:
            continue
        if d["rule"] == "P-ZERO-DROP" and not any(_printed_nonzero(r) for r in earlier):
            d["observable"] = False
            d["unobservable_reason"] = ("every non-zero cell of the earlier reports was destroyed by their medium "
                                        "(blank cells vanished from a glued copy)")
        elif d["rule"] == "X-COPY" and prev is not None:
            common = [c for c, v in rep.cells.items() if v is not None and prev.cells.get(c) is not None]
            seen = [c for c in common if c not in (rep.unobservable or {}) and c not in (prev.unobservable or {})]
            if len(seen) < 10 or not any(rep.cells[c] for c in seen):
                d["observable"] = False
                d["unobservable_reason"] = (f"{len(seen)} numbers readable in both years, "
                                            f"{sum(1 for c in seen if rep.cells[c])} non-zero: identical tables "
                                            "without 10 readable numbers and a non-zero one are no evidence of a copy")


def annotate_truth(truth: dict[str, Any]) -> dict[str, Any]:
    """A truth record with ``meta.unobservable_cells`` and the defects' ``observable`` flags filled in
    (truth files written before observe.py lack them; X-T3-CARRY then sees only this year's cells)."""
    meta = truth["meta"]
    if "unobservable_cells" not in meta:
        layout = meta.get("layout") or {}
        meta["unobservable_cells"] = destroyed_cells(truth["cells"], meta.get("markers") or {}, meta["media"],
                                                     truth["format"], layout.get("t4_layout", "row15"))
        mark_unobservable(truth["defects"], meta["unobservable_cells"], truth["cells"], truth["format"])
    return truth
