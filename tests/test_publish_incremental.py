"""Incremental publishing: after a change, the published files equal a from-scratch publish of the same warehouse.

A warehouse is built by the real pipeline, published; then reports change (a figure, a finding, an
agency vanishes), and the same folder is published again. Its files must be exactly those of a
fresh publish into an empty folder (HTML and manifests byte for byte, Parquet row for row), while
pages and partitions whose content did not change are kept (same inode), not rewritten.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.pipeline_helpers import add_seed, run_years
from xxgk.generator import write_inbox
from xxgk.report.html import write_report
from xxgk.warehouse.publish import export_parquet


def _publish(db: Path, out: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        export_parquet(con, out / "parquet")
        write_report(con, out / "report.html")
    finally:
        con.close()


def _files(root: Path) -> dict[str, Path]:
    return {str(p.relative_to(root)): p for p in sorted(root.rglob("*")) if p.is_file()}


def _same_parquet(a: Path, b: Path) -> bool:
    con = duckdb.connect()
    try:
        sa = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{a}')").fetchall()
        sb = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{b}')").fetchall()
        diff = con.execute(
            f"SELECT count(*) FROM ((SELECT * FROM read_parquet('{a}') EXCEPT ALL SELECT * FROM read_parquet('{b}')) "
            f"UNION ALL (SELECT * FROM read_parquet('{b}') EXCEPT ALL SELECT * FROM read_parquet('{a}')))"
        ).fetchone()[0]
    finally:
        con.close()
    return sa == sb and diff == 0


def _assert_same_output(incremental: Path, fresh: Path) -> None:
    got, want = _files(incremental), _files(fresh)
    assert sorted(got) == sorted(want)
    for name, path in want.items():
        if name.endswith(".parquet"):
            assert _same_parquet(got[name], path), name
        else:
            assert got[name].read_bytes() == path.read_bytes(), name


@pytest.mark.slow
def test_incremental_publish_equals_a_fresh_publish(tmp_env: dict[str, Path], tmp_path: Path) -> None:
    write_inbox(tmp_env["inbox"] / "gen", seed=41, n_agencies=8, years=[2020, 2021])
    run_years(2020, 2021)
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(tmp_env["db"], db)
    out = tmp_path / "pub"
    _publish(db, out)
    pages = sorted((out / "agencies").glob("*.html"))
    assert len(pages) >= 8
    inode = {name: p.stat().st_ino for name, p in _files(out).items()}

    con = duckdb.connect(str(db))
    try:
        changed, gone = con.execute(
            "SELECT agency_key FROM agg_agency_year WHERE year = 2021 ORDER BY agency_key LIMIT 2"
        ).fetchall()
        changed_key, gone_key = changed[0], gone[0]
        report = con.execute("SELECT min(report_id) FROM fact_application WHERE year = 2021").fetchone()[0]
        con.execute("UPDATE fact_application SET value = coalesce(value, 0) + 7 WHERE report_id = ?", [report])
        con.execute(
            "UPDATE agg_agency_year SET received = coalesce(received, 0) + 7 WHERE agency_key = ?", [changed_key]
        )
        con.execute(
            "DELETE FROM check_findings WHERE status = 'fail' AND report_id IN "
            "(SELECT report_id FROM dim_report WHERE agency_key = ?)",
            [changed_key],
        )
        con.execute("DELETE FROM agg_agency_year WHERE agency_key = ?", [gone_key])
    finally:
        con.close()

    _publish(db, out)
    fresh = tmp_path / "fresh"
    _publish(db, fresh)
    _assert_same_output(out, fresh)

    after = _files(out)
    assert f"agencies/{gone_key}.html" not in after  # the vanished agency's page is removed
    changed_page = f"agencies/{changed_key}.html"
    assert after[changed_page].stat().st_ino != inode[changed_page]  # rewritten
    kept = [n for n in after if n.startswith("agencies/") and n.endswith(".html") and n != changed_page]
    assert len(kept) == len(pages) - 2 and all(after[n].stat().st_ino == inode[n] for n in kept)  # left as they were
    # Parquet: the 2020 partition of the facts did not change and is the same file; 2021 was rewritten
    assert after["parquet/fact_application/year_partition=2020/data_0.parquet"].stat().st_ino == (
        inode["parquet/fact_application/year_partition=2020/data_0.parquet"]
    )
    assert after["parquet/fact_application/year_partition=2021/data_0.parquet"].stat().st_ino != (
        inode["parquet/fact_application/year_partition=2021/data_0.parquet"]
    )
    text = after[changed_page].read_text(encoding="utf-8")
    assert "Findings (0 failing" in text
    assert not [p for p in out.rglob(".*") if p.name != ".xxgk-state.json"]  # no temporary left behind

    # nothing changed: a further publish rewrites no page
    before = {n: p.stat().st_ino for n, p in after.items() if n.startswith("agencies/")}
    _publish(db, out)
    assert {n: p.stat().st_ino for n, p in _files(out).items() if n.startswith("agencies/")} == before


@pytest.mark.slow
def test_views_sql_rebuilds_the_published_tables_and_report_cells(tmp_env: dict[str, Path], tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """report_cells is not copied to Parquet: views.sql defines it (and every table) over the files."""
    write_inbox(tmp_env["inbox"] / "gen", seed=43, n_agencies=4, years=[2021, 2022])
    run_years(2021, 2022)
    out = tmp_path / "pub"
    _publish(tmp_env["db"], out)
    assert not (out / "parquet" / "report_cells").exists()
    monkeypatch.chdir(out / "parquet")
    views = duckdb.connect()
    views.execute((out / "parquet" / "views.sql").read_text(encoding="utf-8"))
    wh = duckdb.connect(str(tmp_env["db"]), read_only=True)
    try:
        query = "SELECT * FROM report_cells ORDER BY report_id, table_code, row_code, col_code"
        want = wh.execute(query).fetchall()
        assert len(want) > 500 and views.execute(query).fetchall() == want
        for table in ("dim_report", "fact_application", "check_findings", "agg_agency_year"):
            q = f"SELECT * FROM {table} ORDER BY ALL"
            assert views.execute(q).fetchall() == wh.execute(q).fetchall(), table
    finally:
        wh.close()
        views.close()


def test_content_fingerprint_follows_every_exported_table_and_the_reviews() -> None:
    """The publish step is skipped when this digest is unchanged: it must move with any published change."""
    from xxgk.warehouse.publish import content_fingerprint, partition_digests

    con = duckdb.connect()
    con.execute("CREATE TABLE fact_application AS SELECT * FROM (VALUES ('r1', 2021, '1', 'NP', 3.0), "
                "('r2', 2022, '1', 'NP', NULL)) t(report_id, year, row_code, col_code, value)")
    con.execute("CREATE TABLE dim_agency AS SELECT 1 AS agency_key, '甲局' AS agency_name")
    first = content_fingerprint(con)
    assert content_fingerprint(con, partition_digests(con)) == first  # same content, same digest
    assert set(partition_digests(con)["fact_application"]) == {"year_partition=2021", "year_partition=2022"}
    con.execute("UPDATE fact_application SET value = 4 WHERE report_id = 'r1'")
    second = content_fingerprint(con)
    assert second != first
    con.execute("UPDATE dim_agency SET agency_name = '乙局'")
    third = content_fingerprint(con)
    assert third != second
    con.execute("CREATE TABLE finding_reviews AS SELECT 'f1' AS finding_id, 'dismissed' AS decision")
    assert content_fingerprint(con) != third


def test_the_copy_starts_early_only_when_build_states_changed_and_content_still_decides(
    tmp_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Publication copies the working file while it digests the content when a step's build state changed
    since the last publish; the content alone decides whether anything is published (a copy not needed is
    removed), and an unchanged run copies nothing."""
    from dagster import materialize

    import assets.published as published
    from pipelines.resources import WarehouseResource
    from tests.pipeline_helpers import all_assets
    from xxgk.settings import Settings
    from xxgk.warehouse.db import connect

    add_seed(tmp_env["inbox"])
    run_years(2019)
    copies: list[Path] = []
    real_stage = published.stage_database

    def counting_stage(*args: object, **kwargs: object) -> Path:
        copies.append(real_stage(*args, **kwargs))  # type: ignore[arg-type]
        return copies[-1]

    monkeypatch.setattr(published, "stage_database", counting_stage)

    def publish() -> dict:
        result = materialize(
            all_assets(), selection=["published_warehouse"], partition_key="2019",
            resources={"warehouse": WarehouseResource()},
        )  # fmt: skip
        assert result.success
        (mat,) = result.asset_materializations_for_node("published_warehouse")
        return {k: v.value for k, v in mat.metadata.items()}

    db = Settings.from_env().duckdb_path
    inode = db.stat().st_ino
    assert publish()["unchanged"] is True and copies == []  # nothing changed: no copy at all
    with connect(Settings.from_env().work_db) as con:  # a step's inputs changed, its content did not
        con.execute("UPDATE build_state SET fingerprint = 'other' WHERE step = 'aggregates'")
    assert publish()["unchanged"] is True and len(copies) == 1  # copied early, then discarded
    assert not copies[0].exists() and db.stat().st_ino == inode
    assert not [p for p in db.parent.iterdir() if p.name.endswith(".tmp")]
    assert publish()["unchanged"] is True and len(copies) == 1  # the new build states are the known ones
    with connect(Settings.from_env().work_db) as con:  # content changed with no build state: still published
        con.execute("UPDATE fact_application SET value = coalesce(value, 0) + 1 WHERE row_code = '1'")
    assert publish()["unchanged"] is False and len(copies) == 2 and db.stat().st_ino != inode
