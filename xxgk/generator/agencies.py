"""Agency hierarchy: provinces → cities → counties → departments and townships.

``build_agencies(seed, n_agencies)`` picks a national-shaped slice: few regions for a small sample,
up to 31 provinces × 11 cities × 9 counties (≈ 146k reporting agencies) at full scale. Agencies of one
government are listed in priority order (government first, busy departments next, townships mixed
in), so a small sample still covers the interesting cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from .departments import DEPARTMENTS, GOVERNMENT, TOWNSHIP, DeptType
from .gazetteer import CITIES, PROVINCES, synth_name
from .rng import stream

Level = Literal["province", "municipality", "city", "county", "township"]
Kind = Literal["government", "department", "township"]

MAX_CITIES_PER_PROVINCE = 11
MAX_COUNTIES_PER_CITY = 9
TOWNSHIPS_PER_COUNTY = 13


@dataclass(frozen=True)
class Agency:
    """One reporting agency (one report per year).

    ``level`` is the administrative level of the government the agency belongs to; ``scope`` is
    'aggregate' for a government report titled with the bare government name (a regional roll-up),
    'agency' otherwise.
    """

    agency_id: str
    name: str
    kind: Kind
    level: Level
    dept: DeptType
    province: str
    city: str | None = None
    county: str | None = None
    township: str | None = None
    scope: Literal["agency", "aggregate"] = "agency"

    @property
    def region(self) -> str:
        """Region path as in the corpus truth ('江苏省南通市海安市'); townships use their county."""
        parts = [self.province]
        if self.city and self.city != self.province:
            parts.append(self.city)
        if self.county:
            parts.append(self.county)
        return "".join(parts)

    @property
    def folder(self) -> tuple[str, ...]:
        """Folder parts of the inbox path: province / city / county (as far as they exist)."""
        parts = [self.province]
        if self.city and self.city != self.province:
            parts.append(self.city)
        if self.county:
            parts.append(self.county)
        return tuple(parts)

    @property
    def makes_rules(self) -> bool:
        """Only provincial and prefecture-level people's governments make 规章."""
        return self.kind == "government" and self.level in ("province", "municipality", "city")


@dataclass
class _Unit:
    """One government and the agencies under it, in priority order."""

    agencies: list[Agency] = field(default_factory=list)


def _gov(aid: str, region_name: str, level: Level, rng_key: float, **where: str | None) -> Agency:
    if level in ("province", "municipality"):
        name, scope = (region_name + "人民政府办公厅", "agency") if rng_key < 0.7 else (
            region_name + "人民政府", "aggregate")
    else:
        name, scope = (region_name + "人民政府", "aggregate") if rng_key < 0.5 else (
            region_name + "人民政府办公室", "agency")
    return Agency(aid, name, "government", level, GOVERNMENT, scope=scope, **where)  # type: ignore[arg-type]


def _departments(prefix: str, region_name: str, level: Level, provincial: bool,
                 **where: str | None) -> list[Agency]:
    out = []
    for d in DEPARTMENTS:
        local = d.province_name if provincial else d.local_name
        if local is None:
            continue
        out.append(Agency(f"{prefix}.{d.key}", region_name + local, "department", level, d,
                          **where))  # type: ignore[arg-type]
    return out


def _county_unit(seed: int, prefix: str, province: str, city: str | None, county: str,
                 taken: set[str]) -> _Unit:
    rng = stream(seed, "county", prefix)
    where = {"province": province, "city": city, "county": county}
    gov = _gov(f"{prefix}.gov", county, "county", rng.random(), **where)
    depts = _departments(prefix, county, "county", False, **where)
    towns: list[Agency] = []
    local_taken: set[str] = set()
    for ti in range(TOWNSHIPS_PER_COUNTY):
        r = rng.random()
        suffix = "街道" if r < 0.3 else ("乡" if r < 0.4 else "镇")
        town = synth_name(rng, suffix, local_taken)
        name = county + town + ("办事处" if suffix == "街道" else "人民政府")
        towns.append(Agency(f"{prefix}.town{ti:02d}", name, "township", "township", TOWNSHIP,
                            township=town, **where))  # type: ignore[arg-type]
    ordered: list[Agency] = [gov]
    for i, d in enumerate(depts):
        ordered.append(d)
        if i % 2 == 1 and towns:
            ordered.append(towns.pop(0))
    ordered.extend(towns)
    return _Unit(ordered)


def _shape(n: int) -> tuple[int, int, int]:
    n_prov = min(len(PROVINCES), max(1, math.ceil(n / 3300)))
    n_city = min(MAX_CITIES_PER_PROVINCE, max(1, math.ceil(n / n_prov / 350)))
    n_county = min(MAX_COUNTIES_PER_CITY, max(1, math.ceil(n / (n_prov * n_city) / 45)))
    return n_prov, n_city, n_county


def _units(seed: int, n: int) -> list[_Unit]:
    n_prov, n_city, n_county = _shape(n)
    taken = {c for cities in CITIES.values() for c, _ in cities}
    taken |= {k for cities in CITIES.values() for _, ks in cities for k in ks}
    units: list[_Unit] = []
    for pi, (prov, pkind) in enumerate(PROVINCES[:n_prov]):
        rng = stream(seed, "province", prov)
        muni = pkind == "municipality"
        plevel: Level = "municipality" if muni else "province"
        pwhere = {"province": prov, "city": prov if muni else None}
        pu = _Unit([_gov(f"{pi:02d}.gov", prov, plevel, rng.random(), **pwhere)])
        pu.agencies += _departments(f"{pi:02d}", prov, plevel, not muni, **pwhere)
        units.append(pu)
        builtin = CITIES.get(prov, [])
        if muni:
            districts = list(builtin[0][1]) if builtin else []
            while len(districts) < n_city * n_county:
                districts.append(synth_name(rng, "区", taken))
            for ki, d in enumerate(districts[: max(1, min(len(districts), n_city * n_county))]):
                units.append(_county_unit(seed, f"{pi:02d}.00.{ki + 1:02d}", prov, prov, d, taken))
            continue
        cities = [(c, list(ks)) for c, ks in builtin[:n_city]]
        while len(cities) < n_city:
            cities.append((synth_name(rng, "市", taken), []))
        for ci, (city, counties) in enumerate(cities, start=1):
            crng = stream(seed, "city", prov, city)
            cwhere = {"province": prov, "city": city}
            cu = _Unit([_gov(f"{pi:02d}.{ci:02d}.gov", city, "city", crng.random(), **cwhere)])
            cu.agencies += _departments(f"{pi:02d}.{ci:02d}", city, "city", False, **cwhere)
            units.append(cu)
            counties = counties[:n_county]
            while len(counties) < n_county:
                r = crng.random()
                counties.append(synth_name(crng, "县" if r < 0.5 else ("区" if r < 0.8 else "市"), taken))
            for ki, county in enumerate(counties, start=1):
                units.append(_county_unit(seed, f"{pi:02d}.{ci:02d}.{ki:02d}", prov, city, county, taken))
    return units


def build_agencies(seed: int, n_agencies: int) -> list[Agency]:
    """``n_agencies`` agencies (fewer only when above the full national capacity), deterministic by seed.

    Each government unit (province, city, county) gets a share of ``n_agencies`` proportional to its
    number of reporting agencies, at least its own government report.
    """
    if n_agencies <= 0:
        return []
    units = _units(seed, n_agencies)
    caps = [len(u.agencies) for u in units]
    total = sum(caps)
    if n_agencies >= total:
        return [a for u in units for a in u.agencies]
    if n_agencies <= len(units):
        return [u.agencies[0] for u in units[:n_agencies]]
    raw = [n_agencies * c / total for c in caps]
    quota = [max(1, math.floor(x)) for x in raw]
    while sum(quota) > n_agencies:  # trim the largest quotas first
        i = max(range(len(quota)), key=lambda j: (quota[j], -j))
        quota[i] -= 1
    order = sorted(range(len(units)), key=lambda i: (raw[i] - math.floor(raw[i]), -i), reverse=True)
    k = 0
    while sum(quota) < n_agencies:
        i = order[k % len(order)]
        if quota[i] < caps[i]:
            quota[i] += 1
        k += 1
    return [a for u, q in zip(units, quota, strict=True) for a in u.agencies[:q]]
