"""The star schema built by a real multi-year run: grain of every table, keys, values vs truth."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.pipeline_helpers import add_seed, query, run_years
from xxgk.generator import DefectRates, write_inbox

pytestmark = pytest.mark.slow

# table -> its grain (the columns that identify a row), as stated in xxgk/warehouse/schema.sql
GRAIN = {
    "source_file": ["path", "sha256"],
    "stg_report": ["sha256"],
    "stg_cell": ["sha256", "table_code", "row_code", "col_code"],
    "ingest_errors": ["error_id"],
    "dim_agency": ["agency_key"],
    "dim_year": ["year"],
    "dim_category": ["format_version", "table_code", "row_code"],
    "dim_applicant_type": ["col_code"],
    "dim_report": ["report_id"],
    "fact_application": ["report_id", "row_code", "col_code"],
    "fact_proactive_disclosure": ["report_id", "row_code", "col_code"],
    "fact_review_litigation": ["report_id", "row_code", "col_code"],
    "report_cells": ["report_id", "table_code", "row_code", "col_code"],
    "report_text": ["report_id", "section"],
    "check_findings": ["finding_id"],
    "agg_t3_national": ["year", "row_code", "col_code"],
    "agg_agency_year": ["year", "agency_key"],
    "agg_region_year": ["year", "province"],
    "agg_sector_year": ["year", "sector"],
    "check_rule_coverage": ["report_id", "rule_id", "sheet"],
    "agg_findings_agency_year": ["report_id"],
    "agg_rule_violation_rates": ["rule_id", "year", "region"],
    "manifest_entry": ["path"],
    "dim_agency_registry": ["agency_key", "period_no"],
    "agency_alias": ["alias", "agency_key"],
    "compliance_calendar": ["year", "agency_key"],
    "agg_compliance_region_year": ["year", "province", "level"],
    "agg_format_adoption": ["year", "level", "format_version"],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("grain")
    inbox, truth = root / "inbox", root / "truth"
    write_inbox(
        inbox,
        seed=7,
        n_agencies=6,
        years=[2019, 2020, 2021, 2022],
        media_mix={"html": 1, "html-gbk": 1, "txt": 1},
        defect_rates=DefectRates.none(),
    )
    shutil.move(inbox / "truth", truth)
    add_seed(inbox)
    mp = pytest.MonkeyPatch()
    mp.setenv("XXGK_INBOX", str(inbox))
    mp.setenv("XXGK_DUCKDB_PATH", str(root / "xxgk.duckdb"))
    run_years(2019, 2022)
    mp.undo()
    return {"db": root / "xxgk.duckdb", "inbox": inbox, "truth": truth}


@pytest.mark.parametrize("table", sorted(GRAIN))
def test_table_grain_is_unique(built: dict[str, Path], table: str) -> None:
    cols = ", ".join(GRAIN[table])
    n, distinct = query(built["db"], f"SELECT count(*), count(DISTINCT ({cols})) FROM {table}")[0]
    assert n > 0, f"{table} is empty"
    assert n == distinct, f"{table}: {n} rows but {distinct} distinct ({cols})"


def test_facts_reference_dimensions(built: dict[str, Path]) -> None:
    db = built["db"]
    for fact in ("fact_application", "fact_proactive_disclosure", "fact_review_litigation"):
        orphans = query(
            db,
            f"""
            SELECT count(*) FROM {fact} f
            WHERE f.report_id NOT IN (SELECT report_id FROM dim_report)
               OR f.agency_key NOT IN (SELECT agency_key FROM dim_agency)
               OR f.category_key IS NULL
               OR (f.year IS NOT NULL AND f.year NOT IN (SELECT year FROM dim_year))""",
        )[0][0]
        assert orphans == 0, fact
    assert query(db, "SELECT count(*) FROM fact_application WHERE applicant_type_key IS NULL")[0][0] == 0


def test_every_report_loaded_with_its_truth_values(built: dict[str, Path]) -> None:
    db = built["db"]
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(built["truth"].glob("*.json"))]
    assert query(db, "SELECT count(*) FROM dim_report")[0][0] == len(truths) + 1  # + the seed
    rows = query(
        db,
        "SELECT source_file, agency, year, format_version, table_code || ':' || row_code || ':' "
        "|| col_code, value FROM report_cells",
    )
    by_file: dict[str, dict[str, float | None]] = {}
    meta: dict[str, tuple] = {}
    for src, agency, year, fmt, code, value in rows:
        by_file.setdefault(src, {})[code] = value
        meta[src] = (agency, year, fmt)
    for t in truths:
        src = t["meta"]["path"]
        assert meta[src] == (t["agency"], t["year"], t["format"]), src
        assert by_file[src] == t["cells"], src


def _aggregate_rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    from xxgk.warehouse.aggregates import AGGREGATE_TABLES

    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in AGGREGATE_TABLES}


def test_incremental_aggregates_equal_a_full_rebuild(built: dict[str, Path], tmp_path: Path) -> None:
    """Change two reports' facts and un-current a third: the incremental aggregates equal a rebuild."""

    from xxgk.warehouse.aggregates import AGGREGATE_TABLES, build_aggregates

    db = tmp_path / "w.duckdb"
    shutil.copyfile(built["db"], db)
    con = duckdb.connect(str(db))
    years = [2019, 2020, 2021, 2022]
    build_aggregates(con, years)
    ids = [r[0] for r in con.execute("SELECT report_id FROM dim_report WHERE is_current AND year = 2021 "
                                     "ORDER BY report_id LIMIT 3").fetchall()]
    received_before = con.execute("SELECT received FROM agg_agency_year WHERE report_id = ?", [ids[0]]).fetchone()[0]
    con.execute("UPDATE fact_application SET value = value + 5 WHERE report_id IN (?, ?) AND value IS NOT NULL",
                ids[:2])
    con.execute("UPDATE star_report_state SET fingerprint = fingerprint || 'changed' WHERE report_id IN (?, ?)",
                ids[:2])
    con.execute("UPDATE dim_report SET is_current = FALSE WHERE report_id = ?", [ids[2]])
    build_aggregates(con, years)
    incremental = _aggregate_rows(con)
    for table in (*AGGREGATE_TABLES, "agg_report_state"):
        con.execute(f"DELETE FROM {table}")
    build_aggregates(con, years)
    assert incremental == _aggregate_rows(con)
    received_after = con.execute("SELECT received FROM agg_agency_year WHERE report_id = ?", [ids[0]]).fetchone()[0]
    assert received_before is not None and received_after == received_before + 5
    assert con.execute("SELECT count(*) FROM agg_agency_year WHERE report_id = ?", [ids[2]]).fetchone()[0] == 0


def test_sync_table_writes_only_the_difference() -> None:

    from xxgk.warehouse.db import sync_table

    con = duckdb.connect()
    con.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v VARCHAR, l VARCHAR[])")
    con.execute("INSERT INTO t VALUES (1, 'a', ['x']), (2, 'b', []), (3, NULL, NULL)")
    con.execute("CREATE TEMP TABLE src AS SELECT * FROM (VALUES (1, 'a', ['x']), (3, NULL, NULL), "
                "(4, 'd', ['y', 'z'])) s(k, v, l)")
    assert sync_table(con, "t", "src", ("k",)) == {"keys_rewritten": 2}  # 2 gone, 4 new
    assert con.execute("SELECT * FROM t ORDER BY k").fetchall() == [(1, "a", ["x"]), (3, None, None),
                                                                    (4, "d", ["y", "z"])]
    con.execute("UPDATE src SET v = 'changed' WHERE k = 3")
    assert sync_table(con, "t", "src", ("k",)) == {"keys_rewritten": 1}
    assert sync_table(con, "t", "src", ("k",)) == {"keys_rewritten": 0}
    assert con.execute("SELECT v FROM t WHERE k = 3").fetchone()[0] == "changed"


def test_sync_table_scope_leaves_other_rows_alone() -> None:
    from xxgk.warehouse.db import sync_table

    con = duckdb.connect()
    con.execute("CREATE TABLE t (y INTEGER, k INTEGER, v VARCHAR, PRIMARY KEY (y, k))")
    con.execute("INSERT INTO t VALUES (2020, 1, 'a'), (2020, 2, 'b'), (2021, 1, 'c'), (2021, 2, 'd')")
    outside = con.execute("SELECT rowid, * FROM t WHERE y = 2020 ORDER BY k").fetchall()
    # the 2021 slice only: key 1 changes, key 2 goes, key 3 comes; 2020 is not in the source and stays
    con.execute("CREATE TEMP TABLE src AS SELECT * FROM (VALUES (2021, 1, 'C'), (2021, 3, 'e')) s(y, k, v)")
    assert sync_table(con, "t", "src", ("y", "k"), "y = ?", [2021]) == {"keys_rewritten": 3}
    assert con.execute("SELECT * FROM t ORDER BY y, k").fetchall() == [
        (2020, 1, "a"), (2020, 2, "b"), (2021, 1, "C"), (2021, 3, "e")
    ]
    assert con.execute("SELECT rowid, * FROM t WHERE y = 2020 ORDER BY k").fetchall() == outside
    assert sync_table(con, "t", "src", ("y", "k"), "y = ?", [2021]) == {"keys_rewritten": 0}
