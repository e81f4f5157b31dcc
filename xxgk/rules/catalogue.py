"""The rule catalogue (``expectations/rules.yaml``): load, validate against the template, expand.

One :class:`Rule` per catalogue entry. Equation rules (sum and inequality rules kept as data) are
expanded per format into concrete :class:`Equation` objects whose cells are template cell codes;
``xxgk.rules.equations`` turns them into one table that a single SQL query evaluates.
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from xxgk.template.model import (
    FORMAT_VERSIONS,
    T3_APPLICANT_COLUMNS,
    T3_COLUMNS,
    T4_BLOCKS,
    T4_COLUMNS,
    load_format,
)

SEVERITIES = ("E", "W", "I")
SHEETS = ("T2", "T3", "T4", "X")
KINDS = ("equation", "sql")
OPS = ("eq", "ge")
TEXT_SECTIONS = ("S1", "S2", "S3", "S4", "S5", "S6", "ALL")
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "expectations" / "rules.yaml"
SQL_DIR = Path(__file__).resolve().parent / "sql"
_VAR = re.compile(r"\{(\w+)\}")


class CatalogueError(ValueError):
    """The catalogue is malformed or names a cell the template does not have."""


@dataclass(frozen=True)
class Equation:
    """One concrete equation: ``Σ lhs (op) Σ rhs`` over cell codes of one format."""

    rule_id: str
    layout: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    op: str = "eq"
    gate: str | None = None

    @property
    def cells(self) -> tuple[str, ...]:
        return self.lhs + self.rhs

    @property
    def key(self) -> str:
        """Canonical cell-set string, e.g. ``T3:1:NP,T3:2:NP,T3:3.7:NP,T3:4:NP``."""
        return ",".join(self.cells)


@dataclass(frozen=True)
class Rule:
    """One catalogue entry."""

    id: str
    severity: str
    formats: tuple[str, ...]
    sheets: tuple[str, ...]
    kind: str
    message_zh: str
    message_en: str
    cells: tuple[str, ...]
    equations: tuple[dict[str, Any], ...] = ()
    extensions: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()
    blocking: bool = False
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def sql_path(self) -> Path:
        return SQL_DIR / f"{self.id.lower().replace('-', '_')}.sql"


def _macros(version: str, bound: dict[str, str]) -> dict[str, tuple[str, ...]]:
    fm = load_format(version)
    groups = fm.t3_groups()
    return {
        "t3_columns": T3_COLUMNS,
        "t3_applicant": T3_APPLICANT_COLUMNS,
        "t3_lp": T3_APPLICANT_COLUMNS[1:],
        "t3_numeric_rows": tuple(r.code for r in fm.t3_numeric_rows()),
        "t3_leaves": fm.t3_outcome_leaves(),
        "t3_groups": tuple(groups),
        "group_children": groups.get(bound.get("g", ""), ()),
        "t4_blocks": T4_BLOCKS,
        "t4_parts": T4_COLUMNS[:-1],
        "t2_rows": tuple(r.code for r in fm.table_rows("T2") if r.has_cells),
    }


def expand_pattern(pattern: str, version: str, bound: dict[str, str]) -> tuple[str, ...]:
    """Concrete cell codes of ``pattern`` (variables substituted, ``@macro`` segments expanded)."""
    text = _VAR.sub(lambda m: bound[m.group(1)] if m.group(1) in bound else m.group(0), pattern)
    suffix = ""
    if text.endswith("@prev"):
        text, suffix = text[: -len("@prev")], "@prev"
    macros = _macros(version, bound)
    parts: list[tuple[str, ...]] = []
    for seg in text.split(":"):
        if seg.startswith("@"):
            if seg[1:] not in macros:
                raise CatalogueError(f"unknown macro {seg!r} in {pattern!r}")
            parts.append(macros[seg[1:]])
        else:
            parts.append((seg,))
    return tuple(":".join(p) + suffix for p in itertools.product(*parts))


def _bindings(foreach: dict[str, Any], version: str) -> list[dict[str, str]]:
    names = list(foreach)
    domains = []
    for n in names:
        v = foreach[n]
        domains.append(_macros(version, {})[v[1:]] if isinstance(v, str) and v.startswith("@") else tuple(v))
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*domains)]


def rule_equations(rule: Rule, version: str) -> list[Equation]:
    """Expand an equation rule for one format (T3 rules: the format of the report's T3 layout)."""
    out: list[Equation] = []
    if rule.kind != "equation" or version not in rule.formats:
        return out
    for fam in rule.equations:
        for bound in _bindings(fam.get("foreach", {}), version):
            lhs = tuple(c for p in fam["lhs"] for c in expand_pattern(p, version, bound))
            rhs = tuple(c for p in fam.get("rhs", []) for c in expand_pattern(p, version, bound))
            if not lhs:
                continue
            if not rhs and fam.get("op", "eq") == "eq":
                continue  # e.g. a group without children
            out.append(Equation(rule.id, version, lhs, rhs, fam.get("op", "eq"), fam.get("gate")))
    return out


def _pattern_domains(rule: Rule, version: str) -> dict[str, tuple[str, ...]]:
    m = _macros(version, {})
    rows = rule.rows
    if not rows:
        rows = tuple(
            r for fam in rule.equations for r in fam.get("foreach", {}).get("row", []) if isinstance(r, str)
        )
    return {
        "c": m["t3_columns"],
        "r": m["t3_numeric_rows"],
        "g": m["t3_groups"],
        "b": m["t4_blocks"],
        "row": rows or m["t2_rows"],
    }


def _expand_free(pattern: str, rule: Rule, version: str) -> set[str]:
    domains = _pattern_domains(rule, version)
    names = [n for n in _VAR.findall(pattern) if n in domains]
    out: set[str] = set()
    for combo in itertools.product(*(domains[n] for n in names)):
        bound = dict(zip(names, combo, strict=True))
        out.update(expand_pattern(pattern, version, bound))
    return out


def _is_special(code: str) -> bool:
    base = code.removesuffix("@prev")
    if base.startswith("TEXT:"):
        return base[5:] in TEXT_SECTIONS
    return base in ("T2:*", "T3:*", "T4:*")


def validate_rule(rule: Rule) -> None:
    """Raise :class:`CatalogueError` if a field is invalid or a cell is not in the template."""
    where = f"rule {rule.id}"
    if not re.fullmatch(r"[A-Z]+(-[A-Z0-9]+)+", rule.id):
        raise CatalogueError(f"{where}: malformed id")
    if rule.severity not in SEVERITIES:
        raise CatalogueError(f"{where}: severity {rule.severity!r} not in {SEVERITIES}")
    if not rule.formats or any(f not in FORMAT_VERSIONS for f in rule.formats):
        raise CatalogueError(f"{where}: formats {rule.formats!r} must be a subset of {FORMAT_VERSIONS}")
    if not rule.sheets or any(s not in SHEETS for s in rule.sheets):
        raise CatalogueError(f"{where}: sheets {rule.sheets!r} must be a subset of {SHEETS}")
    if rule.kind not in KINDS:
        raise CatalogueError(f"{where}: kind {rule.kind!r} not in {KINDS}")
    if not rule.message_zh or not rule.message_en or not rule.cells:
        raise CatalogueError(f"{where}: message_zh, message_en and cells are required")
    if rule.kind == "equation" and not rule.equations:
        raise CatalogueError(f"{where}: an equation rule needs equations")
    if rule.kind == "sql" and not rule.sql_path.exists():
        raise CatalogueError(f"{where}: missing SQL file {rule.sql_path.name}")
    for fam in rule.equations:
        if fam.get("op", "eq") not in OPS:
            raise CatalogueError(f"{where}: op must be one of {OPS}")
        if fam.get("gate") not in (None, "lhs"):
            raise CatalogueError(f"{where}: gate must be 'lhs' or absent")
    real: dict[str, frozenset[str]] = {v: load_format(v).cell_codes for v in rule.formats}
    ext: set[str] = set()
    for v in rule.formats:
        for p in rule.extensions:
            ext.update(expand_pattern(p, v, {}))
    allowed = set().union(*real.values()) | ext
    referenced: set[str] = set()
    for v in rule.formats:
        for p in rule.cells:
            referenced.update(_expand_free(p, rule, v))
        for eq in rule_equations(rule, v):
            bad = [c for c in eq.cells if c not in real[v] and c not in ext]
            if bad:
                raise CatalogueError(f"{where}: format {v} equation names unknown cells {bad}")
    bad = sorted(c for c in referenced if not _is_special(c) and c.removesuffix("@prev") not in allowed)
    if bad:
        raise CatalogueError(f"{where}: cells not in the template for {rule.formats}: {bad[:5]}")


def _rule_from(d: dict[str, Any]) -> Rule:
    missing = {"id", "severity", "formats", "sheets", "kind", "message_zh", "message_en", "cells"} - set(d)
    if missing:
        raise CatalogueError(f"rule {d.get('id', '?')}: missing fields {sorted(missing)}")
    return Rule(
        id=str(d["id"]),
        severity=str(d["severity"]),
        formats=tuple(str(f) for f in d["formats"]),
        sheets=tuple(d["sheets"]),
        kind=str(d["kind"]),
        message_zh=str(d["message_zh"]),
        message_en=str(d["message_en"]),
        cells=tuple(d["cells"]),
        equations=tuple(d.get("equations", ())),
        extensions=tuple(d.get("extensions", ())),
        rows=tuple(d.get("rows", ())),
        blocking=bool(d.get("blocking", False)),
        raw=d,
    )


def parse_catalogue(data: dict[str, Any]) -> tuple[Rule, ...]:
    """Validate a parsed catalogue document and return its rules."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise CatalogueError("catalogue must be a mapping with a 'rules' list")
    rules = tuple(_rule_from(d) for d in data["rules"])
    ids = [r.id for r in rules]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CatalogueError(f"duplicate rule ids: {dupes}")
    for r in rules:
        validate_rule(r)
    return rules


@cache
def load_catalogue(path: str | None = None) -> tuple[Rule, ...]:
    """Load and validate the catalogue (``$XXGK_RULES_PATH`` or ``expectations/rules.yaml``)."""
    p = Path(path or os.environ.get("XXGK_RULES_PATH") or DEFAULT_PATH)
    with p.open(encoding="utf-8") as fh:
        return parse_catalogue(yaml.safe_load(fh))


def rules_by_id(path: str | None = None) -> dict[str, Rule]:
    """The catalogue as a dict keyed by rule id."""
    return {r.id: r for r in load_catalogue(path)}
