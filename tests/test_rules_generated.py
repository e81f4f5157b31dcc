"""Issue 3 acceptance on generated data: ~150 reports with every defect kind injected go through the real
job; per rule, the (report, rule) pairs found ('fail' findings) match the generator's truth with
precision and recall >= 0.99 (scoring: bench/defects.py).

Media: HTML (UTF-8 and GBK), plain text and the glued text copy (cells run together). What a medium
destroys is not scored (xxgk.generator.observe: in a glued copy a row's blank cells vanish, so nothing
says which cell was blank); the test also bounds how much of the truth that leaves out.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from dagster import DagsterInstance

from tests.pipeline_helpers import ROOT, run_years
from xxgk.generator import write_inbox
from xxgk.generator.defects import DefectRates

sys.path.insert(0, str(ROOT / "bench"))
from defects import score

RATES = DefectRates(
    outcome_break=0.08, balance_break=0.08, colsum_break=0.08, t4_break=0.08, blank_total=0.08,
    blank_zero=0.15, marker_zero=0.05, zero_fill=0.06, copy_prev=0.06, carry_break=0.08, old_format=0.08,
    negative=0.04, narrative=0.12, late=0.05,
)


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("gen")
    inbox, truth, db = root / "inbox", root / "truth", root / "wh" / "xxgk.duckdb"
    write_inbox(inbox, seed=11, n_agencies=50, years=[2022, 2023, 2024], defect_rates=RATES, truth_dir=truth,
                media_mix={"html": 0.4, "html-gbk": 0.15, "txt": 0.2, "txt-glued": 0.25})
    mp = pytest.MonkeyPatch()
    mp.setenv("XXGK_INBOX", str(inbox))
    mp.setenv("XXGK_DUCKDB_PATH", str(db))
    mp.setenv("XXGK_DATA_DOCS_DIR", str(root / "docs"))
    mp.delenv("XXGK_PUBLISHED_DIR", raising=False)
    try:
        with DagsterInstance.ephemeral() as instance:
            run_years(2022, 2024, instance=instance)
    finally:
        mp.undo()
    return score(Path(db), inbox, truth)


def test_every_defect_kind_is_scored(scored: dict) -> None:
    assert {"R-T3-OUTCOME", "R-T3-BALANCE", "R-T3-COLSUM", "R-T4-SUM", "R-NONNEG", "X-T3-CARRY", "X-COPY",
            "N-T3", "P-ZERO", "P-BLANK-TOTAL"} <= set(scored["per_rule"])
    assert scored["truth_pairs"] >= 100


def test_per_rule_precision_and_recall(scored: dict) -> None:
    bad = {r: {k: s[k] for k in ("tp", "fp", "fn", "fp_examples", "fn_examples")}
           for r, s in scored["per_rule"].items() if s["precision"] < 0.99 or s["recall"] < 0.99}
    assert not bad, bad


def test_media_hide_little(scored: dict) -> None:
    """Truth left out as unobservable, and findings left unscored, stay a small share."""
    assert scored["unobservable_truth_pairs"] <= 0.05 * scored["truth_pairs"]
    assert scored["unscorable_found_pairs"] <= 0.05 * scored["found_pairs"]
