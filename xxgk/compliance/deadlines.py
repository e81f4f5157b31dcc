"""Deadlines as data: national defaults by agency kind plus local overrides (``deadlines.yaml``).

:func:`deadline_rules` turns the file into rows the calendar SQL joins on (most specific match
wins); :func:`deadline_for` answers one agency-year in Python (tests, small tools).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent / "deadlines.yaml"
DEADLINES_ENV = "XXGK_DEADLINES"
KINDS = ("department", "government", "township", "unknown")
_MD = re.compile(r"(\d{1,2})-(\d{1,2})")


class DeadlineError(ValueError):
    """The deadlines file is malformed."""


@dataclass(frozen=True)
class DeadlineRule:
    """One deadline rule; None fields match anything. ``specificity`` orders competing matches."""

    rule_no: int
    month: int
    day: int
    kind: str | None = None
    level: str | None = None
    region: str | None = None
    years: tuple[int, ...] = ()
    source: str = "national"

    @property
    def specificity(self) -> int:
        return 8 * (self.region is not None) + 4 * bool(self.years) + 2 * (self.level is not None) + (
            self.kind is not None
        )

    def matches(self, kind: str | None, level: str | None, regions: tuple[str | None, ...], year: int) -> bool:
        return (
            (self.kind is None or self.kind == (kind or "unknown"))
            and (self.level is None or self.level == level)
            and (self.region is None or self.region in regions)
            and (not self.years or year in self.years)
        )


def _md(text: Any, where: str) -> tuple[int, int]:
    m = _MD.fullmatch(str(text).strip())
    if not m:
        raise DeadlineError(f"{where}: deadline {text!r} is not MM-DD")
    month, day = int(m.group(1)), int(m.group(2))
    try:
        date(2001, month, day)
    except ValueError as e:
        raise DeadlineError(f"{where}: {text!r} is not a date") from e
    return month, day


def parse_deadlines(doc: dict[str, Any]) -> tuple[tuple[DeadlineRule, ...], dict[str, float]]:
    """Validated rules and the aggregate tolerance of a parsed deadlines document."""
    if not isinstance(doc, dict) or not isinstance(doc.get("national"), dict):
        raise DeadlineError("deadlines must be a mapping with a 'national' mapping")
    rules: list[DeadlineRule] = []
    for kind, md in doc["national"].items():
        if kind not in KINDS:
            raise DeadlineError(f"national: unknown kind {kind!r} (known: {KINDS})")
        rules.append(DeadlineRule(len(rules), *_md(md, f"national.{kind}"), kind=kind))
    if "unknown" not in doc["national"]:
        raise DeadlineError("national: a deadline for kind 'unknown' is required")
    for i, o in enumerate(doc.get("overrides") or []):
        where = f"overrides[{i}]"
        if not isinstance(o, dict) or "deadline" not in o:
            raise DeadlineError(f"{where}: needs a deadline")
        if o.get("kind") is not None and o["kind"] not in KINDS:
            raise DeadlineError(f"{where}: unknown kind {o['kind']!r}")
        rules.append(
            DeadlineRule(
                len(rules), *_md(o["deadline"], where), kind=o.get("kind"), level=o.get("level"),
                region=o.get("region"), years=tuple(int(y) for y in o.get("years") or ()),
                source=str(o.get("source") or f"override {i}"),
            )
        )
    tol = doc.get("aggregate_tolerance") or {}
    tolerance = {"absolute": float(tol.get("absolute", 2)), "relative": float(tol.get("relative", 0.05))}
    return tuple(rules), tolerance


@cache
def _load(path: str) -> tuple[tuple[DeadlineRule, ...], dict[str, float]]:
    return parse_deadlines(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def deadline_rules(path: str | Path | None = None) -> tuple[DeadlineRule, ...]:
    """The rules of ``path``, ``$XXGK_DEADLINES`` or the packaged ``deadlines.yaml``."""
    return _load(str(path or os.environ.get(DEADLINES_ENV) or DEFAULT_PATH))[0]


def aggregate_tolerance(path: str | Path | None = None) -> dict[str, float]:
    """{'absolute': …, 'relative': …} for W-AGGREGATE-SUM."""
    return _load(str(path or os.environ.get(DEADLINES_ENV) or DEFAULT_PATH))[1]


def deadline_for(
    kind: str | None, level: str | None, year: int, regions: tuple[str | None, ...] = (), path: str | None = None
) -> tuple[date, str]:
    """(deadline, rule source) of one agency's report for ``year``."""
    rules = [r for r in deadline_rules(path) if r.matches(kind, level, regions, year)]
    if not rules:  # a kind without a national entry: the lenient 'unknown' deadline
        rules = [r for r in deadline_rules(path) if r.kind == "unknown" and r.region is None]
    best = max(rules, key=lambda r: (r.specificity, r.rule_no))
    return date(year + 1, best.month, best.day), best.source


__all__ = ["DeadlineError", "DeadlineRule", "aggregate_tolerance", "deadline_for", "deadline_rules", "parse_deadlines"]
