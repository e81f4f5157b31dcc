"""Dagster's SQLite instance storage, with each process keeping its database connections open.

Dagster's SQLite storages open a new connection for every read or write and close it afterwards
(``NullPool``). Closing the last connection to a WAL-mode SQLite file checkpoints the WAL into the
database and deletes it, so every event written costs ~20 ms of file work. A run writes a few hundred
events, claims and frees pool slots, and ~40 "planned" events before its first step starts: seconds
of a small re-run (creating the run alone took 2.5-3 s at national scale).

Here every process keeps its connections to each database file open between uses (SQLAlchemy's
``QueuePool``) and commits without waiting for the disk (``synchronous = NORMAL``: in WAL
mode the files stay consistent; a power cut can lose the last events, never corrupt them). The
schema, the files and their layout are Dagster's own (``storage: sqlite`` reads the same folder).

Configured in ``dagster.yaml``::

    storage:
      custom:
        module: pipelines.instance_storage
        class: PooledSqliteStorage
        config:
          base_dir: .dagster_home/storage
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS, SqliteEventLogStorage
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

# Per-run event databases a process keeps open at once (a webserver reads many runs' logs).
_OPEN_SHARDS = 16
# Open connections an engine keeps between uses, and how many more it may open at busy moments.
_POOL_SIZE = 2
_POOL_OVERFLOW = 8


def _pragmas(dbapi_connection: Any, _record: object) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous = NORMAL")


def pooled_engine(conn_string: str) -> Engine:
    """An engine that keeps its SQLite connections open between uses and commits without fsync.

    ``QueuePool``: a connection is checked out by one thread at a time and returned open, so any thread
    may use it next (``check_same_thread`` off). Not ``SingletonThreadPool``: it closes the connections
    of other threads once it holds more than its size, which crashed the many-threaded daemon.
    """
    engine = create_engine(
        conn_string,
        poolclass=QueuePool,
        pool_size=_POOL_SIZE,
        max_overflow=_POOL_OVERFLOW,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
    )
    event.listen(engine, "connect", _pragmas)
    return engine


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` (one database per run plus an index) with one engine kept per database."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engines.get(shard)
            if engine is None:
                engine = pooled_engine(self.conn_string_for_shard(shard))
                if shard not in self._initialized_dbs:
                    self._initdb(engine)
                    self._initialized_dbs.add(shard)
                self._engines[shard] = engine
                while len(self._engines) > _OPEN_SHARDS:
                    self._engines.popitem(last=False)[1].dispose()
            else:
                self._engines.move_to_end(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
        super().dispose()


class PooledSqliteRunStorage(SqliteRunStorage):
    """``SqliteRunStorage`` with its engine (and connection) kept for the life of the storage."""

    def __init__(self, conn_string: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engine: Engine | None = pooled_engine(conn_string)
        super().__init__(conn_string, inst_data)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        if self._engine is None:  # disposed: a storage used again after dispose() reconnects
            self._engine = pooled_engine(self._conn_string)
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        super().dispose()


class PooledSqliteStorage(DagsterSqliteStorage):
    """``storage: sqlite`` (same folders and files) with the pooled run and event log storages."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self.base_dir = base_dir
        self._run_storage = PooledSqliteRunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = PooledSqliteEventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None, config_value: Any) -> PooledSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)
