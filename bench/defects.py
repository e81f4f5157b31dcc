"""Score the checks against the generator's truth: were the injected defects found (precision, recall)?

Unit: (report, rule id) pairs, for the rule ids both the truth and the rule catalogue know. A truth
pair is a defect the generator recorded in ``truth/<file>.json`` as broken (status 'fail' or 'warn');
a found pair is a ``check_findings`` row with status 'fail'. Undecidable equations (truth status
'incomplete', finding status 'incomplete': a blank cell among those involved) are not defects found
or missed, only counted. report_id = first 16 hex of the file's sha256.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import duckdb


def truth_pairs(inbox: Path, truth_dir: Path) -> tuple[set[tuple[str, str]], set[str]]:
    """(report_id, rule) pairs recorded as defects, and every report_id the truth covers."""
    pairs: set[tuple[str, str]] = set()
    reports: set[str] = set()
    for tf in truth_dir.glob("*.json"):
        truth = json.loads(tf.read_text(encoding="utf-8"))
        path = inbox / truth["meta"]["path"]
        rid = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        reports.add(rid)
        pairs.update((rid, d["rule"]) for d in truth["defects"] if d.get("status") != "incomplete")
    return pairs, reports


def score(db: Path, inbox: Path, truth_dir: Path) -> dict[str, object]:
    """Precision and recall of check_findings against the truth, overall and per rule."""
    want, reports = truth_pairs(inbox, truth_dir)
    con = duckdb.connect(str(db), read_only=True)
    try:
        catalogue = {r[0] for r in con.execute("SELECT DISTINCT rule_id FROM check_rule_coverage").fetchall()}
        found_rows = con.execute(
            "SELECT DISTINCT report_id, rule_id FROM check_findings WHERE status = 'fail'"
        ).fetchall()
    finally:
        con.close()
    rules = catalogue & {r for _, r in want}
    want = {p for p in want if p[1] in rules}
    found = {(rid, rule) for rid, rule in found_rows if rule in rules and rid in reports}
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
            "fp_examples": sorted(f - w)[:5], "fn_examples": sorted(w - f)[:5],
        }
    return {
        "precision": round(len(tp) / len(found), 4) if found else 1.0,
        "recall": round(len(tp) / len(want), 4) if want else 1.0,
        "truth_pairs": len(want),
        "found_pairs": len(found),
        "rules_scored": sorted(rules),
        "per_rule": per_rule,
        "missed_examples": sorted(want - found)[:5],
        "extra_examples": sorted(found - want)[:5],
        "missed_by_rule": dict(Counter(r for _, r in want - found)),
        "unscored_found": dict(Counter(r for rid, r in found_rows if r not in rules and rid in reports)),
        "extra_by_rule": dict(Counter(r for _, r in found - want)),
    }
