"""Benchmark: generate N reports for one year, run the real Dagster job on them, print what it cost.

    nice .venv/bin/python bench/run.py --reports 10000            # HTML/text mix, year 2023
    nice .venv/bin/python bench/run.py --sizes 1000,10000,100000  # growth table (one row per size)

Per size: the job (``dagster job execute`` through ``pipelines.launch``: multiprocess executor, one step
per parse shard) on a fresh warehouse; per stage (parse, warehouse load, checks, aggregates, publish) wall
time, reports/s and peak memory of the whole process tree (the RSS sum, sampled 5 times a second: pages shared by
the forked step processes counted in every process, an upper bound; the PSS sum, which counts them
once, sampled every 10 s only, as it costs a page-table walk); CPU
seconds by process; the floor (read every file and tokenize it, same number of processes) and the
ratio of parse time to it; a re-run with nothing changed; a re-run after 1 % of files changed; the
checks scored against the generator's truth (precision, recall); PDF parse throughput on the corpus
PDFs (reports/s on one core). The last line is one JSON object (the last
size's figures, plus ``growth`` when several sizes ran).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from defects import score  # noqa: E402
from floor import measure_floor  # noqa: E402
from rss import TreeSampler  # noqa: E402

from xxgk.generator import write_inbox  # noqa: E402

STAGES = ("parse", "warehouse load", "checks", "aggregates", "publish", "other")
# The project's dagster.yaml (pool, storage) with the storage under the benchmark's DAGSTER_HOME.
_INSTANCE_YAML = """telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
    granularity: op
storage:
  custom:
    module: pipelines.instance_storage
    class: PooledSqliteStorage
    config:
      base_dir: {home}
"""
_MIX = {"html": 0.6, "html-gbk": 0.15, "txt": 0.15, "txt-glued": 0.1}


def stage_of(step_key: str) -> str:
    if "ingest_scan" in step_key or "ingest_parse_shard" in step_key:
        return "parse"
    if "ingest_load" in step_key or step_key.startswith("star_schema"):
        return "warehouse load"
    if "check" in step_key:
        return "checks"
    if step_key.startswith("aggregates"):
        return "aggregates"
    if step_key.startswith("published_warehouse"):
        return "publish"
    return "other"  # assets of other layers (compliance, registry, accounting)


def generate(work: Path, n: int, year: int, seed: int, workers: int) -> tuple[Path, Path, float]:
    inbox, truth = work / "inbox", work / "truth"
    marker = work / "generated.json"
    want = {"n": n, "year": year, "seed": seed, "mix": _MIX}
    if marker.exists() and json.loads(marker.read_text()) == want:
        return inbox, truth, 0.0
    shutil.rmtree(work, ignore_errors=True)
    t0 = time.perf_counter()
    write_inbox(inbox, seed=seed, n_agencies=n, years=[year], media_mix=_MIX, truth_dir=truth, workers=workers)
    marker.write_text(json.dumps(want))
    return inbox, truth, time.perf_counter() - t0


def run_job(work: Path, inbox: Path, year: int, label: str) -> tuple[float, str]:
    """Run annual_reports_job for ``year`` through the CLI; returns (wall seconds, run id)."""
    home = work / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(_INSTANCE_YAML.format(home=home))
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "XXGK_INBOX": str(inbox),
        "XXGK_DUCKDB_PATH": str(work / "warehouse" / "xxgk.duckdb"),
        "XXGK_DATA_DOCS_DIR": str(work / "gx_docs"),
        "PYTHONWARNINGS": "ignore",
    }
    # Dagster's CLI through pipelines.launch: ``dagster job execute`` with the step forkserver started first
    cmd = [sys.executable, "-m", "pipelines.launch", "job", "execute", "-m", "pipelines.definitions",
           "-j", "annual_reports_job", "--tags", json.dumps({"dagster/partition": str(year), "bench": label})]
    log = work / f"job-{label}.log"
    t0 = time.perf_counter()
    with log.open("w") as out:  # straight to the file: no pipe for this process to read during the job
        proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - t0
    if proc.returncode != 0 or "RUN_SUCCESS" not in log.read_text(errors="replace"):
        raise SystemExit(f"job {label} failed (exit {proc.returncode}); see {log}")
    return wall, _last_run_id(home)


def _last_run_id(home: Path) -> str:
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home)) as instance:
        return instance.get_runs(limit=1)[0].run_id


def step_windows(home: Path, run_id: str) -> dict[str, tuple[float, float]]:
    """step key → (start, end) epoch seconds, from the run's event log."""
    from dagster import DagsterEventType, DagsterInstance

    out: dict[str, list[float]] = {}
    with DagsterInstance.from_config(str(home)) as instance:
        for rec in instance.all_logs(run_id):
            ev = rec.dagster_event
            if ev is None or not rec.step_key:
                continue
            if ev.event_type in (DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS,
                                 DagsterEventType.STEP_FAILURE, DagsterEventType.STEP_SKIPPED):
                out.setdefault(rec.step_key, []).append(rec.timestamp)
    return {k: (min(v), max(v)) for k, v in out.items()}


def step_pids(home: Path, run_id: str) -> dict[str, int]:
    """step key → the pid of the process that ran it (the multiprocess executor: one process a step)."""
    from dagster import DagsterEventType, DagsterInstance

    with DagsterInstance.from_config(str(home)) as instance:
        return {
            rec.step_key: rec.dagster_event.pid
            for rec in instance.all_logs(run_id, of_type=DagsterEventType.STEP_START)
            if rec.step_key and rec.dagster_event is not None and rec.dagster_event.pid
        }


def cpu_by_step(work: Path, run_id: str, sampler: TreeSampler) -> dict[str, float]:
    """CPU seconds of each step's process (busiest first): moved less than wall time by other load."""
    by_pid = sampler.cpu_by_pid()
    steps = {key: by_pid.get(pid, 0.0) for key, pid in step_pids(work / "dagster_home", run_id).items()}
    return {k: round(v, 1) for k, v in sorted(steps.items(), key=lambda kv: -kv[1])}


def _slowest(work: Path, run_id: str, k: int = 5) -> str:
    windows = step_windows(work / "dagster_home", run_id)
    slow = sorted(((e - s, key) for key, (s, e) in windows.items()), reverse=True)[:k]
    return "slowest steps: " + "; ".join(f"{key} {d:.1f}s" for d, key in slow)


def modify_one_percent(inbox: Path) -> int:
    """Change the bytes (not the figures) of every 100th file: a revised copy, a new content hash."""
    files = sorted(p for p in inbox.rglob("*") if p.is_file() and p.name != "manifest.csv")
    changed = files[::100]
    for p in changed:
        p.write_bytes(p.read_bytes() + (b"\n<!-- revised -->\n" if p.suffix in (".html", ".htm") else b"\n"))
    return len(changed)


def pdf_throughput(rounds: int = 5) -> dict[str, float]:
    """Reports/s on one core parsing the corpus PDFs (real reports; the generator writes no PDF)."""
    from xxgk.parsing import parse_bytes

    pdfs = sorted((ROOT.parent / "shared" / "corpus" / "reports").glob("*.pdf"))
    if not pdfs:
        return {}
    blobs = [(p.name, p.read_bytes()) for p in pdfs]
    t0 = time.process_time()
    for _ in range(rounds):
        for name, data in blobs:
            parse_bytes(data, name)
    cpu = time.process_time() - t0
    return {"pdf_files": len(blobs), "pdf_reports_per_s_per_core": round(rounds * len(blobs) / cpu, 2)}


def bench_one(n: int, args: argparse.Namespace) -> dict[str, object]:
    work = Path(args.workdir) / f"n{n}"
    inbox, truth, gen_s = generate(work, n, args.year, args.seed, args.gen_workers)
    shutil.rmtree(work / "warehouse", ignore_errors=True)
    shutil.rmtree(work / "dagster_home", ignore_errors=True)
    files = sorted(str(p) for p in inbox.rglob("*") if p.is_file())
    print(f"\n== N={n}: {len(files)} files in {inbox} (generated in {gen_s:.1f} s)", flush=True)

    floor_s, tokens = measure_floor(files, processes=os.cpu_count() or 1)
    with TreeSampler() as sampler:
        total_s, run_id = run_job(work, inbox, args.year, "first")
    windows = step_windows(work / "dagster_home", run_id)
    stages: dict[str, dict[str, float]] = {}
    for stage in STAGES:
        spans = [w for k, w in windows.items() if stage_of(k) == stage]
        if not spans:
            continue
        t0, t1 = min(s for s, _ in spans), max(e for _, e in spans)
        stages[stage] = {"wall_s": round(t1 - t0, 2), "reports_per_s": round(n / max(t1 - t0, 1e-9), 1),
                         "peak_rss_mb": round(sampler.peak_between(t0, t1) / 2**20, 1)}
    print(f"{'stage':<16}{'wall s':>10}{'reports/s':>12}{'peak RSS MB':>14}")
    for stage, s in stages.items():
        print(f"{stage:<16}{s['wall_s']:>10.2f}{s['reports_per_s']:>12.1f}{s['peak_rss_mb']:>14.1f}")
    slow = sorted(((e - s, k) for k, (s, e) in windows.items()), reverse=True)[:6]
    print("slowest steps: " + "; ".join(f"{k} {d:.1f}s" for d, k in slow))
    parse_s = stages.get("parse", {}).get("wall_s", float("nan"))
    print(f"floor (read + tokenize, {os.cpu_count()} processes): {floor_s:.2f} s, {n / floor_s:.0f} reports/s, "
          f"{tokens} tokens; parse/floor = {parse_s / floor_s:.1f}")
    print(f"whole job (CLI wall, incl. process start): {total_s:.1f} s; peak memory of the process tree: "
          f"RSS sum {sampler.peak / 2**20:.0f} MB (pages shared with the forkserver counted in every process), "
          f"PSS {sampler.peak_pss / 2**20:.0f} MB (shared pages counted once; sampled every 10 s)")
    print(f"CPU seconds by process: {sampler.cpu_by_role()}")
    print(f"CPU seconds by step: {cpu_by_step(work, run_id, sampler)}")

    rerun_s, rerun_id = run_job(work, inbox, args.year, "unchanged")
    print(f"re-run, nothing changed: {rerun_s:.1f} s; {_slowest(work, rerun_id)}")
    changed = modify_one_percent(inbox)
    with TreeSampler() as rerun1_sampler:
        rerun1_s, rerun1_id = run_job(work, inbox, args.year, "one-percent")
    print(f"re-run, {changed} files (1 %) changed: {rerun1_s:.1f} s; {_slowest(work, rerun1_id)}")
    rerun1_cpu = cpu_by_step(work, rerun1_id, rerun1_sampler)
    print(f"  CPU s of the 1 % re-run: {sum(rerun1_sampler.cpu_by_pid().values()):.1f} in all, by step {rerun1_cpu}")

    quality = score(work / "warehouse" / "xxgk.duckdb", inbox, truth)
    print(f"defects: precision {quality['precision']}, recall {quality['recall']} "
          f"({quality['truth_pairs']} truth pairs, {quality['found_pairs']} found); "
          f"missed {quality['missed_by_rule']}, extra {quality['extra_by_rule']}")
    return {
        "n": n,
        "files": len(files),
        "parse_reports_per_s": stages.get("parse", {}).get("reports_per_s"),
        "total_s": round(total_s, 2),
        "peak_rss_mb": round(sampler.peak / 2**20, 1),
        "peak_pss_mb": round(sampler.peak_pss / 2**20, 1),
        "cpu_s_by_process": sampler.cpu_by_role(),
        "rerun_unchanged_s": round(rerun_s, 2),
        "rerun_1pct_s": round(rerun1_s, 2),
        "rerun_1pct_cpu_s_by_step": rerun1_cpu,
        "floor_s": round(floor_s, 2),
        "floor_ratio": round(parse_s / floor_s, 2),
        "defect_precision": quality["precision"],
        "defect_recall": quality["recall"],
        "stages": stages,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=1000, help="N reports (one per agency) for one year")
    ap.add_argument("--sizes", default=None, help="several N, comma-separated: prints the growth table")
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default="/tmp/xxgk-bench", help="inbox, truth and warehouse per size")
    ap.add_argument("--gen-workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-pdf", action="store_true", help="skip the corpus PDF throughput")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [args.reports]
    results = [bench_one(n, args) for n in sizes]
    pdf = {} if args.no_pdf else pdf_throughput()
    if pdf:
        print(f"PDF parse (corpus, {pdf['pdf_files']} files): {pdf['pdf_reports_per_s_per_core']} reports/s per core")
    if len(results) > 1:
        print(f"\n{'N':>8}{'total s':>10}{'parse r/s':>11}{'s per 1k':>10}{'peak MB':>9}{'rerun s':>9}{'1% s':>7}")
        for r in results:
            print(f"{r['n']:>8}{r['total_s']:>10.1f}{r['parse_reports_per_s']:>11.1f}"
                  f"{1000 * r['total_s'] / r['n']:>10.2f}{r['peak_rss_mb']:>9.0f}"
                  f"{r['rerun_unchanged_s']:>9.1f}{r['rerun_1pct_s']:>7.1f}")
    last = {k: v for k, v in results[-1].items() if k != "stages"}
    last.update(pdf)
    if len(results) > 1:
        last["growth"] = [{k: r[k] for k in ("n", "total_s", "parse_reports_per_s", "peak_rss_mb")} for r in results]
    print(json.dumps(last, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
