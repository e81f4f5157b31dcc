"""The warehouse resource: paths from the environment, connections to the working database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource

from xxgk.settings import Settings
from xxgk.warehouse.db import connect


class WarehouseResource(ConfigurableResource):
    """Where the inbox and the warehouse are. Empty fields fall back to XXGK_* environment variables."""

    inbox: str = ""
    duckdb_path: str = ""

    @property
    def settings(self) -> Settings:
        base = Settings.from_env()
        duckdb_path = Path(self.duckdb_path).absolute() if self.duckdb_path else base.duckdb_path
        return Settings(
            inbox=Path(self.inbox).absolute() if self.inbox else base.inbox,
            duckdb_path=duckdb_path,
            published_dir=base.published_dir if not self.duckdb_path else duckdb_path.parent / "published",
            max_file_bytes=base.max_file_bytes,
            parse_seconds=base.parse_seconds,
        )

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the private working database (never the published file)."""
        with connect(self.settings.work_db) as con:
            yield con
