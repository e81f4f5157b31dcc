"""Modules the step processes' forkserver imports once, before it forks a process per step.

Each step process builds a ``DagsterInstance`` from its reference; that imports the storage layer
(SQLAlchemy dialects, Alembic, the sqlite storages, fsspec/upath) lazily, ~0.75 s per step when the
forkserver did not import it first. Importing it here makes a step start in ~0.1 s. Only imports:
nothing here opens a file or a connection (the forkserver forks after this runs).
"""

from __future__ import annotations

import dagster._core.execution.backfill
import dagster._core.instance.factory
import dagster._core.secrets.loader
import dagster._core.storage.event_log.sqlite
import dagster._core.storage.fs_io_manager
import dagster._core.storage.local_compute_log_manager
import dagster._core.storage.migration.utils
import dagster._core.storage.root
import dagster._core.storage.runs.sqlite
import dagster._core.storage.schedules.sqlite
import dagster._core.storage.sqlite_storage
import dagster._daemon  # noqa: F401
import upath  # noqa: F401

import pipelines.definitions  # noqa: F401
