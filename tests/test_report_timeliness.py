"""The report's timeliness section: late list, coverage by region × level, template adoption."""

from __future__ import annotations

import duckdb

from xxgk.report.compliance_section import section_timeliness


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE agg_compliance_region_year AS SELECT * FROM (VALUES "
        "(2023, '江苏省', 'county', 10, 9, 6, 2, 1, 1, 0.9, 0.75, 12.5, 20)) "
        "t(year, province, level, expected, reported, on_time, late, undated, missing, coverage, on_time_rate, "
        "mean_days_late, max_days_late)"
    )
    con.execute(
        "CREATE TABLE compliance_calendar AS SELECT * FROM (VALUES "
        "(2023, 11, '海安市科技局', '江苏省', '南通市', '海安市', 'county', 'late', DATE '2024-01-31', "
        "'2024-02-20', 'header', 20), "
        "(2023, 12, '海安市教育局', '江苏省', '南通市', '海安市', 'county', 'published', DATE '2024-01-31', "
        "'2024-01-20', 'header', NULL)) "
        "t(year, agency_key, agency_name, province, city, county, level, status, deadline, published_date, "
        "published_date_source, days_late)"
    )
    con.execute(
        "CREATE TABLE agg_format_adoption AS SELECT * FROM (VALUES "
        "(2023, 'county', '2021', '2021', 3, 0.75), (2023, 'county', '2019', '2021', 1, 0.25)) "
        "t(year, level, format_version, expected_version, reports, share)"
    )
    return con


def test_timeliness_section_lists_late_agencies_and_adoption() -> None:
    html = "".join(section_timeliness(_con()))
    assert 'id="timeliness"' in html and html.count("<svg") == 2
    late_table = html[html.index('id="late_agencies"') :]
    assert "海安市科技局" in late_table.split("</table>")[0]
    assert "海安市教育局" not in late_table.split("</table>")[0]
    assert 'href="agencies/11.html"' in html
    assert "75.0%" in html  # 3 of 4 reports on the 2021 template


def test_no_section_without_compliance_tables() -> None:
    assert section_timeliness(duckdb.connect()) == []
