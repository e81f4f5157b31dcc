"""Rebuild ``data/divisions.csv`` from the ``adcodes.csv`` shipped by the ``cpca`` family of packages.

Not used at run time. Usage (in a throw-away venv, see ``data/README.md``)::

    python -m xxgk.regions.build_data NEW_ADCODES.csv [OLD_ADCODES.csv] > xxgk/regions/data/divisions.csv

``NEW_ADCODES`` gives the current divisions; rows of ``OLD_ADCODES`` whose code is absent from the new
file are kept with ``status=historical`` (former names such as 海安县, 洪泽县) so older reports resolve.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

MUNICIPALITIES = {"11", "12", "31", "50"}
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
COLUMNS = ["code", "name", "level", "parent_code", "status"]


def _read(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as fh:
        return {row["adcode"][:6]: row["name"].strip() for row in csv.DictReader(fh)}


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def build(new: dict[str, str], old: dict[str, str] | None = None) -> list[dict[str, str]]:
    """Return rows (code, name, level, parent_code, status), provinces first, sorted by code."""
    merged: dict[str, tuple[str, str]] = {c: (n, "current") for c, n in new.items()}
    for code, name in (old or {}).items():
        merged.setdefault(code, (name, "historical"))
    rows: dict[str, dict[str, str]] = {}
    for code, (name, status) in sorted(merged.items()):
        if name in PLACEHOLDERS or code.startswith("99"):  # 990000 苏鲁交界: not a division
            continue
        level = _level(code)
        prov = code[:2] + "0000"
        # a municipality's own 'city' row (110100 北京市, 500200 重庆市 县) is dropped: its districts hang
        # directly under the province-level municipality
        if level == "prefecture" and code[:2] in MUNICIPALITIES:
            continue
        if level == "province":
            parent = ""
        elif level == "prefecture":
            parent = prov
        else:
            city = code[:4] + "00"
            parent = city if city in merged and merged[city][0] not in PLACEHOLDERS else prov
            if code[:2] in MUNICIPALITIES:
                parent = prov
        rows[code] = {"code": code, "name": name, "level": level, "parent_code": parent, "status": status}
    # drop historical rows whose parent vanished
    return [r for r in rows.values() if not r["parent_code"] or r["parent_code"] in rows]


def main(argv: list[str]) -> int:
    """CLI entry: write the CSV to stdout."""
    new = _read(Path(argv[1]))
    old = _read(Path(argv[2])) if len(argv) > 2 else None
    writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(build(new, old))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
