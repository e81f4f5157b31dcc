"""Readers while a run writes: the published file (XXGK_DUCKDB_PATH) can be queried at any moment
from another process and always shows a complete, consistent state; a reader holding it open never
blocks or fails a run.

Two processes read while two runs go in this process:
- a *looper* opens the file read-only with a fresh connection each time, in a tight loop, and checks
  counts and referential invariants;
- a *holder* opens one connection after the first publish and keeps it open through the second run,
  querying it now and then (its snapshot must not change under it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.pipeline_helpers import ROOT, add_seed, query, run_years

pytestmark = pytest.mark.slow

# One observation: (report_cells, dim_report, fact rows, orphan fact rows, orphan agg rows, orphan findings)
OBSERVE_SQL = """
SELECT (SELECT count(*) FROM report_cells),
       (SELECT count(*) FROM dim_report),
       (SELECT count(*) FROM fact_application) + (SELECT count(*) FROM fact_review_litigation),
       (SELECT count(*) FROM fact_application f WHERE NOT EXISTS
            (SELECT 1 FROM dim_report r WHERE r.report_id = f.report_id))
     + (SELECT count(*) FROM fact_review_litigation f WHERE NOT EXISTS
            (SELECT 1 FROM dim_report r WHERE r.report_id = f.report_id)),
       (SELECT count(*) FROM agg_agency_year a WHERE NOT EXISTS
            (SELECT 1 FROM dim_report r WHERE r.report_id = a.report_id)),
       (SELECT count(*) FROM check_findings c WHERE NOT EXISTS
            (SELECT 1 FROM dim_report r WHERE r.report_id = c.report_id))
"""

READER = r"""
import json, sys, time
from pathlib import Path
import duckdb

mode, db, stop, out, sql = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), sys.argv[5]
result = {"reads": 0, "missing": 0, "errors": [], "states": [], "held_reads": 0}
seen = set()

def observe(con):
    row = tuple(int(v) for v in con.execute(sql).fetchone())
    if row not in seen:
        seen.add(row)
        result["states"].append(row)

if mode == "loop":
    while not stop.exists():
        if not db.exists():
            result["missing"] += 1
            time.sleep(0.01)
            continue
        try:
            con = duckdb.connect(str(db), read_only=True)
            try:
                observe(con)
            finally:
                con.close()
            result["reads"] += 1
        except Exception as exc:
            result["errors"].append(f"{type(exc).__name__}: {exc}"[:300])
else:  # hold: one connection, open through the next run
    while not db.exists() and not stop.exists():
        time.sleep(0.05)
    if stop.exists():
        out.write_text(json.dumps(result))
        sys.exit(0)
    con = duckdb.connect(str(db), read_only=True)
    Path(str(out) + ".opened").write_text("1")
    try:
        while not stop.exists():
            try:
                observe(con)
                result["held_reads"] += 1
            except Exception as exc:
                result["errors"].append(f"{type(exc).__name__}: {exc}"[:300])
            time.sleep(0.2)
    finally:
        con.close()
out.write_text(json.dumps(result))
"""


def _spawn(mode: str, db: Path, stop: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", READER, mode, str(db), str(stop), str(out), OBSERVE_SQL],
        cwd=ROOT,
        env={**os.environ},
    )


def _second_report(inbox: Path) -> None:
    """Another agency's report (the seed's bytes plus a newline: new content, same tables)."""
    seed = inbox / "seed" / "000_7f3569336a1c441f.txt"
    (inbox / "seed" / "001_rugao.txt").write_bytes(seed.read_bytes() + b"\n")
    with (inbox / "manifest.csv").open("a", encoding="utf-8") as f:
        f.write("seed/001_rugao.txt,如皋市科技局,如皋市,county,2019\n")


def _wait_for(path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} did not appear within {seconds} s"
        time.sleep(0.05)


def test_readers_see_complete_states_and_never_block_a_run(tmp_env: dict[str, Path]) -> None:
    db, root = tmp_env["db"], tmp_env["root"]
    add_seed(tmp_env["inbox"])
    stop = root / "stop"
    loop_out, hold_out = root / "loop.json", root / "hold.json"
    looper = _spawn("loop", db, stop, loop_out)
    holder = _spawn("hold", db, stop, hold_out)
    try:
        run_years(2019)  # first publish; the looper meets 'missing' before it, then state 1
        state1 = tuple(int(v) for v in query(db, OBSERVE_SQL)[0])
        _wait_for(Path(str(hold_out) + ".opened"), 30)  # the holder has the published file open

        _second_report(tmp_env["inbox"])
        started = time.monotonic()
        run_years(2019)  # must succeed while the holder keeps its connection open
        second_run_seconds = time.monotonic() - started
        state2 = tuple(int(v) for v in query(db, OBSERVE_SQL)[0])
        time.sleep(0.5)  # a few reads of the final state
    finally:
        stop.write_text("stop")
        for proc in (looper, holder):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()

    loop = json.loads(loop_out.read_text())
    hold = json.loads(hold_out.read_text())
    print(
        f"looper: {loop['reads']} reads, {loop['missing']} before the first publish; "
        f"holder: {hold['held_reads']} reads on one connection; second run {second_run_seconds:.1f} s"
    )

    assert state1[1] == 1 and state2[1] == 2, (state1, state2)
    assert state1[3:] == (0, 0, 0) and state2[3:] == (0, 0, 0)
    assert loop["errors"] == [] and hold["errors"] == []
    assert loop["reads"] > 20
    # every read saw one of the two published states, complete — never an empty or partial one
    assert {tuple(s) for s in loop["states"]} == {state1, state2}
    assert tuple(loop["states"][-1]) == state2
    # the holder kept its snapshot (the first publish) through the second run
    assert [tuple(s) for s in hold["states"]] == [state1]
    assert hold["held_reads"] > 0


def test_a_read_write_session_that_writes_does_not_break_new_readers(tmp_path: Path) -> None:
    import duckdb

    from xxgk.warehouse.publish import stage_database, swap_database

    work, published = tmp_path / "work.duckdb", tmp_path / "xxgk.duckdb"
    con = duckdb.connect(str(work))
    con.execute("CREATE TABLE t AS SELECT 1 AS x")
    con.execute("CHECKPOINT")
    con.close()
    swap_database(stage_database(work, published), published)
    # `duckdb data/xxgk.duckdb` without -readonly, and a scratch table created in it
    session = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1]); con.execute('CREATE TABLE mine AS SELECT 42'); "
            "print('ready', flush=True); sys.stdin.readline(); con.close()",
            str(published),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert session.stdout is not None and session.stdout.readline().strip() == "ready"
        con = duckdb.connect(str(work))
        con.execute("INSERT INTO t VALUES (2)")
        con.execute("CHECKPOINT")
        con.close()
        swap_database(stage_database(work, published), published)
        assert query(published, "SELECT count(*) FROM t") == [(2,)]
    finally:
        session.communicate("\n", timeout=30)


def test_staging_the_published_copy_keeps_the_lock_on_the_working_file(tmp_path: Path) -> None:
    """The publish step copies the working file while it holds it open: another process must still be
    refused a read-write connection (a POSIX lock is lost when its process closes any descriptor of the
    file, so the copy must not be made by this process)."""
    import duckdb

    from xxgk.warehouse.publish import discard_staged, stage_database

    work, published = tmp_path / "work.duckdb", tmp_path / "xxgk.duckdb"
    con = duckdb.connect(str(work))
    try:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
        con.execute("CHECKPOINT")
        staged = stage_database(work, published)
        try:
            assert query(staged, "SELECT x FROM t") == [(1,)]
        finally:
            discard_staged(staged)
        probe = subprocess.run(
            [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).execute('SELECT 1')", str(work)],
            capture_output=True,
            text=True,
        )
        assert probe.returncode != 0 and "lock" in probe.stderr.lower(), probe.stderr
    finally:
        con.close()
