"""Defect injection (at configurable rates) and the audit that records every broken rule in the truth.

Each injected defect changes what is printed, never the agency's clean figures (except X-COPY and
X-T3-CARRY, which change the figures the agency reports and so the chain). After injection,
``audit`` evaluates the rules on the printed cells, so the truth lists every consequence (a changed
leaf breaks both its row's column sum and its column's outcome sum), each tagged with its cause.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields
from typing import Any

from xxgk.template.model import T3_APPLICANT_COLUMNS, T4_BLOCKS, load_format

from .checks import Violation, all_violations, carry_violations
from .numbers import LEAVES_2021, YearValues
from .report import GeneratedReport

# Defect kinds decided per report-year, before numbers are printed.
YEAR_KINDS = ("copy_prev", "carry_break", "old_format")


@dataclass(frozen=True)
class DefectRates:
    """Probability per report of each defect kind (independent draws)."""

    outcome_break: float = 0.03  # R-T3-OUTCOME: one outcome leaf changed
    balance_break: float = 0.03  # R-T3-BALANCE: row 1 or 4 changed in one column and TOTAL
    colsum_break: float = 0.03  # R-T3-COLSUM: one TOTAL cell changed
    t4_break: float = 0.03  # R-T4-SUM: a block total wrong
    blank_total: float = 0.04  # a total left blank while its parts are filled (incomplete)
    blank_zero: float = 0.15  # zero T3/T4 cells printed blank (P-BLANK-CELLS)
    marker_zero: float = 0.05  # zero T3/T4 cells printed as '/' or '—' (P-MARKER-CELLS)
    zero_fill: float = 0.03  # every table cell printed 0 although the agency was active (P-ZERO)
    copy_prev: float = 0.03  # tables copied from the previous year (X-COPY)
    carry_break: float = 0.03  # 上年结转 differs from last year's 结转下年度 (X-T3-CARRY)
    old_format: float = 0.08  # a 2021+ report still on the 2019 tables (FORMAT-MISMATCH)
    negative: float = 0.01  # a negative count (R-NONNEG)
    narrative: float = 0.05  # the narrative quotes a different 收到申请 count (N-T3)
    late: float = 0.05  # published after the statutory deadline (P-LATE)

    @classmethod
    def none(cls) -> DefectRates:
        return cls(**{f.name: 0.0 for f in fields(cls)})

    @classmethod
    def only(cls, **rates: float) -> DefectRates:
        """All rates 0 except those given."""
        return cls(**{f.name: rates.get(f.name, 0.0) for f in fields(cls)})

    @classmethod
    def from_mapping(cls, m: dict[str, float] | DefectRates | None) -> DefectRates:
        if m is None:
            return cls()
        if isinstance(m, DefectRates):
            return m
        unknown = set(m) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown defect kinds: {sorted(unknown)}")
        return cls(**m)


def entry(rule: str, cells: list[str] | tuple[str, ...], note: str, status: str = "fail") -> dict[str, Any]:
    """A truth defect entry."""
    return {"rule": rule, "cells": list(cells), "note": note, "status": status}


# --- chain-level defects (applied to the clean figures) -----------------------------------------


def break_carry(rng: random.Random, yv: YearValues) -> tuple[YearValues, str]:
    """Make 上年结转 differ from last year's 结转下年度 while keeping this year's sums exact."""
    t3 = yv.t3
    cols = [c for c in T3_APPLICANT_COLUMNS if t3["2"][c] > 0]
    if cols:  # carried applications forgotten: drop them from row 2 and from the outcomes
        c = rng.choice(cols)
        k = t3["2"][c]
        t3["2"][c] = 0
        for _ in range(k):
            pool = [r for r in (*LEAVES_2021, "4") if t3[r][c] > 0]
            t3[rng.choice(pool)][c] -= 1
        return yv, f"上年结转 {c} printed 0 instead of {k}"
    k = rng.choice((1, 2, 3, 5))
    t3["2"]["NP"] += k
    t3["3.1"]["NP"] += k
    return yv, f"上年结转 NP printed {k} although last year carried 0 forward"


# --- cell-level defects (applied to printed cells) -----------------------------------------------


def _shift(rng: random.Random, v: float) -> float:
    k = rng.choice((1, 1, 2, 3, 5, 10))
    return v - k if v - k >= 0 and rng.random() < 0.5 else v + k


def _col(rng: random.Random) -> str:
    return rng.choices(T3_APPLICANT_COLUMNS, weights=(6, 2, 1, 1, 1, 1))[0]


def inject_cells(rng: random.Random, c: dict[str, float | None], version: str,
                 rates: DefectRates) -> list[tuple[set[str], str]]:
    """Apply the printed-cell defects drawn for one report to its cells ``c`` (in place).

    Returns (touched cells, cause) per injected defect, used to tag the audit's findings.
    """
    causes: list[tuple[set[str], str]] = []
    fmt = load_format(version)
    leaves = fmt.t3_outcome_leaves()
    if rng.random() < rates.outcome_break:
        col, r = _col(rng), rng.choice(leaves)
        code = f"T3:{r}:{col}"
        old = c[code] or 0
        c[code] = _shift(rng, old)
        causes.append(({code}, f"injected outcome break: {code} {old:g}→{c[code]:g}"))
    if rng.random() < rates.balance_break:
        col, r = _col(rng), rng.choice(("1", "4", "4"))
        a, t = f"T3:{r}:{col}", f"T3:{r}:TOTAL"
        old = c[a] or 0
        c[a] = _shift(rng, old)
        c[t] = (c[t] or 0) + (c[a] - old)
        causes.append(({a, t}, f"injected balance break: {a} and {t} shifted by {c[a] - old:+g}"))
    if rng.random() < rates.colsum_break:
        r = rng.choice(("1", "3.7", "4", *leaves))
        t = f"T3:{r}:TOTAL"
        old = c[t] or 0
        c[t] = _shift(rng, old)
        causes.append(({t}, f"injected column-sum break: {t} {old:g}→{c[t]:g}"))
    if rng.random() < rates.t4_break:
        b = rng.choice([b for b in T4_BLOCKS if c[f"T4:{b}:TOTAL"]] or list(T4_BLOCKS))
        t = f"T4:{b}:TOTAL"
        old = c[t] or 0
        c[t] = 0 if old and rng.random() < 0.4 else _shift(rng, old)
        causes.append(({t}, f"injected T4 total break: {t} {old:g}→{c[t]:g}"))
    if rng.random() < rates.negative:
        pool = [k for k, v in c.items() if k.startswith(("T3:", "T4:")) and v and v > 0
                and not k.endswith(":TOTAL")]
        code = rng.choice(pool) if pool else "T4:AR:OTHER"
        old = c[code] or 0
        c[code] = -old if old else -1
        causes.append(({code}, f"injected negative value: {code} {old:g}→{c[code]:g}"))
    if rng.random() < rates.blank_total:
        pool = [f"T3:{r.code}:TOTAL" for r in fmt.t3_numeric_rows() if c[f"T3:{r.code}:TOTAL"]]
        pool += [f"T4:{b}:TOTAL" for b in T4_BLOCKS if c[f"T4:{b}:TOTAL"]]
        if pool:
            code = rng.choice(pool)
            old = c[code]
            c[code] = None
            causes.append(({code}, f"injected blank total: {code} (was {old:g}) left blank"))
    return causes


def audit(rep: GeneratedReport, causes: list[tuple[set[str], str]], prev: GeneratedReport | None,
          earlier_nonzero: bool = False) -> None:
    """Append to ``rep.defects`` every rule the printed report breaks, tagged with its cause.

    ``prev`` is the previous year's report (if emitted); ``earlier_nonzero`` says whether any earlier
    report of the agency printed a non-zero cell (P-ZERO-DROP).
    """
    found: list[Violation] = all_violations(rep.cells, rep.version)
    if prev is not None:
        found += carry_violations(prev.cells, rep.cells)
        if "X-COPY" not in {d["rule"] for d in rep.defects} and _numbers_identical(prev, rep):
            rep.defects.append(entry("X-COPY", [], f"natural: every number printed in both years identical to "
                                     f"the {prev.year} report", "warn"))
    for code, n_parts in _blank_totals(rep):
        why = [note for touched, note in causes if code in touched]
        note = f"{code} blank while {n_parts} of its parts are printed"
        note += f"; cause: {'; '.join(why)}" if why else ""
        rep.defects.append(entry("P-BLANK-TOTAL", [code], note, "warn"))
    _audit_zero(rep, earlier_nonzero)
    for v in found:
        why = [note for touched, note in causes if touched & set(v.cells)]
        note = v.note + (f"; cause: {'; '.join(why)}" if why else "")
        rep.defects.append(entry(v.rule, v.cells, note, v.status))
    _audit_narrative(rep, causes)


def _numbers_identical(prev: GeneratedReport, rep: GeneratedReport) -> bool:
    """X-COPY (a) as printed: >= 10 cells printed in both years, all equal, at least one non-zero."""
    common = [c for c, v in rep.cells.items() if v is not None and prev.cells.get(c) is not None]
    return (len(common) >= 10 and all(rep.cells[c] == prev.cells[c] for c in common)
            and any(rep.cells[c] for c in common))


def _total_parts(rep: GeneratedReport) -> dict[str, tuple[str, ...]]:
    return total_parts(rep.version)


def total_parts(version: str) -> dict[str, tuple[str, ...]]:
    """Each total cell (T3 row TOTAL, T3 row 3.7 per column, T4 block TOTAL) → its part cells."""
    fmt = load_format(version)
    leaves = fmt.t3_outcome_leaves()
    out: dict[str, tuple[str, ...]] = {}
    for r in fmt.t3_numeric_rows():
        out[f"T3:{r.code}:TOTAL"] = tuple(f"T3:{r.code}:{c}" for c in T3_APPLICANT_COLUMNS)
    for c in T3_APPLICANT_COLUMNS:
        out[f"T3:3.7:{c}"] = tuple(f"T3:{r}:{c}" for r in leaves)
    for b in T4_BLOCKS:
        out[f"T4:{b}:TOTAL"] = tuple(f"T4:{b}:{p}" for p in ("MAINTAIN", "CORRECT", "OTHER", "PENDING"))
    return out


def _blank_totals(rep: GeneratedReport) -> list[tuple[str, int]]:
    """P-BLANK-TOTAL as printed: a total left blank (not a marker) while some part prints a number."""
    out = []
    for code, parts in _total_parts(rep).items():
        if code not in rep.cells or rep.cells[code] is not None or code in rep.markers:
            continue
        n = sum(1 for p in parts if rep.cells.get(p) is not None)
        if n:
            out.append((code, n))
    return out


def _all_zero(rep: GeneratedReport, prefix: tuple[str, ...] = ("T2:", "T3:", "T4:")) -> bool:
    return not any(v for k, v in rep.cells.items() if k.startswith(prefix))


def _audit_zero(rep: GeneratedReport, earlier_nonzero: bool) -> None:
    """P-ZERO (any all-zero/blank report, natural or not), P-ZERO-NARRATIVE (per table), P-ZERO-DROP."""
    q = rep.quotes
    # what the narrative prints (xxgk.generator.narrative): T3 counts unless "未收到" (rows 1 and 3.7 both 0)
    t3_cited = (q.get("T3:1:TOTAL") or q.get("T3:3.7:TOTAL")) and any(
        q.get(k) for k in ("T3:1:TOTAL", "T3:3.7:TOTAL", "T3:4:TOTAL"))
    t4_cited = any(q.get(k) for k in ("T4:AR:TOTAL", "T4:AL:TOTAL"))
    for table, cited in (("T3:", t3_cited), ("T4:", t4_cited)):
        if cited and _all_zero(rep, (table,)):
            rep.defects.append(entry("P-ZERO-NARRATIVE", [f"{table}*", "TEXT:S1"],
                                     f"{table[:2]} all 0 or blank while the narrative cites non-zero counts", "warn"))
    if not _all_zero(rep):
        return
    rules = {d["rule"] for d in rep.defects}
    if "P-ZERO" not in rules:
        rep.defects.append(entry("P-ZERO", [], "natural: every table cell is 0 or blank (no activity)",
                                 "warn"))
    if earlier_nonzero:
        rep.defects.append(entry("P-ZERO-DROP", [], "all 0 after a non-zero report in an earlier year", "warn"))


NARRATIVE_CELLS: dict[str, tuple[str, ...]] = {
    "T3:1:TOTAL": ("T3:1:TOTAL",),
    "T3:3.7:TOTAL": ("T3:3.7:TOTAL",),
    "T3:4:TOTAL": ("T3:4:TOTAL",),
    "T4:AR:TOTAL": ("T4:AR:TOTAL",),
    "T4:AL:TOTAL": ("T4:AL_D:TOTAL", "T4:AL_R:TOTAL"),
}


def _audit_narrative(rep: GeneratedReport, causes: list[tuple[set[str], str]]) -> None:
    known = {(d["rule"], tuple(d["cells"])) for d in rep.defects}
    q = rep.quotes
    # the narrative prints no T3 number when rows 1 and 3.7 are both quoted 0 ("未收到…"), and no T4
    # number when both T4 quotes are 0 ("未发生…行政复议、行政诉讼") (xxgk.generator.narrative)
    t3_printed = bool(q.get("T3:1:TOTAL") or q.get("T3:3.7:TOTAL"))
    t4_printed = bool(q.get("T4:AR:TOTAL") or q.get("T4:AL:TOTAL"))
    for key, quoted in q.items():
        if not (t4_printed if key.startswith("T4") else t3_printed):
            continue
        cells = NARRATIVE_CELLS[key]
        table = _narrative_table_value(rep, cells)
        if table is None:
            continue
        rule = "N-T4" if key.startswith("T4") else "N-T3"
        if table != quoted and (rule, cells) not in known:
            why = [note for touched, note in causes if touched & set(cells)]
            note = f"narrative states {quoted} but the table prints {table:g}"
            note += f"; cause: {'; '.join(why)}" if why else ""
            rep.defects.append(entry(rule, cells, note, "warn"))


def _narrative_table_value(rep: GeneratedReport, cells: tuple[str, ...]) -> float | None:
    """The table figure a reader compares a quote with: the printed totals; a blank total falls back to
    the sum of its printed parts (None when nothing involved is printed)."""
    parts = _total_parts(rep)
    values = []
    for c in cells:
        v = rep.cells.get(c)
        if v is None:
            printed = [p for p in (rep.cells.get(x) for x in parts.get(c, ())) if p is not None]
            v = sum(printed) if printed else None
        values.append(v)
    known = [v for v in values if v is not None]
    return sum(known) if known else None
