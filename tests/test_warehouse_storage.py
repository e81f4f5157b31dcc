"""How the working database is opened: row group size, and tables of older versions that are views now."""

from __future__ import annotations

from pathlib import Path

import duckdb

from xxgk.warehouse.db import ROW_GROUP_SIZE, connect


def test_working_database_is_written_in_small_row_groups(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        con.execute("CREATE TABLE t AS SELECT range AS i, repeat('文', 200) AS text FROM range(40000)")
        con.execute("CHECKPOINT")
        con.execute("INSERT INTO t SELECT range, 'x' FROM range(100)")  # an append after a checkpoint
    with connect(db, read_only=True) as con:
        sizes = [n for (n,) in con.execute(
            "SELECT max(count) FROM pragma_storage_info('t') WHERE column_name = 'i' GROUP BY row_group_id "
            "ORDER BY row_group_id"
        ).fetchall()]  # fmt: skip
    assert sum(sizes) == 40100
    assert max(sizes) == ROW_GROUP_SIZE == 16_384  # DuckDB's default would be one group of 40,100
    assert sizes[:2] == [16_384, 16_384]


def test_report_text_table_of_an_older_warehouse_becomes_the_view(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    old = duckdb.connect(str(db))
    old.execute("CREATE TABLE report_text (report_id VARCHAR, section VARCHAR, text VARCHAR)")
    old.execute("INSERT INTO report_text VALUES ('r1', 'ALL', 'copied narrative')")
    old.close()
    with connect(db) as con:
        kind = con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = 'report_text'")
        assert kind.fetchall() == [("VIEW",)]
        con.execute("INSERT INTO stg_text VALUES ('abc', 'ALL', '正文')")
        assert con.execute("SELECT count(*) FROM report_text").fetchone()[0] == 0  # no dim_report row yet
    with connect(db) as con:  # applying the schema again keeps the view
        assert con.execute("SELECT count(*) FROM stg_text").fetchone()[0] == 1


def test_cursor_shares_the_instance_and_its_default_database(tmp_path: Path) -> None:
    """A cursor for another thread sees the attached working database by default, and its writes."""
    from xxgk.warehouse.db import cursor

    with connect(tmp_path / "w.duckdb") as con:
        con.execute("CREATE TABLE t (a INTEGER)")
        own = cursor(con)
        own.execute("INSERT INTO t VALUES (1), (2)")
        own.close()
        assert con.execute("SELECT sum(a) FROM t").fetchone() == (3,)
        assert con.execute("SELECT current_database()").fetchone() == ("warehouse",)


def test_a_files_digest_follows_its_name_and_bytes_not_its_folder(tmp_path: Path) -> None:
    """A rules catalogue or registry read from another checkout is the same input (no full rebuild)."""
    from xxgk.warehouse.build_state import file_digest

    a, b = tmp_path / "a" / "rules.yaml", tmp_path / "b" / "rules.yaml"
    for f in (a, b):
        f.parent.mkdir()
        f.write_text("rules: []\n", encoding="utf-8")
    assert file_digest(a) == file_digest(b) != ""
    b.write_text("rules: [x]\n", encoding="utf-8")
    assert file_digest(a) != file_digest(b)
    assert file_digest(tmp_path / "missing.yaml") == "" and file_digest(None) == ""
