"""Every query of docs/cookbook.md runs on a warehouse built from the sample inbox, and returns the
columns its documented answer shows.

Refresh the documented answers after a change to the sample or the parser:

    .venv/bin/python -m tests.test_cookbook            # builds the sample warehouse in a temp dir
    .venv/bin/python -m tests.test_cookbook DB.duckdb  # or uses an existing one

``XXGK_COOKBOOK_STRICT=1`` also compares every answer cell by cell.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.partitions import report_year_partitions
from tests.pipeline_helpers import ROOT, run_years

COOKBOOK = ROOT / "docs" / "cookbook.md"
SAMPLE_INBOX = ROOT / "data" / "inbox"
MAX_ROWS = 12
_RECIPE = re.compile(r"```sql\n(?P<sql>.*?)```\s*\n```text\n(?P<answer>.*?)```", re.S)


def recipes(text: str) -> list[tuple[str, str]]:
    """(sql, documented answer) pairs, in order."""
    return [(m["sql"].strip(), m["answer"]) for m in _RECIPE.finditer(text)]


def render(frame: pd.DataFrame) -> str:
    """A result as the cookbook prints it: aligned text, at most MAX_ROWS rows."""
    if frame.empty:
        return "(no rows) " + " | ".join(frame.columns) + "\n"
    text = frame.head(MAX_ROWS).to_string(index=False, na_rep="NULL", float_format=lambda v: f"{v:g}")
    more = f"\n… {len(frame)} rows in all" if len(frame) > MAX_ROWS else ""
    return text + more + "\n"


def header(answer: str) -> list[str]:
    first = answer.splitlines()[0] if answer.strip() else ""
    if first.startswith("(no rows)"):
        return [c.strip() for c in first.removeprefix("(no rows)").split("|")]
    return first.split()


def build_sample(db: Path, inbox: Path) -> None:
    """The sample inbox through the whole job, every report year, into ``db``."""
    shutil.copytree(SAMPLE_INBOX, inbox)
    os.environ["XXGK_INBOX"] = str(inbox)
    os.environ["XXGK_DUCKDB_PATH"] = str(db)
    os.environ.pop("XXGK_PUBLISHED_DIR", None)
    last = int(report_year_partitions.get_last_partition_key() or 2019)
    run_years(2019, last)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("cookbook")
    saved = {k: os.environ.get(k) for k in ("XXGK_INBOX", "XXGK_DUCKDB_PATH", "XXGK_PUBLISHED_DIR")}
    try:
        build_sample(root / "wh" / "xxgk.duckdb", root / "inbox")
        yield root / "wh" / "xxgk.duckdb"
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_cookbook_has_ten_recipes_with_answers() -> None:
    found = recipes(COOKBOOK.read_text(encoding="utf-8"))
    assert len(found) >= 10
    assert all(answer.strip() for _, answer in found), "an answer is empty: run python -m tests.test_cookbook"


@pytest.mark.slow
def test_every_cookbook_query_runs_on_the_sample(sample_db: Path) -> None:
    con = duckdb.connect(str(sample_db), read_only=True)
    strict = os.environ.get("XXGK_COOKBOOK_STRICT") == "1"
    try:
        for sql, answer in recipes(COOKBOOK.read_text(encoding="utf-8")):
            frame = con.execute(sql).df()
            assert list(frame.columns) == header(answer), sql
            if strict:
                assert render(frame) == answer, sql
    finally:
        con.close()


def rewrite(db: Path) -> None:
    """Fill every answer block of the cookbook from ``db``."""
    con = duckdb.connect(str(db), read_only=True)
    try:

        def fill(m: re.Match[str]) -> str:
            return f"```sql\n{m['sql']}```\n\n```text\n{render(con.execute(m['sql']).df())}```"

        text = _RECIPE.sub(fill, COOKBOOK.read_text(encoding="utf-8"))
    finally:
        con.close()
    COOKBOOK.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        rewrite(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            build_sample(Path(tmp) / "wh" / "xxgk.duckdb", Path(tmp) / "inbox")
            rewrite(Path(tmp) / "wh" / "xxgk.duckdb")
    print(f"rewrote {COOKBOOK}")
