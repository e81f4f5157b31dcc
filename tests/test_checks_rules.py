"""Asset-check bodies on a DuckDB fixture (GX validation, metadata, severities) and the factory."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dagster import AssetCheckSeverity, AssetKey, Definitions, asset

from assets.checks import build_rule_asset_checks, findings_integrity_check, rule_check_result
from xxgk.rules.fixtures import build_warehouse, report
from xxgk.rules.store import update_findings


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = build_warehouse(
        [
            report("clean", "2021"),
            report("bad", "2021", agency="乙局", agency_key=2, changes={"T4:AR:TOTAL": 0, "T3:3.2:TOTAL": 50}),
            report("zero", "2019", agency="丙局", agency_key=3, changes={"T3:3.1:TOTAL": None}),
        ]
    )
    update_findings(c, [2019, 2021], full=True)  # what the check_findings step persists; the checks read it
    return c


def test_checks_read_persisted_results_without_running_rules(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xxgk.rules.evaluate as ev

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("asset checks must not evaluate the rules again")

    monkeypatch.setattr(ev, "run_rules", boom)
    monkeypatch.setattr(ev, "prepare", boom)
    res = rule_check_result(con, ["T4"], ["E"])
    assert not res.passed and res.metadata["reports_failing_by_rule"].value == {"R-T4-SUM": 1}


def test_error_check_fails_with_offenders_and_docs(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    res = rule_check_result(con, ["T4"], ["E"], None, tmp_path / "docs", "t4_error")
    assert not res.passed and res.severity == AssetCheckSeverity.ERROR
    md = res.metadata
    assert md["reports_failing_by_rule"].value == {"R-T4-SUM": 1}
    assert md["worst_reports"].value[0]["report_id"] == "bad"
    assert Path(md["data_docs_path"].value).exists()


def test_clean_slice_passes(con: duckdb.DuckDBPyConnection) -> None:
    res = rule_check_result(con, ["T3"], ["E"], [2019])
    assert res.passed and res.metadata["failing_findings"].value == 0


def test_warning_check(con: duckdb.DuckDBPyConnection) -> None:
    res = rule_check_result(con, ["X"], ["W", "I"], [2019])
    assert not res.passed and res.severity == AssetCheckSeverity.WARN
    assert "P-BLANK-TOTAL" in res.metadata["reports_failing_by_rule"].value


def test_integrity_check(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    update_findings(con, [2019, 2021], full=True)
    assert findings_integrity_check(con, None, tmp_path).passed
    con.execute(
        "INSERT INTO check_findings (finding_id, report_id, rule_id, severity, status, year)"
        " SELECT finding_id, report_id, 'NOPE', severity, status, year FROM check_findings LIMIT 1"
    )
    res = findings_integrity_check(con, None, tmp_path)  # the findings changed: validated again, not replayed
    assert not res.passed and res.severity == AssetCheckSeverity.ERROR
    assert not res.metadata.get("cached")
    assert res.metadata["failed_expectations"].value == {"finding_id unique": 2, "rule_id in catalogue": 1}


def test_integrity_check_after_an_incremental_update_validates_the_changed_rows(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Once the stored findings passed, a run that replaced some reports' rows validates those rows, the
    rows sharing their finding ids and the compliance rows — and still catches a duplicate that pairs a
    new row with an old one; without a passed previous outcome it validates the whole slice."""
    con.execute("DELETE FROM check_findings WHERE rule_id = 'NOPE'")
    update_findings(con, [2019, 2021], full=True)
    total = con.execute("SELECT count(*) FROM check_findings").fetchone()[0]
    full = findings_integrity_check(con, None, tmp_path)
    assert full.passed and full.metadata["rows"].value == total
    assert full.metadata["validated"].value == "every row of the slice"
    from assets.checks import results_fingerprint

    before = results_fingerprint(con, None, tmp_path)
    # 'bad' re-evaluated: one of its rows now reuses the finding id of a row of 'zero' (unchanged)
    fid = con.execute("SELECT finding_id FROM check_findings WHERE report_id = 'zero' LIMIT 1").fetchone()[0]
    con.execute(
        "UPDATE check_findings SET finding_id = ? WHERE finding_id = "
        "(SELECT min(finding_id) FROM check_findings WHERE report_id = 'bad')",
        [fid],
    )
    con.execute("INSERT INTO check_rule_coverage SELECT * FROM check_rule_coverage LIMIT 1")  # a new state
    bad_rows = con.execute("SELECT count(*) FROM check_findings WHERE report_id = 'bad'").fetchone()[0]
    res = findings_integrity_check(con, None, tmp_path, changed=(before, ["bad"]))
    assert not res.passed and not res.metadata.get("cached")
    assert res.metadata["failed_expectations"].value == {"finding_id unique": 2}
    assert res.metadata["rows"].value == bad_rows + 1 < total  # its rows and the row of 'zero' sharing the id
    assert res.metadata["validated"].value.startswith("rows of the reports re-evaluated")
    # the state before did not pass now: the next validation covers the whole slice again
    after_fail = results_fingerprint(con, None, tmp_path)
    con.execute("INSERT INTO check_rule_coverage SELECT * FROM check_rule_coverage LIMIT 1")
    again = findings_integrity_check(con, None, tmp_path, changed=(after_fail, ["bad"]))
    assert again.metadata["rows"].value == total and not again.passed
    con.execute("DELETE FROM check_rule_coverage")
    update_findings(con, [2019, 2021], full=True)


def test_rule_check_snapshot_gives_the_inputs_the_database_gives(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """The catalogue checks read check_findings' snapshot instead of the locked working database: same
    fingerprint, same matrices and figures; without data only the fingerprint; another slice: none."""
    from assets.checks import (
        read_rule_check_snapshot,
        results_fingerprint,
        rule_check_inputs,
        write_rule_check_snapshot,
    )

    folder = tmp_path / "inputs" / "run-1"
    write_rule_check_snapshot(con, [2021], tmp_path, folder, with_data=True)
    snapshot = read_rule_check_snapshot(folder, [2021])
    assert snapshot is not None and snapshot[1] is not None
    fingerprint, mem = snapshot
    assert fingerprint == results_fingerprint(con, [2021], tmp_path)
    for sheets, sevs in ((["T4"], ["E"]), (["T3"], ["E"]), (["X"], ["W", "I"])):
        a, b = rule_check_inputs(con, sheets, sevs, [2021]), rule_check_inputs(mem, sheets, sevs, [2021])
        assert a.matrix.equals(b.matrix) and a.failing == b.failing
        plain = [{k: getattr(v, "value", v) for k, v in x.meta.items()} for x in (a, b)]
        assert plain[0] == plain[1]
    assert rule_check_inputs(mem, ["T4"], ["E"], [2021]).failing == 1
    mem.close()
    assert read_rule_check_snapshot(folder, [2019]) is None
    write_rule_check_snapshot(con, [2021], tmp_path, tmp_path / "inputs" / "run-2", with_data=False)
    assert not folder.exists()  # one run's snapshot at a time
    assert read_rule_check_snapshot(tmp_path / "inputs" / "run-2", [2021]) == (fingerprint, None)


def test_factory_builds_checks_that_load_in_definitions(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    @asset(name="fact_application")
    def _a() -> None: ...

    checks = build_rule_asset_checks(tmp_path)
    keys = {k for c in checks for k in c.check_keys}
    assert {(k.asset_key, k.name) for k in keys} >= {
        (AssetKey("fact_application"), "rules_error"),
        (AssetKey("fact_review_litigation"), "rules_error"),
        (AssetKey("fact_proactive_disclosure"), "rules_warn"),
        (AssetKey("check_findings"), "rules_error"),
    }
    assert not any(s.blocking for c in checks for s in c.check_specs)  # data rules never stop publication
    # the one blocking check runs in the check_findings step itself
    from assets.findings import check_findings

    integrity = [s for s in check_findings.check_specs if s.blocking]
    assert [(s.asset_key, s.name) for s in integrity] == [(AssetKey("check_findings"), "findings_integrity")]

    class FakeWarehouse:
        @contextmanager
        def connect(self):
            yield con

    from dagster import ResourceDefinition, materialize

    target = next(
        c
        for c in checks
        if AssetKey("fact_application") in {k.asset_key for k in c.check_keys}
        and any(k.name == "rules_error" for k in c.check_keys)
    )
    result = materialize([_a, target], resources={"warehouse": ResourceDefinition.hardcoded_resource(FakeWarehouse())})
    evals = {
        e.check_name: e for e in result.get_asset_check_evaluations() if e.asset_key == AssetKey("fact_application")
    }
    assert set(evals) == {"rules_error", "rules_warn"}  # one step; only the materialized asset's checks
    assert not evals["rules_error"].passed
    Definitions(assets=[_a], asset_checks=checks)


@pytest.mark.slow
def test_unchanged_rerun_replays_check_outcomes_while_their_data_docs_exist(
    tmp_env: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """First run: GX validates (Data Docs folder absent until then). Unchanged re-run: every GX check
    replays its recorded outcome. A check whose Data Docs page was deleted runs again and rewrites it."""
    from dagster import materialize

    from pipelines.definitions import defs
    from pipelines.resources import WarehouseResource
    from tests.pipeline_helpers import all_assets
    from xxgk.generator import write_inbox

    write_inbox(tmp_env["inbox"] / "gen", seed=5, n_agencies=3, years=[2022])
    docs = tmp_path / "docs"
    monkeypatch.setenv("XXGK_DATA_DOCS_DIR", str(docs))

    def run() -> dict[str, bool]:
        result = materialize(
            [*all_assets(), *(defs.asset_checks or [])],
            partition_key="2022",
            resources={"warehouse": WarehouseResource()},
        )
        assert result.success
        return {
            f"{e.asset_key.to_user_string()}.{e.check_name}": bool(e.metadata.get("cached"))
            for e in result.get_asset_check_evaluations()
            if e.check_name != "ingest_accounting"
        }

    first = run()
    assert first and not any(first.values())
    assert all(run().values())  # nothing changed: replayed
    integrity = docs / "check_findings" / "integrity"
    shutil.rmtree(integrity)
    third = run()
    assert third["check_findings.findings_integrity"] is False and (integrity / "index.html").is_file()
    assert all(v for k, v in third.items() if k != "check_findings.findings_integrity")


@pytest.mark.slow
def test_failed_integrity_check_stops_publication(
    tmp_env: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A findings table with a duplicated finding_id fails the blocking integrity check inside the
    check_findings step: the findings are materialized, the step fails, nothing is published."""
    from dagster import materialize

    import assets.checks as checks_module
    from pipelines.definitions import defs
    from pipelines.resources import WarehouseResource
    from tests.pipeline_helpers import all_assets
    from xxgk.generator import write_inbox

    write_inbox(tmp_env["inbox"] / "gen", seed=5, n_agencies=3, years=[2022])
    monkeypatch.setenv("XXGK_DATA_DOCS_DIR", str(tmp_path / "docs"))
    stored = checks_module.integrity_frame

    def duplicated(con: duckdb.DuckDBPyConnection, years: list[int] | None = None) -> pd.DataFrame:
        frame = stored(con, years)
        return pd.concat([frame, frame.head(1)], ignore_index=True)

    monkeypatch.setattr(checks_module, "integrity_frame", duplicated)
    result = materialize(
        [*all_assets(), *(defs.asset_checks or [])],
        partition_key="2022",
        resources={"warehouse": WarehouseResource()},
        raise_on_error=False,
    )
    assert not result.success
    integrity = [e for e in result.get_asset_check_evaluations() if e.check_name == "findings_integrity"]
    assert len(integrity) == 1 and not integrity[0].passed
    assert integrity[0].metadata["failed_expectations"].value == {"finding_id unique": 2}
    done = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "check_findings" in done and "published_warehouse" not in done
    assert not tmp_env["db"].exists()  # the published warehouse file was never written


def test_gx_is_imported_in_the_background_thread() -> None:
    """The check_findings step starts GX's import in a thread; by the time it joins, GX is loaded."""
    import subprocess
    import sys

    code = (
        "import sys; from xxgk.rules import gx_validation as g; g.import_gx_in_background(); "
        "assert g._gx_import is not None and g._gx_import.name == 'gx-import'; g.wait_for_gx(); "
        "assert not g._gx_import.is_alive(); "
        "print(sorted(m for m in ('great_expectations', 'great_expectations.checkpoint', "
        "'great_expectations.expectations') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == (
        "['great_expectations', 'great_expectations.checkpoint', 'great_expectations.expectations']"
    )


def test_data_docs_pages_share_compiled_templates(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """A second Data Docs page compiles no template again, and both pages are written in full."""
    from great_expectations.render.view import view

    first = rule_check_result(con, ["T4"], ["E"], None, tmp_path / "a", "first")
    cache = view.Environment.keywords["bytecode_cache"]
    compiled = dict(cache._code)
    assert compiled  # the first page's templates, compiled once
    second = rule_check_result(con, ["T4"], ["E"], None, tmp_path / "b", "second")
    assert cache._code == compiled  # the second page reused them
    for result, name in ((first, "first"), (second, "second")):
        index = Path(result.metadata["data_docs_path"].value)
        assert name in index.read_text(encoding="utf-8")
        assert "R-T4-SUM" in "".join(p.read_text(encoding="utf-8") for p in index.parent.rglob("*.html"))


def test_gx_validates_without_hashing_the_batch(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GX's batch fingerprint (a hash of the whole frame, only a label) is not computed; the outcome is."""
    from great_expectations.execution_engine import pandas_execution_engine as engine

    def boom(df: object) -> str:
        raise AssertionError("the batch was hashed")

    monkeypatch.setattr(engine, "hash_pandas_dataframe", boom)
    result = rule_check_result(con, ["T4"], ["E"], None, tmp_path, "nohash")
    assert engine.HASH_THRESHOLD == 0
    assert result.passed is False
    assert result.metadata["gx_unexpected_by_rule"].value["R-T4-SUM"] == 1
