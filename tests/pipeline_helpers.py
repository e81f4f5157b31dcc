"""Running the real Dagster job in tests: in-process (dagster.materialize) or through the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from dagster import DagsterInstance, materialize

from pipelines.definitions import defs
from pipelines.resources import WarehouseResource

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "inbox" / "seed" / "000_7f3569336a1c441f.txt"


def add_seed(inbox: Path) -> None:
    """The seed with the manifest line the bundled sample inbox has."""
    (inbox / "seed").mkdir(exist_ok=True)
    shutil.copy(SEED, inbox / "seed" / SEED.name)
    (inbox / "manifest.csv").write_text(
        "file,agency,region,level,year\nseed/000_7f3569336a1c441f.txt,海安市科技局,海安市,county,2019\n",
        encoding="utf-8",
    )


def all_assets() -> list:
    return list(defs.assets or [])


def run_years(first: int, last: int | None = None, instance: DagsterInstance | None = None) -> None:
    """Materialize every asset for report years first..last in one run (as a UI backfill does)."""
    last = last or first
    tags = (
        {"dagster/asset_partition_range_start": str(first), "dagster/asset_partition_range_end": str(last)}
        if last != first
        else {}
    )
    result = materialize(
        all_assets(),
        partition_key=str(first) if last == first else None,
        tags=tags,
        resources={"warehouse": WarehouseResource()},
        instance=instance,
    )
    assert result.success


def run_cli(args: list[str], env_extra: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_extra}
    exe = Path(sys.executable).parent / "dagster"
    return subprocess.run([str(exe), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def table_fingerprint(db: Path, tables: list[str]) -> dict[str, str]:
    """An order-independent digest of each table's content."""
    out = {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        for t in tables:
            out[t] = con.execute(f"SELECT count(*) || ':' || coalesce(sum(hash(t)), 0) FROM {t} t").fetchone()[0]
    finally:
        con.close()
    return out
