"""Every SQL example of the README runs on a warehouse built from the sample seed and returns rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.pipeline_helpers import ROOT, add_seed, query, run_years

pytestmark = pytest.mark.slow


def readme_queries() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


def test_readme_has_queries() -> None:
    assert len(readme_queries()) >= 3


def test_readme_queries_run(tmp_env: dict[str, Path]) -> None:
    add_seed(tmp_env["inbox"])
    run_years(2019)
    results = [query(tmp_env["db"], sql) for sql in readme_queries()]
    assert results[0] == [(2019, 0.0)]
    assert len(results[1]) >= 161 + 15
    assert results[2] == []  # the seed's zeros add up
