"""The agency registry a user supplies: who is expected to report, under which names, and when.

A registry is a CSV file (UTF-8 or GBK) with a header row. Columns (only ``name`` is required):

``id``            groups rows into one agency; rows sharing an id are its validity periods (a 机构改革
                  rename or merger: 海安市科学技术局 until 2020, 海安市科技创新局 from 2021). Without it,
                  each row is its own agency.
``name``          the agency's name during the period.
``aliases``       other names it publishes under, separated by ``;`` ``|`` or ``、``.
``region_codes``  division codes (``320685``) separated by ``;``.
``level``, ``kind``, ``sector``  override what :func:`xxgk.agencies.classify_agency` reads from the name.
``parent``        the parent agency's name (e.g. the 人民政府 a department belongs to).
``valid_from``, ``valid_to``  ``YYYY`` or ``YYYY-MM-DD`` (a year alone means 1 January / 31 December).

An agency is *expected* to report for year Y when one of its periods covers 31 December of Y.
The canonical name of an agency is the name of its latest period: every other name and alias of
any period resolves to it (see :func:`alias_map`), so a rename keeps one ``agency_key`` and its history.
Pure Python: no Dagster, no database.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from xxgk.agencies import classify_agency, fold_name, normalize_agency_name

REGISTRY_ENV = "XXGK_REGISTRY"
REGISTRY_NAME = "registry.csv"
_SPLIT = re.compile(r"[;；|、]")
_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class RegistryPeriod:
    """One row of the registry: an agency under one name for one validity period."""

    agency_id: str
    name: str
    aliases: tuple[str, ...] = ()
    region_codes: tuple[str, ...] = ()
    level: str | None = None
    kind: str | None = None
    sector: str | None = None
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    line: int = 0

    def covers_year(self, year: int) -> bool:
        """True when the period covers 31 December of report year ``year``."""
        end = date(year, 12, 31)
        return (self.valid_from is None or self.valid_from <= end) and (self.valid_to is None or self.valid_to >= end)


@dataclass(frozen=True)
class RegistryProblem:
    """A located problem in the registry file; the offending row (or value) is ignored."""

    line: int
    code: str
    message: str


@dataclass
class Registry:
    """The periods read from a registry file, and the problems met while reading it."""

    path: str | None = None
    periods: list[RegistryPeriod] = field(default_factory=list)
    problems: list[RegistryProblem] = field(default_factory=list)

    def canonical_names(self) -> dict[str, str]:
        """agency id → canonical name (the name of its latest period)."""
        out: dict[str, tuple[date, int, str]] = {}
        for p in self.periods:
            rank = (p.valid_from or date.min, p.line, p.name)
            if p.agency_id not in out or rank > out[p.agency_id]:
                out[p.agency_id] = rank
        return {k: v[2] for k, v in out.items()}


def registry_path(inbox: Path | str | None) -> Path | None:
    """``$XXGK_REGISTRY`` if set, else ``<inbox>/registry.csv`` when it exists, else None."""
    env = os.environ.get(REGISTRY_ENV)
    if env:
        return Path(env)
    if inbox is not None:
        p = Path(inbox) / REGISTRY_NAME
        if p.is_file():
            return p
    return None


def _parse_date(text: str, end: bool) -> date:
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 12, 31) if end else date(int(text), 1, 1)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not m:
        raise ValueError(text)
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(s.strip() for s in _SPLIT.split(text or "") if s.strip())


def parse_registry(text: str, path: str | None = None) -> Registry:
    """Read and validate registry CSV text. Invalid rows are reported in ``problems`` and skipped."""
    reg = Registry(path=path)
    reader = csv.DictReader(io.StringIO(text))
    fields = [(f or "").strip().lower() for f in reader.fieldnames or []]
    if "name" not in fields:
        reg.problems.append(RegistryProblem(1, "registry_no_name_column", "registry has no 'name' column"))
        return reg
    seen: dict[tuple[str, str], int] = {}
    for lineno, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if isinstance(v, str)}
        name = fold_name(row.get("name", ""))
        if not name:
            reg.problems.append(RegistryProblem(lineno, "registry_empty_name", "row without a name ignored"))
            continue
        try:
            vf = _parse_date(row["valid_from"], end=False) if row.get("valid_from") else None
            vt = _parse_date(row["valid_to"], end=True) if row.get("valid_to") else None
        except ValueError as e:
            reg.problems.append(RegistryProblem(lineno, "registry_bad_date", f"unreadable date {e}; row ignored"))
            continue
        if vf and vt and vt < vf:
            reg.problems.append(
                RegistryProblem(lineno, "registry_bad_period", f"valid_to {vt} before valid_from {vf}; row ignored")
            )
            continue
        agency_id = row.get("id") or normalize_agency_name(name)
        key = (agency_id, str(vf))
        if key in seen:
            reg.problems.append(
                RegistryProblem(lineno, "registry_duplicate", f"same agency and start as line {seen[key]}; ignored")
            )
            continue
        seen[key] = lineno
        codes = _split(row.get("region_codes"))
        bad = [c for c in codes if not c.isdigit()]
        if bad:
            reg.problems.append(RegistryProblem(lineno, "registry_bad_region_code", f"region codes {bad} ignored"))
            codes = tuple(c for c in codes if c.isdigit())
        reg.periods.append(
            RegistryPeriod(
                agency_id=agency_id,
                name=name,
                aliases=tuple(fold_name(a) for a in _split(row.get("aliases"))),
                region_codes=codes,
                level=row.get("level") or None,
                kind=row.get("kind") or None,
                sector=row.get("sector") or None,
                parent=fold_name(row["parent"]) if row.get("parent") else None,
                valid_from=vf,
                valid_to=vt,
                line=lineno,
            )
        )
    _check_overlaps(reg)
    _check_alias_clashes(reg)
    return reg


def _check_overlaps(reg: Registry) -> None:
    by_id: dict[str, list[RegistryPeriod]] = {}
    for p in reg.periods:
        by_id.setdefault(p.agency_id, []).append(p)
    for periods in by_id.values():
        periods.sort(key=lambda p: p.valid_from or date.min)
        for a, b in itertools.pairwise(periods):
            if a.valid_to is None or (b.valid_from is not None and a.valid_to >= b.valid_from):
                reg.problems.append(
                    RegistryProblem(b.line, "registry_overlap", f"period overlaps line {a.line} of the same agency")
                )


def _check_alias_clashes(reg: Registry) -> None:
    owner: dict[str, tuple[str, int]] = {}
    for p in reg.periods:
        for n in (p.name, *p.aliases):
            key = normalize_agency_name(n)
            if key in owner and owner[key][0] != p.agency_id:
                reg.problems.append(
                    RegistryProblem(
                        p.line, "registry_alias_clash", f"{n} already names the agency of line {owner[key][1]}"
                    )
                )
            owner.setdefault(key, (p.agency_id, p.line))


def load_registry(path: Path | str | None) -> Registry:
    """The registry at ``path`` (an empty registry when None; a problem when unreadable)."""
    if path is None:
        return Registry()
    p = Path(path)
    if not p.is_file():
        return Registry(str(p), problems=[RegistryProblem(0, "registry_missing", f"no registry file at {p}")])
    if p.stat().st_size > _MAX_BYTES:
        return Registry(str(p), problems=[RegistryProblem(0, "registry_too_large", "registry above 50 MB ignored")])
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")
    return parse_registry(text, str(p))


def alias_map(reg: Registry) -> dict[str, str]:
    """normalized name or alias → normalized canonical name, for every name the registry knows.

    Clashing aliases (one name for two agencies) keep the first agency. Identity entries are left out.
    """
    canon = {k: normalize_agency_name(v) for k, v in reg.canonical_names().items()}
    out: dict[str, str] = {}
    for p in reg.periods:
        for n in (p.name, *p.aliases):
            key = normalize_agency_name(n)
            if key != canon[p.agency_id]:
                out.setdefault(key, canon[p.agency_id])
    return out


def classify_period(p: RegistryPeriod) -> dict[str, str | None]:
    """Level, kind, sector of a period: the registry's values, else what the name says."""
    info = classify_agency(p.name)
    return {
        "level": p.level or info.get("level"),
        "kind": p.kind or info.get("kind"),
        "sector": p.sector or info.get("sector"),
        "region": info.get("region"),
        "region_code": p.region_codes[0] if p.region_codes else info.get("region_code"),
    }


__all__ = [
    "REGISTRY_ENV",
    "Registry",
    "RegistryPeriod",
    "RegistryProblem",
    "alias_map",
    "classify_period",
    "load_registry",
    "parse_registry",
    "registry_path",
]
