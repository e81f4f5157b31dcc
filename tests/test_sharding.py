"""Sharded ingest: parse shards run as separate Dagster steps in parallel processes, and the
warehouse they build is the same as one process parsing everything."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterEventType, execute_job, instance_for_test
from dagster._core.definitions.reconstruct import ReconstructableJob, ReconstructableRepository

from xxgk.generator import DefectRates, write_inbox
from xxgk.settings import Settings
from xxgk.warehouse.db import connect
from xxgk.warehouse.shards import STG_TABLES, load_run, parse_shard, plan_ingest
from xxgk.warehouse.staging import stage_inbox

INGEST_KEYS = [AssetKey(k) for k in ("source_file", "stg_report", "stg_cell", "ingest_errors")]
TABLES = ["source_file", *STG_TABLES]
ROOT = Path(__file__).resolve().parents[1]


def _job() -> ReconstructableJob:
    """The real job, loadable by the executor's child processes (as ``dagster job execute`` does)."""
    repo = ReconstructableRepository.for_module("pipelines.definitions", "defs", str(ROOT))
    return repo.get_reconstructable_job("annual_reports_job")


def _inbox(root: Path) -> Path:
    inbox = root / "inbox"
    write_inbox(inbox, seed=21, n_agencies=48, years=[2022], truth_dir=root / "truth",
                defect_rates=DefectRates())
    return inbox


def _fingerprint(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for t in TABLES:
            out[t] = con.execute(f"SELECT count(*) || ':' || coalesce(sum(hash(t)), 0) FROM {t} t").fetchone()[0]
        return out
    finally:
        con.close()


def test_shards_loaded_equal_one_pass_and_reload_is_idempotent(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    one = Settings(inbox=inbox, duckdb_path=tmp_path / "one" / "x.duckdb", published_dir=tmp_path / "p1")
    with connect(one.work_db) as con:
        stage_inbox(con, one)
    many = tmp_path / "many" / "x.duckdb"
    with connect(many) as con:
        plan = plan_ingest(con, inbox, tmp_path / "run", max_file_bytes=10**7, parse_seconds=30,
                           files_per_shard=7)
        assert len(plan.shards) == 7 and plan.contents_to_parse == 48
        for spec in reversed(plan.shards):  # order of completion does not matter
            parse_shard(spec)
        dirs = [s.out_dir for s in plan.shards]
        load_run(con, tmp_path / "run", dirs)
        load_run(con, tmp_path / "run", dirs)  # a retried load replaces, never duplicates
        again = plan_ingest(con, inbox, tmp_path / "run2", max_file_bytes=10**7, parse_seconds=30)
        assert (again.files_hashed, again.contents_to_parse, again.shards) == (0, 0, ())
    assert _fingerprint(many) == _fingerprint(one.work_db)


@pytest.mark.slow
def test_parse_shards_run_in_parallel_processes_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = _inbox(tmp_path)
    one = Settings(inbox=inbox, duckdb_path=tmp_path / "one" / "x.duckdb", published_dir=tmp_path / "p1")
    with connect(one.work_db) as con:
        stage_inbox(con, one)

    db = tmp_path / "wh" / "xxgk.duckdb"
    monkeypatch.setenv("XXGK_INBOX", str(inbox))
    monkeypatch.setenv("XXGK_DUCKDB_PATH", str(db))
    monkeypatch.setenv("XXGK_SHARD_FILES", "12")
    with instance_for_test() as instance:
        result = execute_job(_job(), instance=instance, asset_selection=INGEST_KEYS,
                             tags={"dagster/partition": "2022"})
        assert result.success
        records = instance.all_logs(result.run_id)
    starts: dict[str, tuple[float, int]] = {}
    ends: dict[str, float] = {}
    for rec in records:
        ev = rec.dagster_event
        if ev is None or not rec.step_key or "ingest_parse_shard" not in rec.step_key:
            continue
        # a shard's process lives from STEP_WORKER_STARTED (emitted by the child) to STEP_SUCCESS; with
        # steps starting in ~0.1 s and 12-file shards, the compute alone may not overlap
        if ev.event_type == DagsterEventType.STEP_WORKER_STARTED:
            starts[rec.step_key] = (rec.timestamp, ev.pid)
        elif ev.event_type == DagsterEventType.STEP_SUCCESS:
            ends[rec.step_key] = rec.timestamp
    assert len(starts) == 4 == len(ends)
    pids = {pid for _, pid in starts.values()}
    assert len(pids) == 4, "each shard is its own step in its own process"
    windows = sorted((starts[k][0], ends[k]) for k in starts)
    assert any(b[0] < a[1] for a, b in pairwise(windows)), "some shard processes overlap in time"
    assert _fingerprint(Settings.from_env().work_db) == _fingerprint(one.work_db)
    assert not any((Settings.from_env().work_dir / "shards").iterdir()), "shard files removed after load"


def test_a_shard_leaves_a_heap_frozen_before_it_frozen(tmp_path: Path) -> None:
    """In a step forked from the preloading forkserver (heap frozen there) the shard does not unfreeze it;
    in a process that froze nothing it unfreezes what it froze."""
    import gc

    inbox = _inbox(tmp_path)
    with connect(tmp_path / "x.duckdb") as con:
        plan = plan_ingest(con, inbox, tmp_path / "run", max_file_bytes=10**7, parse_seconds=30, files_per_shard=24)
    assert gc.get_freeze_count() == 0
    try:
        parse_shard(plan.shards[0])
        assert gc.get_freeze_count() == 0
        gc.freeze()
        frozen = gc.get_freeze_count()
        parse_shard(plan.shards[1])
        assert gc.get_freeze_count() >= frozen > 0
    finally:
        gc.unfreeze()
