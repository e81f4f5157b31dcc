"""The pooled SQLite instance storage (pipelines/instance_storage.py): Dagster's files, connections kept."""

from __future__ import annotations

from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, asset, materialize

_POOLED = """storage:
  custom:
    module: pipelines.instance_storage
    class: PooledSqliteStorage
    config:
      base_dir: {base}
"""
_PLAIN = """storage:
  sqlite:
    base_dir: {base}
"""


@asset
def tiny() -> int:
    return 1


def _home(root: Path, name: str, template: str, base: Path) -> str:
    home = root / name
    home.mkdir()
    (home / "dagster.yaml").write_text(template.format(base=base), encoding="utf-8")
    return str(home)


def test_pooled_storage_writes_dagsters_sqlite_files_and_keeps_its_connections(tmp_path: Path) -> None:
    base = tmp_path / "storage"
    with DagsterInstance.from_config(_home(tmp_path, "pooled", _POOLED, base)) as instance:
        assert type(instance.event_log_storage).__name__ == "PooledSqliteEventLogStorage"
        result = materialize([tiny], instance=instance)
        assert result.success
        run_id = result.run_id
        events = instance.all_logs(run_id)
        assert any(e.dagster_event_type == DagsterEventType.ASSET_MATERIALIZATION for e in events)
        # the connection to the run's event database is still open: its WAL was not checkpointed away
        assert (base / "history" / "runs" / f"{run_id}.db-wal").exists()
        n_events = len(events)
    # Dagster's own SQLite storage reads the same run and events from the same folder
    with DagsterInstance.from_config(_home(tmp_path, "plain", _PLAIN, base)) as plain:
        assert [r.run_id for r in plain.get_runs()] == [run_id]
        assert len(plain.all_logs(run_id)) == n_events
        assert plain.get_latest_materialization_event(tiny.key) is not None
