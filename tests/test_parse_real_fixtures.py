"""Real reports the parser was not written against (tests/fixtures/real), cell by cell.

Each report under ``reports/`` has a hand-checked truth file under ``truth/`` (same format as the shared
corpus): every T2 (一), T3 and T4 cell, ``null`` where the source leaves the cell blank, and
``ambiguous_in_source`` for cells the text alone cannot decide. A cell passes when the parsed value
equals the truth (blank as blank); an ambiguous cell also passes when the parser flagged it with the
truth among its readings — never when it silently chose a wrong one. Agency, region, year and
template version must be right for every report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xxgk.parsing import parse_bytes
from xxgk.parsing.model import ParsedReport
from xxgk.regions import region_path

FIXTURES = Path(__file__).parent / "fixtures" / "real"
TRUTHS = sorted((FIXTURES / "truth").glob("*.json"))


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


_cache: dict[str, ParsedReport] = {}


def _parsed(name: str) -> ParsedReport:
    if name not in _cache:
        path = FIXTURES / "reports" / name
        _cache[name] = parse_bytes(path.read_bytes(), path.name)
    return _cache[name]


def _truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_fixtures_present() -> None:
    assert len(TRUTHS) >= 5
    for t in TRUTHS:
        assert (FIXTURES / "reports" / _truth(t)["file"]).is_file(), t.name


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.removesuffix(".json"))
def test_cells_match_truth(truth_path: Path) -> None:
    truth = _truth(truth_path)
    report = _parsed(truth["file"])
    cells = {c.code: c for c in report.cells}
    ambiguous = set(truth.get("ambiguous_in_source", []))
    wrong = []
    for code, want in truth["cells"].items():
        got = cells.get(code)
        if got is not None and _same(got.value, want):
            continue
        if code in ambiguous and got is not None and any(_same(a, want) for a in got.alternatives):
            continue  # flagged as ambiguous with the truth among the readings
        wrong.append((code, want, None if got is None else got.value, None if got is None else got.raw_text))
    assert not wrong, f"{len(wrong)} of {len(truth['cells'])} cells wrong: {wrong[:12]}"


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.removesuffix(".json"))
def test_no_value_invented_for_blank(truth_path: Path) -> None:
    truth = _truth(truth_path)
    cells = {c.code: c for c in _parsed(truth["file"]).cells}
    invented = [code for code, want in truth["cells"].items() if want is None and cells.get(code) is not None
                and cells[code].value is not None]  # fmt: skip
    assert not invented


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.removesuffix(".json"))
def test_ambiguous_cells_flagged_or_resolved(truth_path: Path) -> None:
    """An ambiguous cell is either read right or flagged (alternatives recorded), never silently wrong."""
    truth = _truth(truth_path)
    cells = {c.code: c for c in _parsed(truth["file"]).cells}
    for code in truth.get("ambiguous_in_source", []):
        got = cells.get(code)
        assert got is not None, code
        if not _same(got.value, truth["cells"][code]):
            assert got.alternatives, f"{code}: {got.value} chosen silently (truth {truth['cells'][code]})"


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.removesuffix(".json"))
def test_metadata_matches_truth(truth_path: Path) -> None:
    truth = _truth(truth_path)
    r = _parsed(truth["file"])
    assert r.agency == truth["agency"]
    assert r.year == truth["year"]
    assert r.format_version == str(truth["format"])
    assert region_path(r.province, r.city, r.county, r.region) == truth["region"]
    assert r.status in ("ok", "partial")
