"""StagingBatch: a parsed report flattened into columnar staging rows (duplicates, blanks, alternatives)."""

from __future__ import annotations

from xxgk.ingest import STAGING_COLUMNS, StagingBatch
from xxgk.parsing.model import ParsedCell, ParsedReport, ParseIssue
from xxgk.warehouse.shards import STG_SCHEMAS, batch_table


def test_parquet_schemas_match_the_warehouse_staging_tables() -> None:
    """What a parse shard writes loads into the staging tables column for column, with their types."""
    import duckdb

    from xxgk.warehouse.db import apply_schema

    con = duckdb.connect()
    apply_schema(con)
    duck_type = {"string": "VARCHAR", "int32": "INTEGER", "double": "DOUBLE", "bool": "BOOLEAN",
                 "list<item: double>": "DOUBLE[]"}
    for table, schema in STG_SCHEMAS.items():
        columns = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall())
        assert tuple(schema.names) == STAGING_COLUMNS[table]
        assert {f.name: duck_type[str(f.type)] for f in schema} == {n: columns[n] for n in schema.names}, table


def test_a_report_becomes_rows_first_duplicate_kept_blank_stays_null() -> None:
    report = ParsedReport(media="html", year=2022, text="全文", narrative={"S1": "一、总体情况", "ALL": "x"})
    report.cells = [
        ParsedCell("T3", "1", "NP", "3", 3.0, False),
        ParsedCell("T3", "1", "TOTAL", "", None, True),
        ParsedCell("T3", "1", "NP", "4", 4.0, False),  # read twice: the first is kept
        ParsedCell("T4", "AR", "TOTAL", "12", None, False, confidence=0.3, alternatives=(1.0, 2)),
    ]
    report.issues = [ParseIssue("tables", "warning", "missing_table", "table T2 not found", "T2")]
    batch = StagingBatch()
    batch.add("ab" * 32, "x/r.html", report)
    tables = {name: batch_table(batch, name).to_pylist() for name in STG_SCHEMAS}
    (rep,) = tables["stg_report"]
    assert (rep["n_cells"], rep["n_ambiguous"], rep["year"], rep["parse_status"]) == (4, 1, 2022, "ok")
    cells = tables["stg_cell"]
    assert [(c["col_code"], c["value"], c["is_blank"]) for c in cells] == [
        ("NP", 3.0, False), ("TOTAL", None, True), ("TOTAL", None, False)
    ]
    assert cells[0]["alternatives"] is None and cells[2]["alternatives"] == [1.0, 2.0]
    assert [t["section"] for t in tables["stg_text"]] == ["ALL", "S1"]
    assert [e["code"] for e in tables["ingest_errors"]] == ["duplicate_cell", "missing_table"]
    assert tables["ingest_errors"][0]["location"] == "T3:1:NP"
    batch.clear()
    assert batch.reports == 0 and all(batch.rows(t) == 0 for t in STAGING_COLUMNS)


def test_cell_sha256_runs_follow_reports_with_and_without_cells() -> None:
    batch = StagingBatch()
    for sha, n in (("a" * 64, 2), ("b" * 64, 0), ("c" * 64, 3)):
        report = ParsedReport(media="txt")
        report.cells = [ParsedCell("T3", str(i), "NP", "1", 1.0, False) for i in range(n)]
        batch.add(sha, f"{sha[0]}.txt", report)
    assert batch.rows("stg_cell") == 5
    table = batch_table(batch, "stg_cell")
    assert table.column("sha256").to_pylist() == ["a" * 64] * 2 + ["c" * 64] * 3
    assert table.schema == STG_SCHEMAS["stg_cell"]
