"""Opening the working database and applying the DDL."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

_LOCK_RETRY_SECONDS = 60.0
# DuckDB takes up to 80 % of the machine's memory by default and keeps it; pipeline steps run side by
# side, so each connection gets a budget and spills to disk beyond it (XXGK_DUCKDB_MEMORY_MB overrides).
_DEFAULT_MEMORY_MB = 1024


def memory_limit_mb() -> int:
    """The memory budget of one warehouse connection, in MB."""
    try:
        return max(64, int(os.environ.get("XXGK_DUCKDB_MEMORY_MB") or _DEFAULT_MEMORY_MB))
    except ValueError:
        return _DEFAULT_MEMORY_MB


def sql_path(path: Path | str) -> str:
    """A file path as a SQL string literal (COPY targets and ``read_parquet`` take no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def schema_sql() -> str:
    return resources.files("xxgk.warehouse").joinpath("schema.sql").read_text("utf-8")


# Tables of warehouses built by earlier versions that schema.sql now defines as views.
_TABLES_NOW_VIEWS: tuple[str, ...] = ("report_text",)


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    for name in _TABLES_NOW_VIEWS:
        found = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main' AND NOT temporary",
            [name],
        ).fetchone()[0]
        if found:
            con.execute(f"DROP TABLE {name}")  # a constant name; the view replaces it below
    con.execute(schema_sql())


# Rows per row group of the working database (DuckDB's default: 122,880). Appending to a table whose
# last row group is partly filled rewrites that whole row group at the next checkpoint: for the
# narrative text (~4 KB a row) a default-sized group is ~4 s of compression per run. DuckDB does not
# store the size in the file; every writer attaches with it, or a checkpoint merges the groups back.
ROW_GROUP_SIZE = 16_384
_CATALOG = "warehouse"  # the name the working database is attached under


def attach(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A DuckDB of its own with ``path`` attached as its default database (written in the working
    database's row group size); no schema, no lock retry — :func:`connect` adds those."""
    con = duckdb.connect()
    try:
        mode = "READ_ONLY" if read_only else f"ROW_GROUP_SIZE {ROW_GROUP_SIZE}"
        con.execute(f"ATTACH {sql_path(path)} AS {_CATALOG} ({mode})")
        con.execute(f"USE {_CATALOG}")
    except BaseException:
        con.close()
        raise
    return con


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Another connection to the database instance of ``con``, for another thread (a connection is not
    shared between threads), with the same default database as ``con`` (a DuckDB cursor starts on the
    in-memory one). Temporary tables are per connection: ``con``'s are not visible to it."""
    (current,) = con.execute("SELECT current_database()").fetchone()
    cur = con.cursor()
    try:
        cur.execute('USE "{}"'.format(current.replace('"', '""')))
    except BaseException:
        cur.close()
        raise
    return cur


@contextmanager
def connect(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the database at ``path`` with the schema applied (read-write).

    Retries while another process holds the lock (only pipeline steps open the working file,
    and they are serialized by the Dagster pool ``xxgk_warehouse``, so waits are short).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + _LOCK_RETRY_SECONDS
    while True:
        try:
            con = attach(path, read_only)
            break
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)  # steps hold the file for seconds: poll often, start soon after it is free
    try:
        con.execute(f"SET memory_limit = '{memory_limit_mb()}MB'")  # an int: nothing to escape
        if not read_only:
            apply_schema(con)
        yield con
    finally:
        con.close()


def sync_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source: str,
    key: tuple[str, ...],
    scope: str = "",
    params: list | None = None,
) -> dict[str, int]:
    """Make ``table`` hold exactly the rows of relation ``source`` (same columns), writing only the difference.

    Rows are matched on ``key`` (the table's primary key): keys whose row differs in any column, or that
    exist on one side only, are deleted and re-inserted from ``source``; the rest is not touched. A full
    delete-and-insert of a 100k-row table with a primary key costs seconds at commit; a 1 % change
    rewrites 1 % of it. ``scope``: a condition on ``table``'s columns (bound with ``params``) selecting
    the slice ``source`` replaces (e.g. some years); rows outside it are neither read nor written, and
    ``source`` must hold rows of the slice only. ``table``, ``source``, ``key`` and ``scope`` come from
    code, never from input values. Runs inside the caller's transaction.
    """
    keys = ", ".join(key)
    on = " AND ".join(f"t.{k} IS NOT DISTINCT FROM c.{k}" for k in key)
    current = f"(SELECT * FROM {table} WHERE {scope})" if scope else table
    args = list(params or [])
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _sync_keys AS
            SELECT DISTINCT {keys} FROM (
                (SELECT * FROM {current} EXCEPT SELECT * FROM {source})
                UNION ALL
                (SELECT * FROM {source} EXCEPT SELECT * FROM {current}))""",
        args * 2,
    )
    n_keys = int(con.execute("SELECT count(*) FROM _sync_keys").fetchone()[0])
    if n_keys:
        con.execute(f"DELETE FROM {table} t USING _sync_keys c WHERE {on}")
        con.execute(
            f"INSERT INTO {table} SELECT t.* FROM {source} t WHERE EXISTS (SELECT 1 FROM _sync_keys c WHERE {on})"
        )
    con.execute("DROP TABLE _sync_keys")
    return {"keys_rewritten": n_keys}
