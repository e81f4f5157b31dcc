"""Broken, hostile and non-report files mixed with good reports, through the real Dagster job.

Every good report must load with the right values; every bad file must have a located, specific
ingest_errors row (file, stage, code); the run must succeed; the accounting must balance.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import fields
from pathlib import Path

import pytest
from dagster import DagsterInstance, materialize

from pipelines.definitions import defs
from pipelines.resources import WarehouseResource
from tests.bad_inputs import write_bad_inputs, write_hostile_manifest, write_odd_but_good
from tests.pipeline_helpers import add_seed, all_assets, query
from xxgk.generator import write_inbox
from xxgk.generator.defects import DefectRates

pytestmark = pytest.mark.slow

SQL_AGENCY = "南通市x'); DROP TABLE dim_report; --\"; SELECT * FROM ingest_errors; --"


def _run(first: int, last: int, instance: DagsterInstance) -> dict[str, bool]:
    """Materialize every asset for first..last in one run; return check name → passed."""
    result = materialize(
        [*all_assets(), *(defs.asset_checks or [])],
        tags={"dagster/asset_partition_range_start": str(first), "dagster/asset_partition_range_end": str(last)},
        resources={"warehouse": WarehouseResource()},
        instance=instance,
    )
    assert result.success
    return {e.check_name: e.passed for e in result.get_asset_check_evaluations()}


def _good_reports(inbox: Path, root: Path) -> dict[str, dict]:
    """Generated clean reports (HTML and text) under inbox/gen; truth moved out. rel path → truth."""
    clean = DefectRates(**{f.name: 0.0 for f in fields(DefectRates)})
    paths = write_inbox(inbox / "gen", seed=11, n_agencies=2, years=[2019, 2020],
                        media_mix={"html": 0.5, "txt": 0.5}, defect_rates=clean)
    shutil.move(str(inbox / "gen" / "truth"), str(root / "truth"))
    out = {}
    for p in paths:
        out[p.relative_to(inbox).as_posix()] = json.loads((root / "truth" / f"{p.name}.json").read_text("utf-8"))
    return out


def test_hostile_inbox_every_good_report_loaded_every_bad_file_explained(tmp_env: dict[str, Path]) -> None:
    inbox, db, root = tmp_env["inbox"], tmp_env["db"], tmp_env["root"]
    add_seed(inbox)
    good = _good_reports(inbox, root)
    bad = write_bad_inputs(inbox, huge=True)
    odd = write_odd_but_good(inbox)
    first_good = sorted(good)[0]
    hostile = write_hostile_manifest(inbox, first_good, SQL_AGENCY)
    instance = DagsterInstance.ephemeral()

    checks = _run(2019, 2021, instance)
    (inbox / "bad" / "huge.html").unlink()  # 200 MB (sparse): not kept around
    assert checks.get("ingest_accounting") is True, checks

    # every good report loaded, with the values printed
    loaded = {
        path: (rid, agency, year)
        for rid, paths, agency, year in query(
            db, "SELECT report_id, source_files, agency, year FROM dim_report WHERE n_cells > 0"
        )
        for path in paths
    }
    for rel, truth in good.items():
        assert rel in loaded, f"good report not loaded: {rel}"
        rid, _agency, year = loaded[rel]
        assert year == truth["year"]
        cells = dict(
            query(db, "SELECT table_code || ':' || row_code || ':' || col_code, value FROM report_cells "
                      "WHERE report_id = ?", [rid])
        )
        expected = {k: v for k, v in truth["cells"].items() if k.startswith("T3:")}
        wrong = {k: (v, cells.get(k)) for k, v in expected.items() if cells.get(k) != v}
        assert not wrong, f"{rel}: {list(wrong.items())[:5]}"
    assert loaded[first_good][1] == SQL_AGENCY  # stored as a value, never executed
    assert "seed/000_7f3569336a1c441f.txt" in loaded
    for rel in odd:
        assert rel in loaded, f"odd but good report not loaded: {rel}"
        n = query(db, "SELECT count(*) FROM report_cells WHERE report_id = ? AND table_code = 'T3'",
                  [loaded[rel][0]])[0][0]
        assert n >= 150, (rel, n)

    # every bad file explained: a located row with a specific (stage, code)
    errors: dict[str, set[tuple[str, str]]] = {}
    for path, stage, code, message in query(db, "SELECT source_file, stage, code, message FROM ingest_errors"):
        assert message
        errors.setdefault(path, set()).add((stage, code))
    for b in bad:
        got = errors.get(b.path, set())
        assert got & b.expect, f"{b.path} ({b.what}): expected one of {sorted(b.expect)}, got {sorted(got)}"
        assert (b.path in loaded) == b.loads, b.path
    manifest_codes = {c for (st, c) in errors.get("manifest.csv", set()) if st == "manifest"}
    assert {code for code, _ in hostile} <= manifest_codes
    assert not query(db, "SELECT count(*) FROM report_text WHERE text LIKE '%root:x:0:0%'")[0][0]

    # accounting: seen = loaded + rejected + unchanged, each rejected file with its reason
    runs = query(db, "SELECT files_seen, reports_loaded, files_rejected, files_unchanged, files_parsed "
                     "FROM ingest_runs")
    assert len(runs) == 1
    seen, n_loaded, n_rejected, n_unchanged, n_parsed = runs[0]
    n_bad_rejected = sum(1 for b in bad if not b.loads)
    assert seen == len(good) + len(bad) + len(odd) + 1
    assert (n_loaded, n_rejected, n_unchanged) == (seen - n_bad_rejected, n_bad_rejected, 0)
    assert n_parsed == seen
    status = {p: (o, r) for p, o, r in query(db, "SELECT path, outcome, reason FROM ingest_file_status")}
    assert status["bad/minutes.txt"] == ("rejected", "tables:not_a_report")
    assert status["bad/huge.html"] == ("rejected", "read:file_too_large")
    assert status["bad/missing_t3.html"][0] == "loaded"

    # a second run parses nothing: everything unchanged, still balanced
    checks = _run(2019, 2021, instance)
    assert checks.get("ingest_accounting") is True
    last = query(db, "SELECT files_seen, reports_loaded, files_rejected, files_unchanged FROM ingest_runs "
                     "ORDER BY started_at DESC LIMIT 1")[0]
    assert last == (seen - 1, 0, 0, seen - 1)  # huge.html deleted


def test_size_and_time_limits_are_configurable(tmp_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from xxgk.ingest import read_and_parse

    add_seed(tmp_env["inbox"])
    seed = tmp_env["inbox"] / "seed" / "000_7f3569336a1c441f.txt"
    small = read_and_parse(seed, "seed.txt", max_bytes=100, seconds=30)
    assert [(i.stage, i.code) for i in small.issues] == [("read", "file_too_large")]
    assert "XXGK_MAX_FILE_BYTES" in small.issues[0].message
    monkeypatch.setattr("xxgk.parsing.parse_bytes", _slow_parse)
    slow = read_and_parse(seed, "seed.txt", max_bytes=1 << 30, seconds=0.2)
    assert [(i.stage, i.code) for i in slow.issues] == [("extract", "parse_timeout")]


def _slow_parse(data: bytes, filename: str = "") -> None:
    import time

    time.sleep(5)
    raise AssertionError("not interrupted")
