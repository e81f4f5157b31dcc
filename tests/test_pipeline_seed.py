"""The seed through the whole Dagster job, from the command line the README shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline_helpers import add_seed, query, run_cli, run_years, table_fingerprint

pytestmark = pytest.mark.slow

WAREHOUSE_TABLES = [
    "dim_report",
    "dim_agency",
    "dim_category",
    "dim_applicant_type",
    "dim_year",
    "fact_application",
    "fact_proactive_disclosure",
    "fact_review_litigation",
    "report_cells",
    "ingest_errors",
    "agg_t3_national",
    "agg_agency_year",
    "check_findings",
]


def test_cli_materialize_one_year_puts_the_seed_in_report_cells(tmp_env: dict[str, Path]) -> None:
    add_seed(tmp_env["inbox"])
    home = tmp_env["root"] / "dagster_home"
    home.mkdir()
    proc = run_cli(
        ["asset", "materialize", "-m", "pipelines.definitions", "--select", "*", "--partition", "2019"],
        {"DAGSTER_HOME": str(home)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    db = tmp_env["db"]
    assert db.exists()

    reports = query(db, "SELECT agency, region, year, format_version, source_file FROM dim_report")
    assert reports == [("海安市科技局", "海安市", 2019, "2019", "seed/000_7f3569336a1c441f.txt")]

    t3 = query(
        db,
        "SELECT count(*), count(*) FILTER (WHERE value = 0 AND NOT is_blank AND raw_text = '0') "
        "FROM report_cells WHERE table_code = 'T3'",
    )
    assert t3 == [(161, 161)]
    t4 = query(
        db,
        "SELECT count(*), count(*) FILTER (WHERE value = 0 AND NOT is_blank) FROM report_cells WHERE table_code = 'T4'",
    )
    assert t4 == [(15, 15)]
    codes = {r[0] for r in query(db, "SELECT row_code || ':' || col_code FROM report_cells WHERE table_code='T3'")}
    assert {"3.3.1:NP", "3.6:TOTAL", "3.7:LP_OTH", "4:TOTAL"} <= codes
    t2 = dict(query(db, "SELECT row_code || ':' || col_code, value FROM report_cells WHERE table_code = 'T2'"))
    assert t2["20.1.2:total_pub"] == 0 and t2["20.9.1:proc_amount"] == 0


def test_rerun_same_input_gives_identical_warehouse(tmp_env: dict[str, Path]) -> None:
    add_seed(tmp_env["inbox"])
    # the same content under a second name adds a path, not a report
    (tmp_env["inbox"] / "copy").mkdir()
    (tmp_env["inbox"] / "copy" / "again.txt").write_bytes(
        (tmp_env["inbox"] / "seed" / "000_7f3569336a1c441f.txt").read_bytes()
    )
    run_years(2019)
    first = table_fingerprint(tmp_env["db"], WAREHOUSE_TABLES)
    run_years(2019)
    assert table_fingerprint(tmp_env["db"], WAREHOUSE_TABLES) == first
    assert query(tmp_env["db"], "SELECT count(*), max(len(source_files)) FROM dim_report") == [(1, 2)]
