"""Crash safety with real kills: a run killed (SIGKILL, whole process group) while it parses, while it
loads the warehouse and while it publishes leaves the published warehouse exactly as before the run;
the working database (possibly killed mid-transaction) recovers from its WAL; the next run completes
and gives the same warehouse as a clean run on the same inbox.

The run is the README's command line (``dagster asset materialize … --partition 2019``) with the
project's dagster.yaml (pool limits included). Kill points are found from the run's own event log
on stderr (``STEP_START`` of the step), so no test hook is compiled into the pipeline. After a kill
the test runs the documented recovery (``python -m pipelines.recovery``): without it the killed run
keeps its ``xxgk_warehouse`` pool slot and the next run waits forever.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path

import duckdb
import pytest

from tests.pipeline_helpers import ROOT, add_seed, run_cli, table_fingerprint
from xxgk.generator import write_inbox
from xxgk.generator.defects import DefectRates

pytestmark = pytest.mark.slow

TABLES = [
    "dim_report",
    "dim_agency",
    "fact_application",
    "fact_proactive_disclosure",
    "fact_review_litigation",
    "report_text",
    "ingest_errors",
    "agg_t3_national",
    "agg_agency_year",
]
MATERIALIZE = ["asset", "materialize", "-m", "pipelines.definitions", "--select", "*", "--partition", "2019"]
# step keys as the run logs them: the parse shards, the warehouse load, the publish
KILL_POINTS = {
    "parse": re.compile(r"ingest_parse_shard.*STEP_START|STEP_START.*ingest_parse_shard"),
    "load": re.compile(r"star_schema.*STEP_START|STEP_START.*star_schema"),
    "publish": re.compile(r"published_warehouse.*STEP_START|STEP_START.*published_warehouse"),
}


def _home(root: Path) -> Path:
    """A DAGSTER_HOME with the project's dagster.yaml, storage inside ``root``."""
    home = root / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "dagster.yaml").read_text("utf-8").replace(".dagster_home", str(home / "store"))
    (home / "dagster.yaml").write_text(text, encoding="utf-8")
    return home


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "DAGSTER_HOME": str(home)}


def _generate(inbox: Path, root: Path, seed: int, n: int) -> None:
    clean = DefectRates(**{f.name: 0.0 for f in fields(DefectRates)})
    write_inbox(inbox / f"gen{seed}", seed=seed, n_agencies=n, years=[2019], media_mix={"html": 0.5, "txt": 0.5},
                defect_rates=clean)
    (inbox / f"gen{seed}" / "truth").rename(root / f"truth{seed}")


def _kill_at(point: str, env: dict[str, str], timeout: float = 300) -> str:
    """Start the CLI run, SIGKILL its whole process group when the run reaches ``point``."""
    exe = Path(sys.executable).parent / "dagster"
    proc = subprocess.Popen(
        [str(exe), *MATERIALIZE], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert proc.stderr is not None
    pattern = KILL_POINTS[point]
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    buf = b""
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            chunk = os.read(proc.stderr.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for raw in lines:
                line = raw.decode("utf-8", "replace")
                seen.append(line)
                if pattern.search(line):
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(30)
                    return line
        pytest.fail(f"run never reached {point}; rc={proc.poll()} tail:\n" + "\n".join(seen[-30:]))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)
        proc.stderr.close()
    raise AssertionError("unreachable")


def _recover(env: dict[str, str]) -> str:
    """The documented recovery step: fail killed runs and free their pool slots."""
    proc = subprocess.run([sys.executable, "-m", "pipelines.recovery"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def _work_db_recovers(db: Path) -> int:
    """Open the working database (WAL replayed by DuckDB) and return its dim_report row count."""
    work = db.parent / f".{db.stem}-work" / "warehouse.duckdb"
    if not work.exists():
        return -1
    con = duckdb.connect(str(work))
    try:
        con.execute("CHECKPOINT")
        return int(con.execute("SELECT count(*) FROM dim_report").fetchone()[0])
    finally:
        con.close()


def test_kill_during_parse_load_publish_leaves_published_warehouse_unchanged(tmp_env: dict[str, Path]) -> None:
    inbox, db, root = tmp_env["inbox"], tmp_env["db"], tmp_env["root"]
    home = _home(root)
    env = _env(home)
    add_seed(inbox)
    _generate(inbox, root, seed=21, n=2)
    first = run_cli(MATERIALIZE, {"DAGSTER_HOME": str(home)})
    assert first.returncode == 0, first.stderr[-3000:]
    before = table_fingerprint(db, TABLES)
    published_bytes = db.read_bytes()

    # new reports arrive: a run now has real work in every step
    _generate(inbox, root, seed=22, n=3)
    for point in ("parse", "load", "publish"):
        line = _kill_at(point, env)
        assert db.read_bytes() == published_bytes, f"published file changed by a run killed at {point}: {line}"
        assert table_fingerprint(db, TABLES) == before
        assert _work_db_recovers(db) >= 0
        leftovers = [p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")]
        assert not leftovers or point == "publish", leftovers
        assert "recovered killed run" in _recover(env)

    # the next run completes normally and equals a clean run on the same inbox
    again = run_cli(MATERIALIZE, {"DAGSTER_HOME": str(home)})
    assert again.returncode == 0, again.stderr[-3000:]
    after = table_fingerprint(db, TABLES)
    assert after != before
    clean_db = root / "clean" / "xxgk.duckdb"
    clean_home = _home(root / "clean")
    clean = run_cli(MATERIALIZE, {"DAGSTER_HOME": str(clean_home), "XXGK_DUCKDB_PATH": str(clean_db)})
    assert clean.returncode == 0, clean.stderr[-3000:]
    assert table_fingerprint(clean_db, TABLES) == after

    # idempotent: one more run changes nothing
    once_more = run_cli(MATERIALIZE, {"DAGSTER_HOME": str(home)})
    assert once_more.returncode == 0, once_more.stderr[-3000:]
    assert table_fingerprint(db, TABLES) == after
