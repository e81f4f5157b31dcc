"""Agency pages' digests and manifest, the agency index's failing counts, the CSV links — on a small warehouse
built by hand: the same values as the straightforward computations they replace."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from xxgk.report import html as h
from xxgk.report import queries as q
from xxgk.rules.store import ensure_tables


@pytest.fixture()
def con() -> duckdb.DuckDBPyConnection:
    """Three agencies (7, 12, 30), 30 without findings; agency 12 with a failing and an incomplete finding."""
    c = duckdb.connect()
    nums = ", ".join(f"{col} BIGINT" for col in h._YEAR_COLS[1:])
    c.execute(
        f"CREATE TABLE agg_agency_year (agency_key BIGINT, year INTEGER, agency VARCHAR, level VARCHAR, "
        f"sector VARCHAR, province VARCHAR, city VARCHAR, county VARCHAR, {nums})"
    )
    for key, year, agency, city in ((7, 2022, "甲局", "南通市"), (12, 2021, "乙局", None), (12, 2022, "乙局, 新", None),
                                    (30, 2022, 'a "quoted" 局', "如皋市")):  # fmt: skip
        values = ", ".join(str(key + year + i) for i in range(len(h._YEAR_COLS) - 1))
        c.execute(
            f"INSERT INTO agg_agency_year VALUES ({key}, {year}, ?, 'county', 'sci', '江苏省', ?, NULL, {values})",
            [agency, city],
        )
    c.execute("CREATE TABLE dim_report (report_id VARCHAR, agency_key BIGINT, source_file VARCHAR, year INTEGER)")
    c.execute("INSERT INTO dim_report VALUES ('r7', 7, 'a.txt', 2022), ('r12', 12, 'b.txt', 2022), "
              "('r12b', 12, 'c.txt', 2021), ('r30', 30, 'd.txt', 2022)")  # fmt: skip
    ensure_tables(c)
    c.execute(
        "INSERT INTO check_findings (finding_id, report_id, rule_id, severity, status, year, message, cells) VALUES "
        "('f1', 'r12', 'R-T4-SUM', 'E', 'fail', 2022, 'sum', ['T4:AR:TOTAL']), "
        "('f2', 'r12b', 'R-T3-BALANCE', 'E', 'fail', 2021, 'bal', ['T3:1:TOTAL']), "
        "('f3', 'r7', 'R-T3-BALANCE', 'E', 'incomplete', 2022, 'blank', ['T3:1:TOTAL'])"
    )
    return c


def _old_digests(con: duckdb.DuckDBPyConnection, index: pd.DataFrame, version: str) -> dict[str, str]:
    """The digests as the pages' manifest held them before: one hash per agency, formatted in Python."""
    sources = h._page_sources(q.tables(con))
    ctes = ", ".join(
        f"{k} AS (SELECT agency_key, sum(hash(s)) AS h FROM ({sql.format(keys='TRUE')}) s GROUP BY agency_key)"
        for k, sql in sources.items()
    )
    joins = "".join(f" LEFT JOIN {k} USING (agency_key)" for k in sources)
    hashes = ", ".join(["0", *(f"coalesce({k}.h, 0)" for k in sources)])
    con.register("_i", index)
    rows = con.execute(f"WITH {ctes} SELECT i.agency_key, hash(i, {hashes}) FROM _i i{joins}").fetchall()
    con.unregister("_i")
    return {f"{k}.html": f"{version}:{d}" for k, d in sorted((int(k), d) for k, d in rows)}


def test_page_digests_are_what_they_were(con: duckdb.DuckDBPyConnection) -> None:
    index = q.agencies(con)
    digests = h._page_digests(con, index, q.tables(con), "v1")
    assert list(digests) == ["7.html", "12.html", "30.html"]  # agency key order, not the index's
    assert digests == _old_digests(con, index, "v1") and all(re.fullmatch(r"v1:\d+", d) for d in digests.values())


def test_rewrite_renders_only_the_changed_agency(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    out = tmp_path / "agencies"
    index = q.agencies(con)
    first = h._write_agency_pages(con, index, out)
    manifest = (out / "pages.json").read_text(encoding="utf-8")
    version = h._page_code_version()
    assert manifest == json.dumps({"version": version, "pages": _old_digests(con, index, version)})
    assert first == {"pages_rendered": 3, "pages_kept": 0, "stale": []}
    page12 = (out / "12.html").read_text(encoding="utf-8")
    assert "Findings (2 failing, 0 incomplete)" in page12
    con.execute("UPDATE check_findings SET message = 'changed' WHERE finding_id = 'f1'")
    (out / "old.html").write_text("gone")
    again = h._write_agency_pages(con, index, out)
    assert again == {"pages_rendered": 1, "pages_kept": 2, "stale": ["old.html"]}
    assert "changed" in (out / "12.html").read_text(encoding="utf-8")
    assert json.loads((out / "pages.json").read_text(encoding="utf-8"))["pages"] == _old_digests(con, index, version)
    assert h._write_agency_pages(con, index, out)["pages_rendered"] == 0


def test_agency_index_counts_failing_findings_per_agency(con: duckdb.DuckDBPyConnection) -> None:
    index = q.agencies(con)
    assert index[["agency_key", "failing_findings"]].values.tolist() == [[12, 2], [7, 0], [30, 0]]
    correlated = con.execute(  # the index as it was read before: a subquery per agency
        "SELECT agency_key, arg_max(agency, year) AS agency, arg_max(level, year) AS level, "
        "arg_max(sector, year) AS sector, arg_max(province, year) AS province, arg_max(city, year) AS city, "
        "arg_max(county, year) AS county, count(*) AS years_reported, min(year) AS first_year, max(year) AS last_year, "
        "(SELECT count(*) FROM check_findings f JOIN dim_report r USING (report_id) "
        "WHERE r.agency_key = g.agency_key AND f.status = 'fail') AS failing_findings "
        "FROM agg_agency_year g GROUP BY agency_key "
        "ORDER BY province, city NULLS FIRST, county NULLS FIRST, agency, agency_key"
    ).df()
    pd.testing.assert_frame_equal(index, correlated)
    assert index.failing_findings.dtype == "int64" and index.agency.tolist()[0] == "乙局, 新"
    con.execute("DROP TABLE check_findings")
    without = q.agencies(con)
    assert without.failing_findings.tolist() == [0, 0, 0] and without.columns.equals(index.columns)


def test_csv_link_is_the_frame_as_csv(con: duckdb.DuckDBPyConnection) -> None:
    index = q.agencies(con)
    link = h._csv_link(index, "agencies")
    uri = re.fullmatch(r'<a class="csv" download="agencies\.csv" href="data:text/csv;charset=utf-8;base64,'
                       r'([A-Za-z0-9+/=]+)">⬇ CSV \(3 rows\)</a>', link)  # fmt: skip
    assert uri is not None
    assert base64.b64decode(uri.group(1)).decode() == "\ufeff" + index.to_csv(index=False, lineterminator="\n")
