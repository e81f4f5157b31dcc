"""Evaluate the template's sum rules on printed cells (used to record defects in the truth, and by tests).

Convention: a blank or marker cell (value None) counts as 0. An equation that holds that way passes
(blank zeros are common and harmless); one that fails is 'fail' when every cell involved is printed,
'incomplete' when a cell involved is blank (for example a blank total whose parts are filled).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from xxgk.template.model import T3_APPLICANT_COLUMNS, T3_COLUMNS, T4_BLOCKS, load_format

Cells = Mapping[str, float | None]
T4_PARTS = ("MAINTAIN", "CORRECT", "OTHER", "PENDING")
LP_COLUMNS = ("LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH")


@dataclass(frozen=True)
class Violation:
    """One failed equation or cell condition."""

    rule: str
    cells: tuple[str, ...]
    status: str  # 'fail' | 'incomplete'
    note: str


def _eq(rule: str, cells: Cells, lhs: Iterable[str], rhs: Iterable[str], what: str) -> Violation | None:
    lhs, rhs = tuple(lhs), tuple(rhs)
    involved = lhs + rhs
    if any(c not in cells for c in involved):
        return None
    left = sum((cells[c] or 0) for c in lhs)
    right = sum((cells[c] or 0) for c in rhs)
    if abs(left - right) < 1e-9:
        return None
    blank = [c for c in involved if cells[c] is None]
    status = "incomplete" if blank else "fail"
    note = f"{what}: {_fmt(left)} ≠ {_fmt(right)}"
    if blank:
        note += f" (blank: {', '.join(blank)})"
    return Violation(rule, involved, status, note)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def t3_rows(version: str) -> tuple[str, ...]:
    return tuple(r.code for r in load_format(version).t3_numeric_rows())


def sum_rule_violations(cells: Cells, version: str) -> list[Violation]:
    """R-T3-COLSUM, R-T3-BALANCE, R-T3-OUTCOME, R-T3-GROUP (LP_SUB, when present), R-T4-SUM."""
    fmt = load_format(version)
    out: list[Violation | None] = []
    for r in t3_rows(version):
        out.append(_eq("R-T3-COLSUM", cells, [f"T3:{r}:TOTAL"],
                       [f"T3:{r}:{c}" for c in T3_APPLICANT_COLUMNS], f"row {r} TOTAL vs Σ columns"))
        if f"T3:{r}:LP_SUB" in cells:
            out.append(_eq("R-T3-GROUP", cells, [f"T3:{r}:LP_SUB"],
                           [f"T3:{r}:{c}" for c in LP_COLUMNS], f"row {r} 小计 vs Σ 法人 columns"))
    leaves = fmt.t3_outcome_leaves()
    for c in T3_COLUMNS:
        out.append(_eq("R-T3-BALANCE", cells, [f"T3:1:{c}", f"T3:2:{c}"], [f"T3:3.7:{c}", f"T3:4:{c}"],
                       f"column {c} 新收+结转 vs 办结+结转下年"))
        out.append(_eq("R-T3-OUTCOME", cells, [f"T3:3.7:{c}"], [f"T3:{r}:{c}" for r in leaves],
                       f"column {c} （七）总计 vs Σ outcome leaves"))
    for b in T4_BLOCKS:
        out.append(_eq("R-T4-SUM", cells, [f"T4:{b}:TOTAL"], [f"T4:{b}:{p}" for p in T4_PARTS],
                       f"T4 {b} 总计 vs Σ results"))
    return [v for v in out if v is not None]


def nonneg_violations(cells: Cells) -> list[Violation]:
    """R-NONNEG: every printed number ≥ 0 except V2019 本年增/减 (delta)."""
    return [Violation("R-NONNEG", (code,), "fail", f"negative value {_fmt(v)}")
            for code, v in cells.items() if v is not None and v < 0 and not code.endswith(":delta")]


def all_violations(cells: Cells, version: str) -> list[Violation]:
    return sum_rule_violations(cells, version) + nonneg_violations(cells)


def carry_violations(prev: Cells, cur: Cells) -> list[Violation]:
    """X-T3-CARRY: T3 row 2 of this year equals row 4 of the previous year, per column (printed cells)."""
    out = []
    for c in T3_COLUMNS:
        a, b = prev.get(f"T3:4:{c}"), cur.get(f"T3:2:{c}")
        if a is None and b is None:
            continue
        if (a or 0) != (b or 0):
            # the module's convention: a failing equation with a blank cell involved is undecidable
            status = "incomplete" if a is None or b is None else "fail"
            out.append(Violation("X-T3-CARRY", (f"T3:2:{c}",), status,
                                 f"上年结转 {_fmt(b or 0)} ≠ previous year's 结转下年度 {_fmt(a or 0)}"))
    return out
