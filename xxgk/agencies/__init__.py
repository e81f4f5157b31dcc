"""Agency vocabulary: level, kind and sector of an agency name, and a canonical key for matching.

The keyword tables are data (``data/agencies.yaml``); regions come from :mod:`xxgk.regions`.

>>> classify_agency("海安市科学技术局")["sector"]
'科技'
>>> normalize_agency_name("海安科学技术局") == normalize_agency_name("江苏省海安市科技局")
True
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from xxgk.regions import Region, gazetteer

DATA_FILE = Path(__file__).resolve().parent / "data" / "agencies.yaml"

_LEVEL_OF_REGION = {"province": "provincial", "prefecture": "prefecture", "county": "county"}
_TOWNSHIP = re.compile(
    r"^(?P<town>[\u4e00-\u9fff]{1,10}?(?:镇|乡|街道|苏木))"
    r"(?:人民政府|政府|办事处|工作委员会|党工委)?(?:办公室)?$"
)
_PARENS = re.compile(r"[（(][^（()）]*[)）]")
_GOV_REST = re.compile(r"^(?:人民)?政府(?P<office>办(?:公室|公厅)?)?$")


@dataclass(frozen=True)
class _Vocab:
    government: tuple[str, ...]
    national_prefixes: tuple[str, ...]
    national_suffixes: tuple[str, ...]
    sector_keywords: tuple[tuple[str, str], ...]  # (keyword, sector), longest keyword first
    aliases: tuple[tuple[str, str], ...]  # (long, canonical), longest first


@cache
def vocabulary() -> _Vocab:
    """The keyword tables of ``data/agencies.yaml`` (loaded once)."""
    raw: dict[str, Any] = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    kws = [(kw, sector) for sector, words in raw["sectors"].items() for kw in words]
    return _Vocab(
        government=tuple(sorted(raw["government"], key=len, reverse=True)),
        national_prefixes=tuple(raw["national_prefixes"]),
        national_suffixes=tuple(raw["national_suffixes"]),
        sector_keywords=tuple(sorted(kws, key=lambda kv: len(kv[0]), reverse=True)),
        aliases=tuple(sorted(raw["aliases"].items(), key=lambda kv: len(kv[0]), reverse=True)),
    )


def fold_name(name: str) -> str:
    """NFKC, no whitespace or quotes, brackets folded to full width: the printed name made comparable."""
    s = unicodedata.normalize("NFKC", name)
    s = re.sub(r"[\s\"'“”‘’「」《》]", "", s)
    return s.replace("(", "（").replace(")", "）")


def split_region(name: str, context: str = "") -> tuple[Region | None, str, str]:
    """(region, region text, rest) for an agency name; the region may also sit inside the name.

    '淮安市洪泽区人民政府' → (洪泽区, '淮安市洪泽区', '人民政府');
    '国家税务总局海安市税务局' → (海安市, '', '国家税务总局海安市税务局').
    """
    gz = gazetteer()
    region, prefix, rest = gz.split_prefix(name, context)
    if prefix:
        return region, prefix, rest
    # a full division name inside the name (vertically managed bodies: 国家税务总局XX市税务局)
    inner = [n for n in gz.mentions(name) if n in gz.by_name]
    if inner:
        best = max(inner, key=len)
        return gz.resolve(best, context + name), "", name
    return None, "", name


def classify_agency(name: str, context: str = "") -> dict[str, str | None]:
    """Level, kind and sector of an agency name.

    Returns ``level`` ('national'|'provincial'|'prefecture'|'county'|'township'|'unknown'),
    ``kind`` ('government'|'department'|'township'), ``sector`` (e.g. '科技', '人民政府', None when
    no keyword matches), ``region`` (most specific region name or None) and ``region_code``.
    ``context`` (e.g. the report text) helps resolve a region name shared by several divisions.
    """
    voc = vocabulary()
    s = _PARENS.sub("", fold_name(name))
    region, prefix, rest = split_region(s, context)
    out: dict[str, str | None] = {
        "level": "unknown",
        "kind": "department",
        "sector": None,
        "region": region.name if region else (prefix or None),
        "region_code": region.code if region else None,
    }
    if region is not None:
        out["level"] = _LEVEL_OF_REGION.get(region.admin_level, "unknown")
    if _TOWNSHIP.match(rest) and not any(rest.endswith(kw) for kw, _ in voc.sector_keywords):
        out.update(level="township", kind="township", sector="乡镇街道")
        return out
    if (rest == "" and prefix) or rest in voc.government:
        out.update(kind="government", sector="人民政府")
    national = s.startswith(voc.national_prefixes) or s.endswith(voc.national_suffixes)
    if not prefix and region is None and national:
        out["level"] = "national"
    if out["kind"] != "government":
        for kw, sector in voc.sector_keywords:
            if kw in rest:
                out["sector"] = sector
                break
    return out


def normalize_agency_name(name: str, context: str = "") -> str:
    """Canonical key for matching one agency across reports (not for display).

    The region prefix is replaced by the full region path (海安 → 江苏省南通市海安市), bracketed
    notes are dropped and long department names folded to their usual short forms
    (科学技术局 → 科技局, 人力资源和社会保障局 → 人社局, 政府办 → 人民政府办公室).
    """
    s = _PARENS.sub("", fold_name(name))
    region, prefix, rest = gazetteer().split_prefix(s, context)
    head = region.path if region is not None else prefix
    m = _GOV_REST.match(rest)
    if m:
        office = m.group("office")
        rest = "人民政府" + ("" if not office else "办公厅" if office.endswith("厅") else "办公室")
    else:
        for long, short in vocabulary().aliases:
            rest = rest.replace(long, short)
    return head + rest


__all__ = ["classify_agency", "fold_name", "normalize_agency_name", "split_region", "vocabulary"]
