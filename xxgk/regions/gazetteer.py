"""China's administrative divisions as a name index: resolve region names, short names and chains.

Data: ``data/divisions.csv`` (official divisions, see ``data/README.md``) and ``data/special_zones.csv``
(areas that are not official divisions, e.g. 平潭综合实验区). Pure Python, loaded once.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

#: short names that are also common words or the start of agency names: never matched as short names
SHORT_STOPLIST = frozenset(
    {"公安", "和平", "东方", "新区", "城区", "矿区", "郊区", "市中", "中山", "长安", "平安", "永安", "安全"}
)
#: names never matched in running text (too generic)
TEXT_STOPLIST = frozenset({"城区", "矿区", "郊区", "新区", "市区", "县区", "市中区"})
_AUTONOMOUS_SHORT = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
    "香港特别行政区": "香港",
    "澳门特别行政区": "澳门",
}
_SUFFIXES = (
    "特别行政区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "新区",
    "省",
    "市",
    "县",
    "区",
    "盟",
    "旗",
)


@dataclass(frozen=True)
class Region:
    """One division (or special zone).

    ``level`` is 'province' | 'prefecture' | 'county' for official divisions, 'special' for zones;
    ``admin_level`` is the level its government ranks at (equal to ``level`` except for zones).
    ``province`` / ``city`` / ``county`` are the names of the chain down to this region; a
    municipality (上海市) has no city level, nor do 省直辖县级 units (仙桃市).
    """

    name: str
    level: str
    admin_level: str
    code: str | None
    parent_code: str | None
    status: str
    province: str | None
    city: str | None
    county: str | None

    @property
    def path(self) -> str:
        """Full name down to this region, e.g. '江苏省南通市海安市', '福建省平潭综合实验区', '上海市'."""
        parts = [p for p in (self.province, self.city, self.county) if p]
        if self.level == "special" and self.name not in parts:
            parts.append(self.name)
        return "".join(parts)

    def fields(self) -> dict[str, str | None]:
        """The ParsedReport region fields: region, province, city, county."""
        return {"region": self.name, "province": self.province, "city": self.city, "county": self.county}


def short_name(name: str, ethnic: Iterable[str] = ()) -> str | None:
    """The usual short form of a division name (海安市 → 海安, 白沙黎族自治县 → 白沙), or None."""
    if name in _AUTONOMOUS_SHORT:
        return _AUTONOMOUS_SHORT[name]
    base = name
    for suf in _SUFFIXES:
        if base.endswith(suf) and len(base) > len(suf):
            base = base[: -len(suf)]
            break
    if name.endswith(("自治州", "自治县", "自治旗")):
        groups = sorted(ethnic, key=len, reverse=True)
        changed = True
        while changed:
            changed = False
            for g in groups:
                for form in (g, g.removesuffix("族")):
                    if form and base.endswith(form) and len(base) > len(form):
                        base = base[: -len(form)]
                        changed = True
                        break
                if changed:
                    break
    if base == name or len(base) < 2:
        return None
    return base


# First characters of division names frequent in report prose (公开, 政府, 信息公开, 行政, 本年, 工作, 内容 …), for
# the mention scan's candidate regexes; speed only (any choice finds the same mentions).
_COMMON_FIRSTS = "公政府息行开本工内务和于未理"


class Gazetteer:
    """Name index over the divisions; use :func:`gazetteer` for the shared instance."""

    def __init__(self, rows: list[dict[str, str]], zones: list[dict[str, str]], ethnic: list[str]) -> None:
        self.by_code: dict[str, Region] = {}
        raw = {r["code"]: r for r in rows}
        for code in raw:
            self.by_code[code] = self._make(code, raw)
        self.by_name: dict[str, list[Region]] = {}
        self.by_short: dict[str, list[Region]] = {}
        for reg in self.by_code.values():
            self.by_name.setdefault(reg.name, []).append(reg)
        for z in zones:
            prov = z["province"] or None
            city = z.get("city") or None
            prov_code = self._code_of(prov, "province")
            city_code = self._code_of(city, "prefecture", prov_code) if city else None
            reg = Region(
                name=z["name"],
                level="special",
                admin_level=z.get("level") or "unknown",
                code=None,
                parent_code=city_code or prov_code,
                status="current",
                province=prov,
                city=city,
                county=None,
            )
            self.by_name.setdefault(reg.name, []).insert(0, reg)
        for name, regs in self.by_name.items():
            regs.sort(key=lambda r: r.status != "current")
            short = short_name(name, ethnic)
            if short and short not in SHORT_STOPLIST and short not in self.by_name:
                self.by_short.setdefault(short, []).extend(regs)
        self._short_of: dict[Region, str] = {}
        for short, regs in self.by_short.items():
            regs.sort(key=lambda r: r.status != "current")
            for reg in regs:
                self._short_of.setdefault(reg, short)
        self._names_by_len = sorted(set(self.by_name) | set(self.by_short), key=len, reverse=True)
        self._max_len = max(len(n) for n in self._names_by_len)
        # mention scan index: first two characters → the lengths of the names starting with them (longest
        # first); every name has at least two characters (a shorter one would be caught by the check)
        self._names = frozenset(self._names_by_len)
        lens: dict[str, set[int]] = {}
        for n in self._names_by_len:
            lens.setdefault(n[:2], set()).add(len(n))
        self._lens_by_head: dict[str, tuple[int, ...]] = {h: tuple(sorted(v, reverse=True)) for h, v in lens.items()}
        self._single = any(len(n) < 2 for n in self._names_by_len)
        # every position whose first character starts a name and whose second character continues one (a
        # superset of the candidate starts, found by the regex engine). A match takes the first character
        # only (the second is a lookahead), so the next search starts one further on: all positions are
        # found, and the engine can skip ahead by the leading character class (faster than a zero-width match)
        # A first character frequent in report prose ('公开', '政府', '信息', '行政', '工作': three candidates
        # in four) gets its own names' second characters only, in a second regex of literal branches: both
        # scans cost less than a Python step for each such position. Together: still every start.
        own: dict[str, set[str]] = {}  # first character -> the second characters of its names
        for h in self._lens_by_head:
            if len(h) > 1:
                own.setdefault(h[0], set()).add(h[1])
        common = [c for c in _COMMON_FIRSTS if c in own]
        rest = "".join(sorted(set(own) - set(common)))
        seconds = "".join(sorted(set().union(*own.values())))
        self._starts = re.compile(f"[{re.escape(rest)}](?=[{re.escape(seconds)}])" if rest else "(?!)")
        self._common_starts = (
            re.compile("|".join(f"{re.escape(c)}(?=[{re.escape(''.join(sorted(own[c])))}])" for c in common))
            if common
            else None
        )

    # -- construction helpers -------------------------------------------------------------------
    @staticmethod
    def _make(code: str, raw: dict[str, dict[str, str]]) -> Region:
        r = raw[code]
        chain = [r]
        while chain[-1]["parent_code"]:
            chain.append(raw[chain[-1]["parent_code"]])
        by_level = {c["level"]: c["name"] for c in chain}
        return Region(
            name=r["name"],
            level=r["level"],
            admin_level=r["level"],
            code=code,
            parent_code=r["parent_code"] or None,
            status=r["status"],
            province=by_level.get("province"),
            city=by_level.get("prefecture"),
            county=by_level.get("county"),
        )

    def _code_of(self, name: str | None, level: str, parent: str | None = None) -> str | None:
        for reg in self.by_name.get(name or "", []):
            if reg.level == level and (parent is None or reg.parent_code == parent):
                return reg.code
        return None

    # -- queries ----------------------------------------------------------------------------------
    def lookup(self, name: str) -> list[Region]:
        """All regions with this full name, else with this short name (current ones first)."""
        return list(self.by_name.get(name) or self.by_short.get(name) or [])

    def ancestors(self, region: Region) -> list[Region]:
        """Parent, grandparent … of a region (official divisions only)."""
        out: list[Region] = []
        code = region.parent_code
        while code and code in self.by_code:
            out.append(self.by_code[code])
            code = self.by_code[code].parent_code
        return out

    def is_within(self, region: Region, ancestor: Region) -> bool:
        """True when ``ancestor`` contains ``region`` (or is it)."""
        if region == ancestor:
            return True
        return any(a == ancestor for a in self.ancestors(region))

    def resolve(self, name: str, context: str = "") -> Region | None:
        """The one region a name means, using ``context`` text to pick among namesakes; None if unsure.

        A current division wins over a historical one of the same name only if it is the only
        current candidate left after the context filter.
        """
        cands = self.lookup(name)
        return self._pick(cands, context)

    def _pick(self, cands: list[Region], context: str) -> Region | None:
        if not cands:
            return None
        if len(cands) > 1 and context:
            hinted = [c for c in cands if any(self._mentioned(a, context) for a in self.ancestors(c))]
            if hinted:
                cands = hinted
        current = [c for c in cands if c.status == "current"]
        if current:
            cands = current
        return cands[0] if len(cands) == 1 else None

    def _mentioned(self, region: Region, context: str) -> bool:
        if region.name in context:
            return True
        short = self._short_of.get(region)
        return bool(short and short in context)

    def split_prefix(self, text: str, context: str = "") -> tuple[Region | None, str, str]:
        """Read the region names that start ``text`` ('淮安市洪泽区人民政府').

        Returns ``(region, matched_prefix, rest)``: the most specific region of the chain (None if
        none or ambiguous), the text of the names read and the rest ('人民政府'). Each further name
        must lie inside the previous one; a short name is read only when at least two characters follow.
        """
        pos = 0
        chain: list[list[Region]] = []
        while pos < len(text):
            found = None
            for size in range(min(self._max_len, len(text) - pos), 1, -1):
                piece = text[pos : pos + size]
                regs = self.by_name.get(piece)
                if not regs:
                    regs = self.by_short.get(piece)
                    if regs and len(text) - pos - size < 2:
                        regs = None
                if not regs:
                    continue
                if chain:
                    regs = [r for r in regs if any(self.is_within(r, p) for p in chain[-1])]
                    if not regs:
                        continue
                found = (size, regs)
                break
            if not found:
                break
            pos += found[0]
            chain.append(found[1])
        if not chain:
            return None, "", text
        region = self._pick(chain[-1], context + text[:pos])
        return region, text[:pos], text[pos:]

    def mentions(self, text: str, short_followers: str = "") -> dict[str, int]:
        """Count names of divisions in running text (full names; short names only before ``short_followers``).

        ``short_followers`` is a regex that must match right after a short name (e.g. '政府|门户|局').
        Returns name → count (names as written).
        """
        follow = re.compile(short_followers) if short_followers else None
        if self._single:  # a one-character name (not in the data): the plain regex scan
            return self._mentions_regex(text, follow)
        # the same leftmost-longest, non-overlapping scan as the regex alternation of all names (longest
        # first): candidate starts are positions whose two characters begin some name
        heads = self._lens_by_head
        names = self._names
        counts: dict[str, int] = {}
        pos = 0
        starts = list(map(_start, self._starts.finditer(text)))
        if self._common_starts is not None and (more := list(map(_start, self._common_starts.finditer(text)))):
            starts += more
            starts.sort()
        for i in starts:
            if i < pos:
                continue  # inside the previous match
            sizes = heads.get(text[i : i + 2])
            if sizes is None:
                continue
            for size in sizes:
                name = text[i : i + size]
                if name in names:
                    break
            else:
                continue
            pos = i + len(name)
            if name in TEXT_STOPLIST:
                continue
            if name not in self.by_name and (follow is None or not follow.match(text, pos)):
                continue
            counts[name] = counts.get(name, 0) + 1
        return counts

    def _mentions_regex(self, text: str, follow: re.Pattern[str] | None) -> dict[str, int]:
        """:meth:`mentions` by one regex alternation of every name (slow; the reference behaviour)."""
        counts: dict[str, int] = {}
        pattern = _mention_regex(tuple(self._names_by_len))
        for m in pattern.finditer(text):
            name = m.group(0)
            if name in TEXT_STOPLIST:
                continue
            if name not in self.by_name and (follow is None or not follow.match(text, m.end())):
                continue
            counts[name] = counts.get(name, 0) + 1
        return counts


_start = re.Match.start  # m.start() without a Python-level step per match


@cache
def _mention_regex(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(n) for n in names))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def gazetteer() -> Gazetteer:
    """The shared gazetteer built from the package data (loaded on first use, ~50 ms)."""
    ethnic = [ln.strip() for ln in (DATA_DIR / "ethnic_groups.txt").read_text(encoding="utf-8").splitlines()]
    return Gazetteer(
        _read_csv(DATA_DIR / "divisions.csv"),
        _read_csv(DATA_DIR / "special_zones.csv"),
        [e for e in ethnic if e],
    )
