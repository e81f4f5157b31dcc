"""Small helpers for asset metadata: row counts and markdown previews of warehouse tables."""

from __future__ import annotations

from typing import Any

import duckdb
from dagster import MetadataValue


def table_metadata(
    con: duckdb.DuckDBPyConnection,
    table: str,
    where: str = "",
    params: list | None = None,
    preview_rows: int = 5,
) -> dict[str, Any]:
    """Row count (of the slice ``where`` selects) and a markdown preview of a few rows."""
    clause = f" WHERE {where}" if where else ""
    n = con.execute(f"SELECT count(*) FROM {table}{clause}", params or []).fetchone()[0]
    frame = con.execute(f"SELECT * FROM {table}{clause} LIMIT {preview_rows}", params or []).df()
    return {
        "dagster/row_count": MetadataValue.int(int(n)),
        "preview": MetadataValue.md(frame.to_markdown(index=False) if len(frame) else "(no rows)"),
    }
