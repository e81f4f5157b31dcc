"""Clean (defect-free) yearly figures of one agency, chained year to year.

Grain: one ``YearValues`` per agency and report year. T3 is kept at the finest granularity (the 2021
leaves, 3.6.1–3.6.3) and per applicant column; totals are derived, so every T3/T4 sum rule holds by
construction. Stocks chain across years: T3 row 2 of Y is row 4 of Y−1, 现行有效件数 of Y is
valid(Y−1) + made − repealed, V2019 项目数量 of Y is prev_items(Y−1) + delta(Y−1).
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from xxgk.template.model import T3_APPLICANT_COLUMNS, T4_BLOCKS, load_format

from .agencies import Agency
from .departments import HEAVY_TAIL, LEVEL_SCALE
from .rng import binomial, perturb, poisson, split, stream

FIRST_YEAR = 2019

# Outcome leaves at 2021 granularity, with base probabilities.
OUTCOME_WEIGHTS: dict[str, float] = {
    "3.1": 0.40, "3.2": 0.07,
    "3.3.1": 0.003, "3.3.2": 0.005, "3.3.3": 0.003, "3.3.4": 0.012, "3.3.5": 0.01, "3.3.6": 0.015,
    "3.3.7": 0.006, "3.3.8": 0.012,
    "3.4.1": 0.21, "3.4.2": 0.03, "3.4.3": 0.02,
    "3.5.1": 0.05, "3.5.2": 0.03, "3.5.3": 0.004, "3.5.4": 0.006, "3.5.5": 0.01,
    "3.6.1": 0.035, "3.6.2": 0.004, "3.6.3": 0.04,
}
LEAVES_2021: tuple[str, ...] = tuple(OUTCOME_WEIGHTS)
APPLICANT_WEIGHTS = (0.85, 0.08, 0.006, 0.012, 0.03, 0.022)
T4_WEIGHTS = (0.62, 0.08, 0.18, 0.12)  # MAINTAIN, CORRECT, OTHER, PENDING
T4_PARTS = ("MAINTAIN", "CORRECT", "OTHER", "PENDING")
T2_ITEM_ROWS = ("lic", "svc", "pen", "coer", "fee")


@dataclass
class Profile:
    """Per-agency constants drawn once (size, habits)."""

    size: float
    applicant_w: list[float]
    outcome_w: list[float]
    carry_p: float
    litigious: float
    proc_unit: str  # '元' | '万元'
    fee_decimals: int


@dataclass
class YearValues:
    """Clean figures of one agency-year (see module docstring for the grain)."""

    year: int
    t3: dict[str, dict[str, int]]  # row ('1', '2', leaves, '4') -> applicant column -> count
    t4: dict[str, dict[str, int]]  # block -> MAINTAIN/CORRECT/OTHER/PENDING -> count
    t2: dict[str, float] = field(default_factory=dict)  # flat state, e.g. 'docs.valid', 'lic.items'

    def t3_row(self, row: str) -> dict[str, int]:
        """Applicant counts of any T3 numeric row, including derived ones (3.6 and 3.7)."""
        if row in self.t3:
            return self.t3[row]
        if row == "3.6":
            leaves: tuple[str, ...] = ("3.6.1", "3.6.2", "3.6.3")
        elif row == "3.7":
            leaves = LEAVES_2021
        else:
            raise KeyError(row)
        return {c: sum(self.t3[r][c] for r in leaves) for c in T3_APPLICANT_COLUMNS}

    @property
    def intake(self) -> int:
        return sum(self.t3["1"].values())

    def cells(self, version: str, proc_unit: str = "元") -> dict[str, float]:
        """Every cell of format ``version`` ('2019' | '2021') with its clean value."""
        return {code: self._value(t, r, c, proc_unit) for code, t, r, c in _cell_specs(version)}

    def _value(self, table: str, row: str, col: str, proc_unit: str) -> float:
        if table == "T3":
            vals = self.t3_row(row)
            return sum(vals.values()) if col == "TOTAL" else vals[col]
        if table == "T4":
            vals4 = self.t4[row]
            return sum(vals4.values()) if col == "TOTAL" else vals4[col]
        return self._t2(row, col, proc_unit)

    def _t2(self, row: str, col: str, proc_unit: str) -> float:
        s = self.t2
        stock = {"20.1.1": "rules", "20.1.2": "docs"}
        items = {"20.5.1": "lic", "20.5.2": "svc", "20.6.1": "pen", "20.6.2": "coer", "20.8.1": "fee"}
        if row in stock:
            p = stock[row]
            return s[{"new_made": f"{p}.made", "new_pub": f"{p}.pub", "total_pub": f"{p}.total_pub",
                      "made": f"{p}.made", "repealed": f"{p}.repealed", "valid": f"{p}.valid"}[col]]
        if row in items:
            p = items[row]
            return s[{"prev_items": f"{p}.prev_items", "delta": f"{p}.delta", "decisions": f"{p}.decisions",
                      "fee_wan": "fee.wan"}[col]]
        if row == "20.9.1":
            if col == "proc_items":
                return s["proc.items"]
            yuan = s["proc.yuan"]
            return yuan if proc_unit == "元" else round(yuan / 10000, 2)
        raise KeyError(f"T2:{row}:{col}")


@cache
def _cell_specs(version: str) -> tuple[tuple[str, str, str, str], ...]:
    return tuple((s.code, s.table, s.row, s.col) for s in load_format(version).cells)


def draw_profile(seed: int, agency: Agency) -> Profile:
    """The agency's persistent habits and size (independent of the years simulated)."""
    rng = stream(seed, "profile", agency.agency_id)
    sigma = 1.1 if agency.dept.key in HEAVY_TAIL else 0.8
    size = math.exp(rng.gauss(-0.2, sigma))
    return Profile(
        size=size,
        applicant_w=perturb(rng, APPLICANT_WEIGHTS, 0.5),
        outcome_w=perturb(rng, list(OUTCOME_WEIGHTS.values()), 0.6),
        carry_p=0.0 if rng.random() < 0.5 else rng.uniform(0.01, 0.08),
        litigious=math.exp(rng.gauss(0, 0.7)),
        proc_unit="万元" if rng.random() < 0.4 else "元",
        fee_decimals=rng.choice((2, 2, 4, 6)),
    )


def _scale(agency: Agency, profile: Profile) -> float:
    return LEVEL_SCALE[agency.level] * profile.size


def _t3(rng: random.Random, agency: Agency, profile: Profile, year: int,
        carry_in: dict[str, int]) -> dict[str, dict[str, int]]:
    trend = 1.0 + 0.06 * (year - FIRST_YEAR)
    mean = agency.dept.apps * _scale(agency, profile) * trend * math.exp(rng.gauss(0, 0.25))
    intake = split(rng, poisson(rng, mean), profile.applicant_w)
    t3: dict[str, dict[str, int]] = {"1": dict(zip(T3_APPLICANT_COLUMNS, intake, strict=True)),
                                     "2": dict(carry_in)}
    leaves = {r: {} for r in LEAVES_2021}
    out4: dict[str, int] = {}
    for c in T3_APPLICANT_COLUMNS:
        available = t3["1"][c] + carry_in[c]
        out4[c] = binomial(rng, available, profile.carry_p)
        for r, n in zip(LEAVES_2021, split(rng, available - out4[c], profile.outcome_w), strict=True):
            leaves[r][c] = n
    t3.update(leaves)
    t3["4"] = out4
    return t3


def _t4(rng: random.Random, agency: Agency, profile: Profile, intake: int) -> dict[str, dict[str, int]]:
    base = (0.03 * intake + 0.05 * LEVEL_SCALE[agency.level]) * profile.litigious
    means = {"AR": base, "AL_D": base * 0.5, "AL_R": base * 0.3}
    out = {}
    for b in T4_BLOCKS:
        n = poisson(rng, means[b]) if rng.random() < 0.9 else 0
        out[b] = dict(zip(T4_PARTS, split(rng, n, T4_WEIGHTS), strict=True))
    return out


def _t2(rng: random.Random, agency: Agency, profile: Profile, prev: dict[str, float] | None) -> dict[str, float]:
    d, scale = agency.dept, _scale(agency, profile)
    s: dict[str, float] = {}
    lvl = LEVEL_SCALE[agency.level]
    for p, mean_made in (("rules", (6.0 if lvl >= 8 else 2.0) if agency.makes_rules else 0.0),
                         ("docs", d.docs * math.sqrt(lvl) * math.sqrt(profile.size))):
        made = poisson(rng, mean_made)
        if prev is None:
            valid_prev = poisson(rng, mean_made * rng.uniform(6, 14)) if mean_made else 0
            total_prev = valid_prev + poisson(rng, valid_prev * 0.4)
        else:
            valid_prev, total_prev = int(prev[f"{p}.valid"]), int(prev[f"{p}.total_pub"])
        repealed = min(valid_prev + made, poisson(rng, mean_made * 0.35))
        pub = made if rng.random() < 0.9 else binomial(rng, made, 0.8)
        s.update({f"{p}.made": made, f"{p}.repealed": repealed, f"{p}.valid": valid_prev + made - repealed,
                  f"{p}.pub": pub, f"{p}.total_pub": total_prev + pub})
    means = {"lic": d.lic, "svc": d.lic * 0.3, "pen": d.pen, "coer": d.coer, "fee": 0.0}
    for p in T2_ITEM_ROWS:
        active = means[p] > 0 or (p == "fee" and d.fee_wan > 0)
        if prev is None:
            items = poisson(rng, 5 + 3 * math.log1p(means[p] or d.fee_wan)) if active else 0
        else:
            items = int(prev[f"{p}.prev_items"] + prev[f"{p}.delta"])
        delta = max(-items, round(rng.gauss(0, 1.5 + items * 0.05))) if active else 0
        s[f"{p}.prev_items"], s[f"{p}.delta"] = items, delta
        s[f"{p}.decisions"] = poisson(rng, means[p] * scale) if active else 0
    fee = d.fee_wan * scale * math.exp(rng.gauss(0, 0.3)) if d.fee_wan else 0.0
    s["fee.wan"] = round(fee, profile.fee_decimals)
    proc = poisson(rng, 3 * math.sqrt(lvl))
    s["proc.items"] = proc
    s["proc.yuan"] = float(round(sum(rng.lognormvariate(11, 1.2) for _ in range(proc)), 2)) if proc else 0.0
    return s


Hook = Callable[[int, "YearValues | None", YearValues], YearValues]


def simulate(seed: int, agency: Agency, last_year: int, hook: Hook | None = None) -> dict[int, YearValues]:
    """Figures for every year FIRST_YEAR..last_year (chained; independent of other agencies).

    ``hook(year, previous, drawn)`` may replace a year's figures (defects that change what the agency
    reports); the next year chains from what the hook returned.
    """
    profile = draw_profile(seed, agency)
    out: dict[int, YearValues] = {}
    prev: YearValues | None = None
    for year in range(FIRST_YEAR, last_year + 1):
        rng = stream(seed, "year", agency.agency_id, year)
        if prev is None:
            guess = agency.dept.apps * _scale(agency, profile)
            carry_in = {c: binomial(rng, n, profile.carry_p)
                        for c, n in zip(T3_APPLICANT_COLUMNS,
                                        split(rng, poisson(rng, guess), profile.applicant_w), strict=True)}
        else:
            carry_in = dict(prev.t3["4"])
        t3 = _t3(rng, agency, profile, year, carry_in)
        intake = sum(t3["1"].values())
        yv = YearValues(year, t3, _t4(rng, agency, profile, intake),
                        _t2(rng, agency, profile, prev.t2 if prev else None))
        if hook is not None:
            yv = hook(year, prev, yv)
        out[year] = yv
        prev = yv
    return out


def copy_year(prev: YearValues, year: int) -> YearValues:
    """A copy of ``prev`` relabelled as ``year`` (the X-COPY defect: identical numbers)."""
    yv = copy.deepcopy(prev)
    yv.year = year
    return yv
