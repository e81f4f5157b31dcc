"""The data behind the report: one function per section, each a DataFrame (empty if its tables are absent).

Every function reads the published tables only and tolerates a warehouse where a layer has not been
built yet (an empty frame, never an exception).
"""

from __future__ import annotations

import duckdb
import pandas as pd

OUTCOMES = {
    "disclosed": "予以公开",
    "partly_disclosed": "部分公开",
    "refused": "不予公开",
    "unable": "无法提供",
    "not_processed": "不予处理",
    "other_processed": "其他处理",
}


def tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def by_year(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per report year: reports and the T3/T4 headline sums (current reports)."""
    if "agg_agency_year" not in tables(con):
        return pd.DataFrame()
    outcome_sums = ", ".join(f"sum({c}) AS {c}" for c in OUTCOMES)
    return con.execute(
        f"SELECT year, count(*) AS reports, sum(received) AS received, sum(carried_in) AS carried_in, "
        f"sum(concluded) AS concluded, {outcome_sums}, sum(carried_forward) AS carried_forward, "
        "sum(reviews) AS reviews, sum(reviews_corrected) AS reviews_corrected, sum(lawsuits) AS lawsuits, "
        "sum(lawsuits_corrected) AS lawsuits_corrected FROM agg_agency_year GROUP BY year ORDER BY year"
    ).df()


def rates(con: duckdb.DuckDBPyConnection, table: str, group: str) -> pd.DataFrame:
    """agg_region_year / agg_sector_year: one row per (year, group) with refusal and correction rates."""
    if table not in tables(con):
        return pd.DataFrame()
    return con.execute(
        f"SELECT year, {group}, reports, received, concluded, refused, refusal_rate, reviews, "
        f"reviews_corrected, review_correction_rate FROM {table} ORDER BY {group}, year"
    ).df()


def rates_by_city(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per (year, city; provincial agencies under their province): refusal and correction rates."""
    if "agg_agency_year" not in tables(con):
        return pd.DataFrame()
    return con.execute(
        "SELECT year, coalesce(city, province, '(unknown)') AS city, count(*) AS reports, "
        "sum(received) AS received, sum(concluded) AS concluded, sum(refused) AS refused, "
        "sum(refused) / nullif(sum(concluded), 0) AS refusal_rate, sum(reviews) AS reviews, "
        "sum(reviews_corrected) AS reviews_corrected, "
        "sum(reviews_corrected) / nullif(sum(reviews), 0) AS review_correction_rate "
        "FROM agg_agency_year GROUP BY ALL ORDER BY city, year"
    ).df()


def rule_rates(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per (rule, year): reports checked, reports violating (status 'fail'), violation rate."""
    have = tables(con)
    if "check_rule_coverage" in have:
        # one row per (rule, year, report) first: cheaper than two DISTINCT counts over the coverage rows
        return con.execute(
            "WITH r AS (SELECT rule_id, year, report_id, bool_or(n_checked > 0) AS checked, "
            "bool_or(n_fail > 0) AS violating FROM check_rule_coverage GROUP BY ALL) "
            "SELECT rule_id, year, count(*) FILTER (WHERE checked) AS reports_checked, "
            "count(*) FILTER (WHERE violating) AS reports_violating, "
            "reports_violating / nullif(reports_checked, 0) AS violation_rate "
            "FROM r GROUP BY ALL ORDER BY rule_id, year"
        ).df()
    if "check_findings" not in have:
        return pd.DataFrame()
    return con.execute(
        "WITH n AS (SELECT year, count(*) AS reports FROM dim_report WHERE is_current GROUP BY year) "
        "SELECT f.rule_id, f.year, any_value(n.reports) AS reports_checked, "
        "count(DISTINCT f.report_id) AS reports_violating, reports_violating / reports_checked AS violation_rate "
        "FROM check_findings f JOIN n USING (year) WHERE f.status = 'fail' GROUP BY ALL ORDER BY ALL"
    ).df()


def zero_filled(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per year: reports, reports whose every printed T3 number is 0, and their share."""
    if "fact_application" not in tables(con):
        return pd.DataFrame()
    return con.execute(
        """
        WITH printed AS (  -- reports with a printed T3 number: are they all 0?
            SELECT report_id, min(value) = 0 AND max(value) = 0 AS all_zero
            FROM fact_application WHERE value IS NOT NULL GROUP BY report_id)
        SELECT r.year, count(*) AS reports, count(*) FILTER (WHERE p.all_zero) AS zero_filled,
               zero_filled / count(*) AS zero_filled_share
        FROM dim_report r LEFT JOIN printed p USING (report_id)
        WHERE r.is_current GROUP BY r.year ORDER BY r.year
        """
    ).df()


def coverage(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per year: expected, reported, missing; the agencies expected but with no report, by year)."""
    if "compliance_calendar" in tables(con):
        summary = con.execute(
            "SELECT year, count(*) FILTER (WHERE expected) AS expected, "
            "count(*) FILTER (WHERE report_id IS NOT NULL) AS reported, "
            "count(*) FILTER (WHERE expected AND report_id IS NULL) AS missing "
            "FROM compliance_calendar GROUP BY year ORDER BY year"
        ).df()
        missing = con.execute(
            "SELECT year, agency_name AS agency, level, province, city, county, status, agency_key "
            "FROM compliance_calendar WHERE expected AND report_id IS NULL ORDER BY year DESC, agency_name"
        ).df()
        return summary, missing
    if "agg_agency_year" not in tables(con):
        return pd.DataFrame(), pd.DataFrame()
    # No calendar: an agency that reported in some year is expected in every year of the warehouse.
    missing = con.execute(
        "SELECT y.year, a.agency_name AS agency, a.level, a.province, a.city, a.county, 'missing' AS status, "
        "a.agency_key FROM dim_agency a CROSS JOIN (SELECT DISTINCT year FROM agg_agency_year) y "
        "WHERE a.agency_key IN (SELECT agency_key FROM agg_agency_year) AND NOT EXISTS "
        "(SELECT 1 FROM agg_agency_year g WHERE g.agency_key = a.agency_key AND g.year = y.year) "
        "ORDER BY y.year DESC, a.agency_name"
    ).df()
    summary = con.execute(
        "SELECT year, (SELECT count(DISTINCT agency_key) FROM agg_agency_year) AS expected, "
        "count(*) AS reported FROM agg_agency_year GROUP BY year ORDER BY year"
    ).df()
    summary["missing"] = summary.expected - summary.reported
    return summary, missing


def agencies(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per agency with a report: where it sits (as of its latest year), years reported, failing findings."""
    have = tables(con)
    if "agg_agency_year" not in have:
        return pd.DataFrame()
    index = (
        "SELECT agency_key, arg_max(agency, year) AS agency, arg_max(level, year) AS level, "
        "arg_max(sector, year) AS sector, arg_max(province, year) AS province, arg_max(city, year) AS city, "
        "arg_max(county, year) AS county, count(*) AS years_reported, min(year) AS first_year, "
        "max(year) AS last_year FROM agg_agency_year GROUP BY agency_key"
    )
    order = " ORDER BY province, city NULLS FIRST, county NULLS FIRST, agency, agency_key"
    if "check_findings" not in have:
        return con.execute(f"SELECT *, 0 AS failing_findings FROM ({index}){order}").df()
    # failing findings counted per agency once (one join and aggregate), not by a subquery per agency
    return con.execute(
        f"WITH a AS ({index}), n AS (SELECT r.agency_key, count(*) AS n FROM check_findings f "
        "JOIN dim_report r USING (report_id) WHERE f.status = 'fail' GROUP BY r.agency_key) "
        f"SELECT a.*, coalesce(n.n, 0) AS failing_findings FROM a LEFT JOIN n USING (agency_key){order}"
    ).df()


def publication(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """compliance_calendar rows (one per agency-year expected): status, dates, days late."""
    if "compliance_calendar" not in tables(con):
        return pd.DataFrame()
    return con.execute(
        "SELECT agency_key, year, status, published_date, deadline, days_late, format_version, expected_version "
        "FROM compliance_calendar ORDER BY year"
    ).df()


def agency_details(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(agg_agency_year rows, check_findings rows with the agency_key) for every agency at once."""
    have = tables(con)
    years = con.execute("SELECT * FROM agg_agency_year ORDER BY year").df() if "agg_agency_year" in have else None
    if "check_findings" in have:
        findings = con.execute(
            "SELECT r.agency_key, f.year, f.rule_id, f.severity, f.status, f.message, "
            "array_to_string(f.cells, ' ') AS cells, f.expected, f.actual, r.source_file "
            "FROM check_findings f JOIN dim_report r USING (report_id) "
            "ORDER BY f.year DESC, f.status, f.severity, f.rule_id"
        ).df()
    else:
        findings = pd.DataFrame()
    return (years if years is not None else pd.DataFrame()), findings
