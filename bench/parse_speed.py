"""Parser speed: CPU ms per report and reports/s for a folder of report files.

    .venv/bin/python bench/parse_speed.py /tmp/gen                 # best of 3 passes
    .venv/bin/python bench/parse_speed.py /tmp/gen --repeat 5 --stages
    .venv/bin/python bench/parse_speed.py /tmp/gen --profile 25     # cProfile top entries (one pass)
    .venv/bin/python bench/parse_speed.py /tmp/gen --shard 5000     # also parse_shard all-in on 5,000 files

Files are read into memory first, so only ``parse_bytes`` is timed (``time.process_time``: CPU of this
process, robust to a busy machine); the parser's bounded caches are emptied before each pass, so a
pass never reuses the previous pass's results for the same texts. ``truth/`` folders and ``*.json``
files are skipped. ``--stages`` adds a per-stage CPU split (decode, read, metadata, tables, cells)
from one extra pass. ``--shard N`` also times ``parse_shard`` on the first N files (read, parse, stage
rows, write Parquet: what one parse step does), in a temporary folder. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xxgk.parsing import parse_bytes


def load_files(folder: Path, limit: int | None = None) -> list[tuple[str, bytes]]:
    """(name, bytes) of every report file under ``folder`` (sorted; truth/ and JSON skipped)."""
    out = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or "truth" in p.parts or p.suffix == ".json" or p.name == "manifest.csv":
            continue
        out.append((p.name, p.read_bytes()))
        if limit and len(out) >= limit:
            break
    return out


def clear_caches() -> None:
    """Empty the parser's bounded caches (lru_cache with a maxsize), so a pass does not reuse results of
    the previous pass for the same texts (each file is parsed once in a real run); unbounded caches hold
    loaded data (gazetteer, template) and stay."""
    for name, module in list(sys.modules.items()):
        if not name.startswith(("xxgk.parsing", "xxgk.regions", "xxgk.agencies")):
            continue
        for obj in list(vars(module).values()):
            info = getattr(obj, "cache_info", None)
            if info is not None and info().maxsize is not None:
                obj.cache_clear()


def one_pass(files: list[tuple[str, bytes]]) -> float:
    """CPU seconds to parse every file once (bounded caches emptied first)."""
    clear_caches()
    t0 = time.process_time()
    for name, data in files:
        parse_bytes(data, name)
    return time.process_time() - t0


def stage_split(files: list[tuple[str, bytes]]) -> dict[str, float]:
    """CPU ms per report for each parsing stage (one pass, through the stages' own functions)."""
    from xxgk.parsing import _metadata, _title, sniff_media
    from xxgk.parsing.encoding import decode_bytes
    from xxgk.parsing.html_reader import read_html
    from xxgk.parsing.model import ParsedReport
    from xxgk.parsing.tables import capture_tables
    from xxgk.parsing.text_reader import read_text
    from xxgk.parsing.tresolve import resolve_t2, resolve_t3, resolve_t4
    from xxgk.parsing.tsections import split_sections
    from xxgk.parsing.tstream import capture_stream
    from xxgk.parsing.tversion import detect_format
    from xxgk.template.model import load_format

    clear_caches()
    spent: dict[str, float] = defaultdict(float)
    clock = time.process_time

    def lap(stage: str, t: float) -> float:
        now = clock()
        spent[stage] += now - t
        return now

    n = 0
    for name, data in files:
        media = sniff_media(data, name)
        if media not in ("html", "txt"):
            continue
        n += 1
        t = clock()
        text, _, _ = decode_bytes(data, html=media == "html")
        t = lap("decode", t)
        doc = read_html(text) if media == "html" else read_text(text)
        t = lap("read", t)
        report = ParsedReport(media=media)
        report.title = _title(doc)
        report.narrative = split_sections(doc.text)
        t = lap("sections", t)
        _metadata(report, doc, name)
        t = lap("metadata", t)
        version, _ = detect_format(doc.text)
        caps = capture_tables(doc)
        missing = frozenset(t_ for t_, got in (("T2", caps.t2), ("T3", caps.t3), ("T4", caps.t4)) if not got)
        if missing:
            stream = capture_stream(doc.text, missing)
            caps.t2 = caps.t2 or stream.t2
            caps.t3 = caps.t3 or stream.t3
            caps.t4 = caps.t4 or stream.t4
        t = lap("tables", t)
        if version in ("2019", "2021"):
            fmt = load_format(version)
            resolve_t2(caps, fmt, [], doc.text)
            resolve_t3(caps, fmt, [])
            resolve_t4(caps, [])
        lap("cells", t)
    return {k: round(v * 1000 / max(n, 1), 3) for k, v in spent.items()}


def shard_pass(folder: Path, n: int) -> dict[str, float]:
    """CPU and wall ms per report of ``parse_shard`` on the first ``n`` report files (all-in)."""
    import tempfile

    from xxgk.inbox import scan_inbox, sha256_file
    from xxgk.warehouse.shards import ShardSpec, parse_shard

    files = [f for f in scan_inbox(folder).files if "truth" not in f.path.split("/") and not f.path.endswith(".json")]
    items = tuple((sha256_file(f.abs_name), f.path, f.abs_name) for f in files[:n])
    with tempfile.TemporaryDirectory() as run_dir:
        parse_shard(ShardSpec(1, run_dir, items[:20], 1 << 30, 0))  # warm-up
        clear_caches()
        t0, w0 = time.process_time(), time.perf_counter()
        parse_shard(ShardSpec(0, run_dir, items, 1 << 30, 60))
        cpu, wall = time.process_time() - t0, time.perf_counter() - w0
    return {"files": len(items), "cpu_ms_per_report": round(cpu * 1000 / len(items), 3),
            "wall_ms_per_report": round(wall * 1000 / len(items), 3)}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--repeat", type=int, default=3, help="passes; the best is reported")
    ap.add_argument("--limit", type=int, default=None, help="at most this many files")
    ap.add_argument("--stages", action="store_true", help="also print a per-stage CPU split")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="print cProfile's top N entries")
    ap.add_argument("--shard", type=int, default=0, metavar="N", help="also time parse_shard on N files")
    args = ap.parse_args()

    files = load_files(args.folder, args.limit)
    if not files:
        sys.exit(f"no report files under {args.folder}")
    one_pass(files[:20])  # warm-up: imports, template, gazetteer, compiled regexes
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        one_pass(files)
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(args.profile)
        print(buf.getvalue())
    best = min(one_pass(files) for _ in range(max(args.repeat, 1)))
    ms = best * 1000 / len(files)
    result: dict[str, object] = {
        "reports": len(files),
        "cpu_ms_per_report": round(ms, 3),
        "reports_per_s_per_core": round(1000 / ms, 1),
        "reports_per_s_2_cores": round(2000 / ms, 1),
    }
    print(f"{len(files)} reports: {ms:.3f} ms CPU/report, {1000 / ms:.0f} reports/s per core")
    if args.stages:
        split = stage_split(files)
        result["stages_ms"] = split
        print("stages (ms CPU/report):", ", ".join(f"{k} {v:.3f}" for k, v in split.items()))
    if args.shard:
        shard = shard_pass(args.folder, args.shard)
        result["shard"] = shard
        print(f"parse_shard on {shard['files']} files: {shard['cpu_ms_per_report']:.3f} ms CPU/report all-in "
              f"(read, parse, stage, Parquet)")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
