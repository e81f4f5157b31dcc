"""The catalogue loads, covers report-format.md §7 and names only real template cells."""

from __future__ import annotations

import copy

import pytest
import yaml

from xxgk.rules.catalogue import (
    DEFAULT_PATH,
    CatalogueError,
    load_catalogue,
    parse_catalogue,
    rule_equations,
)
from xxgk.template.model import load_format

REQUIRED = {
    "R-T3-BALANCE", "R-T3-OUTCOME", "R-T3-COLSUM", "R-T3-GROUP", "R-T4-SUM", "R-NONNEG", "R-T2-19-ITEMS",
    "R-T2-19-PUB", "P-T2-STOCK", "P-T2-RULEMAKING", "P-T2-FEE-UNIT", "P-T2-19-NEWMADE", "P-T2-19-XYEAR",
    "P-ZERO", "P-PENDING", "P-T4-NO-T3", "X-T3-CARRY", "X-COPY", "N-T3", "N-T4", "N-T2",
    "P-ZERO-NARRATIVE", "P-ZERO-DROP", "P-BLANK-TOTAL",
}


def _doc() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_catalogue_covers_every_rule_of_the_spec() -> None:
    rules = load_catalogue()
    assert {r.id for r in rules} >= REQUIRED
    assert all(r.severity in "EWI" and r.message_zh and r.message_en for r in rules)
    sev = {r.id: r.severity for r in rules}
    assert sev["R-T3-BALANCE"] == sev["R-T4-SUM"] == sev["X-T3-CARRY"] == "E"
    assert sev["P-ZERO"] == sev["X-COPY"] == sev["N-T3"] == "W" and sev["P-PENDING"] == "I"


def test_every_equation_names_real_cells() -> None:
    for rule in load_catalogue():
        for v in rule.formats:
            codes = load_format(v).cell_codes
            for eq in rule_equations(rule, v):
                extra = [c for c in eq.cells if c not in codes]
                if rule.id != "R-T3-GROUP":
                    assert not extra, (rule.id, v, extra)


def test_equation_counts_match_the_spec() -> None:
    by_id = {r.id: r for r in load_catalogue()}
    assert len(rule_equations(by_id["R-T3-COLSUM"], "2019")) == 23
    assert len(rule_equations(by_id["R-T3-COLSUM"], "2021")) == 25
    outcome21 = rule_equations(by_id["R-T3-OUTCOME"], "2021")
    assert len(outcome21) == 7 and len(outcome21[0].rhs) == 21
    assert len(rule_equations(by_id["R-T3-OUTCOME"], "2019")[0].rhs) == 19
    assert len(rule_equations(by_id["R-T4-SUM"], "2021")) == 3
    assert rule_equations(by_id["R-T2-19-PUB"], "2021") == []


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["rules"].append(copy.deepcopy(d["rules"][0])), "duplicate"),
        (lambda d: d["rules"][0].update(severity="X"), "severity"),
        (lambda d: d["rules"][0].update(formats=["2018"]), "formats"),
        (lambda d: d["rules"][0]["equations"][0].update(lhs=["T3:9:{c}"]), "unknown cells"),
        (lambda d: d["rules"][0].update(cells=["T3:1:NOPE"]), "not in the template"),
        (lambda d: d["rules"][0].pop("message_zh"), "missing"),
    ],
)
def test_invalid_catalogues_are_rejected(mutate, message: str) -> None:
    doc = _doc()
    mutate(doc)
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(doc)
