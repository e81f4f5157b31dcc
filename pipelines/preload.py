"""Modules the step processes' forkserver imports once, before it forks a process per step.

Each step process builds a ``DagsterInstance`` from its reference; that imports the storage layer
(SQLAlchemy dialects, Alembic, the sqlite storages, fsspec/upath) lazily, ~0.75 s per step when the
forkserver did not import it first. Importing it here makes a step start in ~0.1 s. The parser and
the read-only data it caches (gazetteer, agency vocabulary, template formats) are loaded here too, so
a parse step does not pay for them. Nothing here opens a database or writes a file (the forkserver
forks after this runs).
"""

from __future__ import annotations

import gc
import importlib

MODULES = (
    # Dagster's storage layer, imported lazily by DagsterInstance.from_ref in every step process
    "dagster._core.execution.backfill",
    "dagster._core.instance.factory",
    "dagster._core.secrets.loader",
    "dagster._core.storage.event_log.sqlite",
    "dagster._core.storage.fs_io_manager",
    "dagster._core.storage.local_compute_log_manager",
    "dagster._core.storage.migration.utils",
    "dagster._core.storage.root",
    "dagster._core.storage.runs.sqlite",
    "dagster._core.storage.schedules.sqlite",
    "dagster._core.storage.sqlite_storage",
    "dagster._daemon",
    "upath",
    # the code location and the parser (HTML and text readers, the GBK codec they decode with)
    "pipelines.definitions",
    "encodings.gb18030",
    "xxgk.ingest",
    "xxgk.parsing.encoding",
    "xxgk.parsing.html_reader",
    "xxgk.parsing.text_reader",
    "xxgk.parsing.metadata",
    "xxgk.parsing.tables",
    "xxgk.parsing.tresolve",
    "xxgk.parsing.tsections",
    "xxgk.parsing.tstream",
    "xxgk.parsing.tversion",
)

for _name in MODULES:
    importlib.import_module(_name)

from xxgk.agencies import vocabulary  # noqa: E402
from xxgk.regions.gazetteer import gazetteer  # noqa: E402
from xxgk.template.model import load_format  # noqa: E402

# Data the parser loads on first use (read-only, cached): loaded once here, shared by every step.
gazetteer()
vocabulary()
for _version in ("2019", "2021"):
    load_format(_version)

# Not GX (~2.4 s, ~120 MB): measured at 100k, preloading it here saved its import in the two check
# steps (~2 CPU-s) but delayed every run's first step by as much, and a 1 % re-run took as long.

# Everything loaded here lives as long as the process: frozen, the garbage collector of a step
# process never walks it again (it did, at every full collection, touching its pages: forked steps
# then copied them and spent ~0.3 CPU-s each).
gc.freeze()
