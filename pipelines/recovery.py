"""Recovery after a killed run: ``python -m pipelines.recovery`` (DAGSTER_HOME as for the run).

A run killed hard (SIGKILL, OOM killer, power loss) never reports its end: Dagster keeps it as
STARTED and keeps the ``xxgk_warehouse`` pool slot its step held (dagster.yaml limits the pool to 1),
so the next run waits for that slot forever ("Step blocked by limit for pool xxgk_warehouse").
The warehouse itself needs no repair (the published file is swapped atomically; the working
DuckDB file replays its WAL on open).

This marks every STARTED/STARTING run whose process no longer exists on this machine as failed and
frees its pool slots. It only touches runs executed by a local process (the ``pid`` s of their
engine events); run it before a run (scripts/run_sample.sh does) or whenever a run is blocked on the pool.
"""

from __future__ import annotations

import os

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter


def _alive(pid: int) -> bool:
    """True if ``pid`` is a running process (a zombie left unreaped by a killed parent is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            state = f.read().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return True
    return state not in ("Z", "X")


def recover_dead_runs(instance: DagsterInstance) -> list[str]:
    """Fail the runs whose local process is gone and free their pool slots; returns their run ids."""
    runs = instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING]))
    recovered: list[str] = []
    for run in runs:
        logs = instance.all_logs(run.run_id)
        pids = {e.dagster_event.pid for e in logs if e.dagster_event is not None and e.dagster_event.pid}
        if not pids or any(_alive(p) for p in pids):
            continue
        instance.report_run_failed(run, "process gone (killed); marked failed by pipelines.recovery")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        recovered.append(run.run_id)
    return recovered


def main() -> None:
    with DagsterInstance.get() as instance:
        for run_id in recover_dead_runs(instance):
            print(f"recovered killed run {run_id}: marked failed, pool slots freed")


if __name__ == "__main__":
    main()
