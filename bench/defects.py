"""Score the checks against the generator's truth: were the injected defects found (precision, recall)?

    .venv/bin/python bench/defects.py WAREHOUSE.duckdb INBOX TRUTH_DIR     # per-rule table, then JSON

Unit: (report, rule id) pairs, for the rule ids both the truth and the rule catalogue know. A truth
pair is a defect the generator recorded in ``truth/<file>.json`` as broken (status 'fail' or 'warn');
a found pair is a ``check_findings`` row with status 'fail'. Undecidable equations (truth status
'incomplete', finding status 'incomplete': a blank cell among those involved) are not defects found
or missed, only counted. report_id = first 16 hex of the file's sha256.

What the medium destroyed is not scored (xxgk.generator.observe): a truth defect marked
``observable: false`` (e.g. a glued text copy whose blank cells vanished, so nothing says which cell
was blank) is neither found nor missed, and a 'fail' finding involving a cell of the report's
``meta.unobservable_cells`` (the same test the truth side uses; whole-report rules such as X-COPY
excepted) is neither a true nor a false positive. Both are counted per rule
(``unobservable_truth``, ``unscorable_found``) so nothing disappears silently.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xxgk.generator.observe import WHOLE_REPORT_RULES, annotate_truth, touches


def read_truth(inbox: Path, truth_dir: Path) -> dict[str, dict]:
    """report_id → truth record (with the medium's unobservable cells filled in)."""
    out: dict[str, dict] = {}
    for tf in truth_dir.glob("*.json"):
        truth = annotate_truth(json.loads(tf.read_text(encoding="utf-8")))
        path = inbox / truth["meta"]["path"]
        out[hashlib.sha256(path.read_bytes()).hexdigest()[:16]] = truth
    return out


def truth_pairs(inbox: Path, truth_dir: Path) -> tuple[set[tuple[str, str]], set[str]]:
    """(report_id, rule) pairs recorded as observable defects, and every report_id the truth covers."""
    truths = read_truth(inbox, truth_dir)
    return _pairs(truths)[0], set(truths)


def _pairs(truths: dict[str, dict]) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(observable defect pairs, pairs whose every defect the medium destroyed)."""
    want: set[tuple[str, str]] = set()
    hidden: set[tuple[str, str]] = set()
    for rid, truth in truths.items():
        for d in truth["defects"]:
            if d.get("status") == "incomplete":
                continue
            (want if d.get("observable", True) else hidden).add((rid, d["rule"]))
    return want, hidden - want


def score(db: Path, inbox: Path, truth_dir: Path) -> dict[str, object]:
    """Precision and recall of check_findings against the truth, overall and per rule."""
    truths = read_truth(inbox, truth_dir)
    want, hidden = _pairs(truths)
    con = duckdb.connect(str(db), read_only=True)
    try:
        catalogue = {r[0] for r in con.execute("SELECT DISTINCT rule_id FROM check_rule_coverage").fetchall()}
        found_rows = con.execute(
            "SELECT report_id, rule_id, cells FROM check_findings WHERE status = 'fail'"
        ).fetchall()
    finally:
        con.close()
    rules = catalogue & {r for _, r in want | hidden}
    want = {p for p in want if p[1] in rules}
    hidden = {p for p in hidden if p[1] in rules}
    found: set[tuple[str, str]] = set()
    touched: set[tuple[str, str]] = set()  # fail findings only on cells the medium destroyed
    for rid, rule, cells in found_rows:
        if rule not in rules or rid not in truths:
            continue
        destroyed = truths[rid]["meta"]["unobservable_cells"]
        hit = destroyed and rule not in WHOLE_REPORT_RULES and touches(cells or [], destroyed)
        (touched if hit else found).add((rid, rule))
    unscorable = touched - found
    found -= hidden
    tp = want & found
    per_rule = {}
    for rule in sorted(rules):
        w = {p for p in want if p[1] == rule}
        f = {p for p in found if p[1] == rule}
        tp_r, fp_r, fn_r = len(w & f), len(f - w), len(w - f)
        per_rule[rule] = {
            "truth": len(w), "found": len(f), "tp": tp_r, "fp": fp_r, "fn": fn_r,
            "precision": round(tp_r / len(f), 4) if f else 1.0,
            "recall": round(tp_r / len(w), 4) if w else 1.0,
            "unobservable_truth": sum(1 for p in hidden if p[1] == rule),
            "unscorable_found": sum(1 for p in unscorable if p[1] == rule),
            "fp_examples": sorted(f - w)[:5], "fn_examples": sorted(w - f)[:5],
        }
    return {
        "precision": round(len(tp) / len(found), 4) if found else 1.0,
        "recall": round(len(tp) / len(want), 4) if want else 1.0,
        "truth_pairs": len(want),
        "found_pairs": len(found),
        "unobservable_truth_pairs": len(hidden),
        "unscorable_found_pairs": len(unscorable),
        "rules_scored": sorted(rules),
        "per_rule": per_rule,
        "missed_examples": sorted(want - found)[:5],
        "extra_examples": sorted(found - want)[:5],
        "missed_by_rule": dict(Counter(r for _, r in want - found)),
        "unscored_found": dict(Counter(r for rid, r, _ in found_rows if r not in rules and rid in truths)),
        "extra_by_rule": dict(Counter(r for _, r in found - want)),
    }


def print_table(result: dict[str, object]) -> None:
    """One line per rule: truth, found, tp, fp, fn, precision, recall, and what the media hid."""
    print(f"{'rule':<20}{'truth':>7}{'found':>7}{'tp':>7}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}"
          f"{'unobs.truth':>12}{'unscored':>9}")
    for rule, s in result["per_rule"].items():  # type: ignore[union-attr]
        print(f"{rule:<20}{s['truth']:>7}{s['found']:>7}{s['tp']:>7}{s['fp']:>5}{s['fn']:>5}"
              f"{s['precision']:>11.4f}{s['recall']:>8.4f}{s['unobservable_truth']:>12}{s['unscorable_found']:>9}")
    print(f"{'ALL':<20}{result['truth_pairs']:>7}{result['found_pairs']:>7}{'':>17}"
          f"{result['precision']:>11.4f}{result['recall']:>8.4f}{result['unobservable_truth_pairs']:>12}"
          f"{result['unscorable_found_pairs']:>9}")


if __name__ == "__main__":
    res = score(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
    print_table(res)
    print(json.dumps({k: v for k, v in res.items() if k != "per_rule"}, ensure_ascii=False))
