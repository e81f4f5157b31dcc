"""Per-rule precision / recall of the checks on generated reports, and the check steps' wall times.

    nice .venv/bin/python bench/rules_precision.py --agencies 400 --years 2021-2025   # 2,000 reports
    nice .venv/bin/python bench/rules_precision.py --workdir /tmp/pr --no-run          # score an existing run

Generates an inbox (skipped when ``workdir`` already holds the same one), runs ``annual_reports_job``
for the year range through the CLI into a fresh warehouse, then prints one line per rule (truth pairs,
found pairs, tp, fp, fn, precision, recall), the slowest check steps, and one JSON summary line.
Scoring unit and conventions: ``bench/defects.py`` ((report, rule) pairs; truth fail/warn vs findings
status 'fail').
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from defects import print_table, score  # noqa: E402
from run import _INSTANCE_YAML, _last_run_id, step_windows  # noqa: E402


def _years(spec: str) -> list[int]:
    if "-" in spec:
        a, b = spec.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(y) for y in spec.split(",")]


def generate(work: Path, agencies: int, years: str, seed: int) -> None:
    """Write inbox/ and truth/ under ``work`` unless the same generation is already there."""
    marker = work / "generated.json"
    want = {"agencies": agencies, "years": years, "seed": seed}
    if marker.exists() and json.loads(marker.read_text()) == want:
        return
    shutil.rmtree(work / "inbox", ignore_errors=True)
    shutil.rmtree(work / "truth", ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "xxgk.generator", "--out", str(work / "inbox"), "--truth-dir",
                    str(work / "truth"), "--seed", str(seed), "--agencies", str(agencies), "--years", years,
                    "--workers", "2"], cwd=ROOT, check=True)
    marker.write_text(json.dumps(want))


def run_job(work: Path, years: list[int]) -> tuple[float, dict[str, float]]:
    """Run annual_reports_job for ``years`` (one run) on a fresh warehouse; (wall s, step → seconds)."""
    import os

    home = work / "dagster_home"
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(work / "warehouse", ignore_errors=True)
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(_INSTANCE_YAML.format(home=home))
    env = {**os.environ, "DAGSTER_HOME": str(home), "XXGK_INBOX": str(work / "inbox"),
           "XXGK_DUCKDB_PATH": str(work / "warehouse" / "xxgk.duckdb"),
           "XXGK_DATA_DOCS_DIR": str(work / "gx_docs"), "PYTHONWARNINGS": "ignore"}
    tags = ({"dagster/partition": str(years[0])} if len(years) == 1 else
            {"dagster/asset_partition_range_start": str(years[0]),
             "dagster/asset_partition_range_end": str(years[-1])})
    cmd = [str(Path(sys.executable).parent / "dagster"), "job", "execute", "-m", "pipelines.definitions",
           "-j", "annual_reports_job", "--tags", json.dumps(tags)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    (work / "job.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0 or "RUN_SUCCESS" not in proc.stdout + proc.stderr:
        raise SystemExit(f"job failed (exit {proc.returncode}); see {work / 'job.log'}")
    windows = step_windows(home, _last_run_id(home))
    return wall, {k: round(e - s, 2) for k, (s, e) in windows.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", default="/tmp/xxgk-rules-pr")
    ap.add_argument("--agencies", type=int, default=400)
    ap.add_argument("--years", default="2021-2025")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--no-run", action="store_true", help="score the warehouse already in workdir")
    args = ap.parse_args(argv)
    work = Path(args.workdir)
    years = _years(args.years)
    out: dict[str, object] = {}
    if not args.no_run:
        generate(work, args.agencies, args.years, args.seed)
        wall, steps = run_job(work, years)
        checks = {k: v for k, v in sorted(steps.items(), key=lambda kv: -kv[1]) if "check" in k or "rules" in k}
        print(f"job wall {wall:.1f} s; check steps: " + "; ".join(f"{k} {v:.1f}s" for k, v in checks.items()))
        out |= {"job_wall_s": round(wall, 2), "check_steps_s": checks}
    result = score(work / "warehouse" / "xxgk.duckdb", work / "inbox", work / "truth")
    print_table(result)
    out |= {k: result[k] for k in ("precision", "recall", "truth_pairs", "found_pairs", "missed_by_rule",
                                   "extra_by_rule")}
    out["per_rule"] = {r: {k: s[k] for k in ("precision", "recall", "tp", "fp", "fn", "unobservable_truth",
                                             "unscorable_found")}
                       for r, s in result["per_rule"].items()}  # type: ignore[union-attr]
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
