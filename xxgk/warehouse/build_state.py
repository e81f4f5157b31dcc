"""Skip work whose inputs have not changed: one input fingerprint per (step, report year).

Each warehouse step computes a fingerprint of what it reads for a year — the staged reports of
that year (content hashes, parser version, paths, manifest values), the fingerprints of the steps
it depends on, and a digest of the code that builds it. When every year of a run has the
fingerprint recorded by the last successful build, the step does nothing. A re-run on an unchanged
inbox therefore costs a scan and a few queries, not a rebuild.

Fingerprints are recorded after the step's data is committed: a run killed in between leaves the
old fingerprint (or none), and the next run simply rebuilds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path

import duckdb

_DDL = """
-- One row per (pipeline step, report year): the fingerprint of the inputs of its last build.
CREATE TABLE IF NOT EXISTS build_state (
    step        VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    fingerprint VARCHAR NOT NULL,
    PRIMARY KEY (step, year)
)
"""


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_DDL)


@cache
def code_digest(*packages: str) -> str:
    """Digest of the source and data files of ``packages`` (folders under xxgk/): code changes rebuild."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for pkg in packages:
        base = root / pkg
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for p in files:
            if p.suffix in (".py", ".sql", ".yaml", ".json", ".csv"):
                h.update(p.relative_to(root).as_posix().encode())
                h.update(p.read_bytes())
    return h.hexdigest()[:16]


def combine(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]


def recorded(con: duckdb.DuckDBPyConnection, step: str, years: Iterable[int]) -> dict[int, str]:
    ensure(con)
    rows = con.execute(
        "SELECT year, fingerprint FROM build_state WHERE step = ? AND list_contains(?::INTEGER[], year)",
        [step, list(years)],
    ).fetchall()
    return dict(rows)


def unchanged(con: duckdb.DuckDBPyConnection, step: str, fingerprints: Mapping[int, str]) -> bool:
    """True when every year's fingerprint equals the one recorded for ``step``."""
    return bool(fingerprints) and recorded(con, step, fingerprints) == dict(fingerprints)


def record(con: duckdb.DuckDBPyConnection, step: str, fingerprints: Mapping[int, str]) -> None:
    ensure(con)
    con.executemany(
        "INSERT OR REPLACE INTO build_state VALUES (?, ?, ?)",
        [(step, year, fp) for year, fp in fingerprints.items()],
    )


def recorded_all(con: duckdb.DuckDBPyConnection, step: str) -> dict[int, str]:
    """Every year's recorded fingerprint of ``step``."""
    ensure(con)
    return dict(con.execute("SELECT year, fingerprint FROM build_state WHERE step = ?", [step]).fetchall())


def file_digest(path: Path | str | None) -> str:
    """Digest of one file's name and bytes ('' when there is no such file). Not its folder: the same
    file read from another checkout or copy of the project is the same input."""
    if path is None:
        return ""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError:
        return ""
    return combine(p.name, hashlib.sha256(data).hexdigest())


def history(fingerprints: Mapping[int, str], year: int) -> str:
    """Combined fingerprints of every year up to ``year`` (inputs of cross-year steps)."""
    return combine(*(f"{y}={fp}" for y, fp in sorted(fingerprints.items()) if y <= year))


def table_digest(con: duckdb.DuckDBPyConnection, table: str, years: Sequence[int] | None = None) -> str:
    """Order-independent digest of a table's rows (of ``years`` when given; '' if the table is absent).

    ``table`` is a constant identifier chosen by the caller, never user input.
    """
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchone()[0]
    if not exists:
        return ""
    if years is None:
        n, h = con.execute(f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {table} t").fetchone()
    else:
        n, h = con.execute(
            f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {table} t WHERE list_contains(?::INTEGER[], t.year)",
            [list(years)],
        ).fetchone()
    return f"{n}:{h}"
