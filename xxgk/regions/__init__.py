"""Region gazetteer: China's province / prefecture / county divisions as data, plus name resolution.

>>> from xxgk.regions import resolve_region
>>> resolve_region("海安").path
'江苏省南通市海安市'
"""

from __future__ import annotations

from xxgk.regions.gazetteer import Gazetteer, Region, gazetteer, short_name


def resolve_region(name: str, context: str = "") -> Region | None:
    """The region a (full or short) name means, or None when unknown or ambiguous."""
    return gazetteer().resolve(name, context)


def region_path(province: str | None, city: str | None, county: str | None, region: str | None) -> str:
    """'江苏省淮安市洪泽区' from the ParsedReport fields (region appended when it is a special zone)."""
    parts = [p for p in (province, city, county) if p]
    if region and region not in parts:
        parts.append(region)
    return "".join(parts)


__all__ = ["Gazetteer", "Region", "gazetteer", "region_path", "resolve_region", "short_name"]
