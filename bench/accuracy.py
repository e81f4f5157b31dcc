"""Accuracy harness: score the parser on a folder of reports with truth files.

    .venv/bin/python bench/accuracy.py ../shared/corpus            # reports/ + truth/<file>.json
    .venv/bin/python bench/accuracy.py /tmp/gen --reports-dir .    # generator output (truth/ inside)
    .venv/bin/python bench/accuracy.py data --reports-dir inbox/generated --truth-dir sample_truth

Truth format (as ../shared/corpus/truth): {"file", "agency", "year", "format", "cells": {code: value|null},
"ambiguous_in_source": [codes]}. A cell is right when the parsed value equals the truth value (blank as
blank: a truth null must be parsed as NULL). A cell listed as ambiguous counts as right when the parser
flagged it (alternatives recorded) with the truth among its readings. Prints cell accuracy, the misses
per report, metadata accuracy; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xxgk.parsing import parse_bytes


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


def score_report(path: Path, truth: dict) -> dict:
    t0 = time.perf_counter()
    report = parse_bytes(path.read_bytes(), path.name)
    elapsed = time.perf_counter() - t0
    cells = {c.code: c for c in report.cells}
    ambiguous = set(truth.get("ambiguous_in_source", []))
    misses, flagged, right = [], 0, 0
    for code, want in truth["cells"].items():
        got = cells.get(code)
        if got is not None and _same(got.value, want):
            right += 1
            continue
        if (
            code in ambiguous
            and got is not None
            and got.alternatives
            and (any(_same(a, want) for a in got.alternatives) or _same(got.value, want))
        ):
            right += 1
            flagged += 1
            continue
        misses.append(
            {
                "cell": code,
                "truth": want,
                "parsed": None if got is None else got.value,
                "raw": None if got is None else got.raw_text,
            }
        )
    meta = {
        "agency": report.agency == truth.get("agency"),
        "year": report.year == truth.get("year"),
        "format": report.format_version == str(truth.get("format")),
    }
    invented = sum(1 for m in misses if m["truth"] is None and m["parsed"] is not None)
    return {
        "file": path.name,
        "cells": len(truth["cells"]),
        "right": right,
        "flagged_ambiguous": flagged,
        "misses": misses,
        "meta": meta,
        "invented_for_blank": invented,
        "seconds": elapsed,
        "got": {"agency": report.agency, "year": report.year, "format": report.format_version},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="folder holding truth/ (and reports/ unless --reports-dir)")
    ap.add_argument("--reports-dir", default="reports", help="reports folder relative to FOLDER")
    ap.add_argument("--truth-dir", default="truth", help="truth folder relative to FOLDER")
    ap.add_argument("--show", type=int, default=5, help="misses shown per report")
    args = ap.parse_args(argv)
    truth_dir = args.folder / args.truth_dir
    results = []
    for tf in sorted(truth_dir.glob("*.json")):
        truth = json.loads(tf.read_text(encoding="utf-8"))
        rel = truth.get("meta", {}).get("path") or truth["file"]
        path = args.folder / args.reports_dir / rel
        if not path.exists():
            path = args.folder / args.reports_dir / truth["file"]
        results.append(score_report(path, truth))
    n = sum(r["cells"] for r in results)
    right = sum(r["right"] for r in results)
    for r in results:
        status = "ok " if not r["misses"] else "MISS"
        meta_bad = [k for k, v in r["meta"].items() if not v]
        print(
            f"{status} {r['file']}: {r['right']}/{r['cells']} cells"
            + (f"; metadata wrong: {meta_bad} got {r['got']}" if meta_bad else "")
        )
        for m in r["misses"][: args.show]:
            print(f"     {m['cell']}: truth {m['truth']} parsed {m['parsed']} raw {m['raw']!r}")
    meta_total = sum(len(r["meta"]) for r in results)
    meta_right = sum(sum(r["meta"].values()) for r in results)
    summary = {
        "reports": len(results),
        "cells": n,
        "cell_accuracy": round(right / n, 5) if n else None,
        "metadata_accuracy": round(meta_right / meta_total, 5) if meta_total else None,
        "reports_all_right": sum(1 for r in results if not r["misses"] and all(r["meta"].values())),
        "invented_for_blank": sum(r["invented_for_blank"] for r in results),
        "flagged_ambiguous": sum(r["flagged_ambiguous"] for r in results),
        "parse_seconds_mean": round(sum(r["seconds"] for r in results) / max(len(results), 1), 4),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
