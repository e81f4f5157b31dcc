"""Which registry a warehouse uses, and its alias map (read by the star schema to key agencies).

The registry is ``$XXGK_REGISTRY``, else ``registry.csv`` in the root of the inbox: the one the last
accounted ingest run scanned (table ``ingest_runs``), else ``$XXGK_INBOX``. The star schema and the
compliance assets agree on it without being told the inbox. (An inbox set only in the Launchpad
config is seen once an ingest run is accounted; set ``XXGK_REGISTRY`` to be explicit.)
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from xxgk.compliance.registry import Registry, alias_map, load_registry, registry_path
from xxgk.settings import Settings

_CACHE: dict[tuple[str, float], Registry] = {}


def last_inbox(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The inbox of the latest ingest run recorded in the warehouse, else ``$XXGK_INBOX``'s default."""
    try:
        row = con.execute(
            "SELECT inbox FROM ingest_runs WHERE inbox IS NOT NULL ORDER BY started_at DESC NULLS LAST LIMIT 1"
        ).fetchone()
    except duckdb.Error:
        row = None
    return Path(row[0]) if row else Settings.from_env().inbox


def warehouse_registry(con: duckdb.DuckDBPyConnection, inbox: Path | str | None = None) -> Registry:
    """The registry that applies to this warehouse (an empty one when there is none)."""
    path = registry_path(inbox if inbox is not None else last_inbox(con))
    if path is None:
        return Registry()
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError:
        return load_registry(path)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = load_registry(path)
    return _CACHE[key]


def warehouse_aliases(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """normalized alias → normalized canonical name of the warehouse's registry ({} without one)."""
    return alias_map(warehouse_registry(con))
