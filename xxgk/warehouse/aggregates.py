"""Published aggregate tables, computed in DuckDB from the facts of current reports.

A T3/T4 row total is the printed 总计 cell when printed, else the sum of the applicant columns
printed (``agg_agency_year.totals_derived`` counts how many totals were derived that way).
Blank stays NULL: an agency-year with nothing printed has NULL, not 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

AGGREGATE_TABLES: tuple[str, ...] = (
    "agg_t3_national",
    "agg_agency_year",
    "agg_region_year",
    "agg_sector_year",
)

_DDL = """
-- One row per (year, T3 row, applicant column) over current reports: national totals.
CREATE TABLE IF NOT EXISTS agg_t3_national (
    year INTEGER, row_code VARCHAR, col_code VARCHAR, label VARCHAR, reports INTEGER,
    reports_printed INTEGER, value_sum DOUBLE, PRIMARY KEY (year, row_code, col_code));
-- One row per current report (agency-year): the headline counts of T3 and T4.
CREATE TABLE IF NOT EXISTS agg_agency_year (
    year INTEGER, agency_key BIGINT, agency VARCHAR, province VARCHAR, city VARCHAR, county VARCHAR,
    region VARCHAR, level VARCHAR, sector VARCHAR, report_id VARCHAR, format_version VARCHAR,
    received DOUBLE, carried_in DOUBLE, concluded DOUBLE, carried_forward DOUBLE,
    disclosed DOUBLE, partly_disclosed DOUBLE, refused DOUBLE, unable DOUBLE, not_processed DOUBLE,
    other_processed DOUBLE, reviews DOUBLE, reviews_corrected DOUBLE, lawsuits DOUBLE,
    lawsuits_corrected DOUBLE, totals_derived INTEGER, PRIMARY KEY (year, agency_key));
-- One row per (year, province): sums and rates over current reports.
CREATE TABLE IF NOT EXISTS agg_region_year (
    year INTEGER, province VARCHAR, reports INTEGER, received DOUBLE, concluded DOUBLE,
    disclosed DOUBLE, refused DOUBLE, reviews DOUBLE, reviews_corrected DOUBLE, lawsuits DOUBLE,
    disclosure_rate DOUBLE, refusal_rate DOUBLE, review_correction_rate DOUBLE,
    PRIMARY KEY (year, province));
-- One row per (year, sector): sums and rates over current reports.
CREATE TABLE IF NOT EXISTS agg_sector_year (
    year INTEGER, sector VARCHAR, reports INTEGER, received DOUBLE, concluded DOUBLE,
    disclosed DOUBLE, refused DOUBLE, reviews DOUBLE, reviews_corrected DOUBLE, lawsuits DOUBLE,
    disclosure_rate DOUBLE, refusal_rate DOUBLE, review_correction_rate DOUBLE,
    PRIMARY KEY (year, sector));
"""

_ROW_TOTALS = """
CREATE OR REPLACE TEMP TABLE row_totals AS
SELECT f.report_id, f.row_code,
       coalesce(max(f.value) FILTER (WHERE f.col_code = 'TOTAL'),
                sum(f.value) FILTER (WHERE f.col_code NOT IN ('TOTAL', 'LP_SUB'))) AS total,
       bool_and(f.col_code <> 'TOTAL' OR f.value IS NULL)
           AND count(f.value) FILTER (WHERE f.col_code NOT IN ('TOTAL', 'LP_SUB')) > 0 AS derived
FROM (SELECT report_id, row_code, col_code, value FROM fact_application
      UNION ALL
      SELECT report_id, row_code, col_code, value FROM fact_review_litigation) f
WHERE f.report_id IN (SELECT report_id FROM _agg_todo)
GROUP BY ALL
"""

# One row per report aggregated in agg_agency_year: the star fingerprint of the report it was computed
# from (with the aggregate code); a report whose fingerprint is unchanged keeps its row.
_STATE_DDL = """
CREATE TABLE IF NOT EXISTS agg_report_state (report_id VARCHAR PRIMARY KEY, year INTEGER, fingerprint VARCHAR)
"""

# Current reports of the years, with what their agg_agency_year row depends on.
_WANTED = """
CREATE OR REPLACE TEMP TABLE _agg_wanted AS
SELECT r.report_id, r.year, md5(coalesce(s.fingerprint, r.report_id || random()::VARCHAR) || ?) AS fingerprint
FROM dim_report r LEFT JOIN star_report_state s USING (report_id)
WHERE r.is_current AND r.year IN (SELECT unnest(?::INTEGER[]))
"""


def _rates(group: str) -> str:
    return f"""
    SELECT year, {group}, count(*) AS reports, sum(received), sum(concluded), sum(disclosed), sum(refused),
           sum(reviews), sum(reviews_corrected), sum(lawsuits),
           sum(disclosed) / nullif(sum(concluded), 0), sum(refused) / nullif(sum(concluded), 0),
           sum(reviews_corrected) / nullif(sum(reviews), 0)
    FROM agg_agency_year WHERE year IN (SELECT unnest(?::INTEGER[])) GROUP BY ALL
    """


def build_aggregates(con: duckdb.DuckDBPyConnection, years: Sequence[int]) -> dict[str, int]:
    """Bring the aggregate rows of ``years`` up to date; returns row counts per table.

    ``agg_agency_year`` is incremental: only the rows of reports that became (or stopped being) current or
    whose star rows changed (``star_report_state``) are recomputed; a change of this module's code
    invalidates every row. The national, region and sector tables are recomputed for the years.
    """
    from xxgk.warehouse.build_state import code_digest

    code = code_digest("warehouse/aggregates.py")
    yrs = [list(years)]
    con.execute(_DDL)
    con.execute(_STATE_DDL)
    con.execute("BEGIN")
    con.execute(_WANTED, [code, list(years)])
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _agg_stale AS
        SELECT report_id FROM agg_report_state
        WHERE year IN (SELECT unnest(?::INTEGER[])) AND (report_id, fingerprint) NOT IN (SELECT report_id,
              fingerprint FROM _agg_wanted)
        UNION SELECT report_id FROM agg_agency_year WHERE year IN (SELECT unnest(?::INTEGER[]))
              AND report_id NOT IN (SELECT report_id FROM agg_report_state)
        """,
        [list(years), list(years)],
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _agg_todo AS
        SELECT w.report_id FROM _agg_wanted w
        WHERE (w.report_id, w.fingerprint) NOT IN (SELECT report_id, fingerprint FROM agg_report_state)
           OR w.report_id IN (SELECT report_id FROM _agg_stale)
        """
    )
    con.execute(
        "DELETE FROM agg_agency_year WHERE year IN (SELECT unnest(?::INTEGER[])) AND (report_id IN "
        "(SELECT report_id FROM _agg_stale) OR report_id IN (SELECT report_id FROM _agg_todo))",
        yrs,
    )
    con.execute(
        "DELETE FROM agg_report_state WHERE report_id IN (SELECT report_id FROM _agg_stale) "
        "OR report_id IN (SELECT report_id FROM _agg_todo)"
    )
    for table in ("agg_t3_national", "agg_region_year", "agg_sector_year"):
        con.execute(f"DELETE FROM {table} WHERE year IN (SELECT unnest(?::INTEGER[]))", yrs)
    con.execute(
        """
        INSERT INTO agg_t3_national
        SELECT r.year, f.row_code, f.col_code, any_value(dc.label), count(*),  -- one fact row per report
               count(f.value), sum(f.value)
        FROM fact_application f JOIN dim_report r USING (report_id)
        LEFT JOIN dim_category dc ON dc.category_key = f.category_key
        WHERE r.is_current AND r.year IN (SELECT unnest(?::INTEGER[]))
        GROUP BY r.year, f.row_code, f.col_code
        """,
        yrs,
    )
    con.execute(_ROW_TOTALS)
    con.execute(
        """
        INSERT INTO agg_agency_year
        SELECT r.year, r.agency_key, r.agency, r.province, r.city, r.county, r.region, r.level, r.sector,
               r.report_id, r.format_version,
               max(t.total) FILTER (WHERE t.row_code = '1'),
               max(t.total) FILTER (WHERE t.row_code = '2'),
               max(t.total) FILTER (WHERE t.row_code = '3.7'),
               max(t.total) FILTER (WHERE t.row_code = '4'),
               max(t.total) FILTER (WHERE t.row_code = '3.1'),
               max(t.total) FILTER (WHERE t.row_code = '3.2'),
               sum(t.total) FILTER (WHERE t.row_code LIKE '3.3.%'),
               sum(t.total) FILTER (WHERE t.row_code LIKE '3.4.%'),
               sum(t.total) FILTER (WHERE t.row_code LIKE '3.5.%'),
               sum(t.total) FILTER (WHERE t.row_code = '3.6' OR t.row_code LIKE '3.6.%'),
               max(t.total) FILTER (WHERE t.row_code = 'AR'),
               any_value(c.ar_correct),
               sum(t.total) FILTER (WHERE t.row_code IN ('AL_D', 'AL_R')),
               any_value(c.al_correct),
               count(*) FILTER (WHERE t.derived)
        FROM dim_report r LEFT JOIN row_totals t USING (report_id)
        LEFT JOIN (
            SELECT report_id,
                   max(value) FILTER (WHERE row_code = 'AR' AND col_code = 'CORRECT') AS ar_correct,
                   sum(value) FILTER (WHERE row_code IN ('AL_D', 'AL_R') AND col_code = 'CORRECT') AS al_correct
            FROM fact_review_litigation WHERE report_id IN (SELECT report_id FROM _agg_todo) GROUP BY report_id
        ) c USING (report_id)
        WHERE r.report_id IN (SELECT report_id FROM _agg_todo)
        GROUP BY ALL
        """
    )
    con.execute(
        "INSERT INTO agg_report_state SELECT report_id, year, fingerprint FROM _agg_wanted "
        "WHERE report_id IN (SELECT report_id FROM _agg_todo)"
    )
    con.execute("INSERT INTO agg_region_year " + _rates("coalesce(province, '(unknown)')"), yrs)
    con.execute("INSERT INTO agg_sector_year " + _rates("coalesce(sector, '(unknown)')"), yrs)
    con.execute("COMMIT")
    for name in ("_agg_wanted", "_agg_stale", "_agg_todo", "row_totals"):
        con.execute(f"DROP TABLE IF EXISTS {name}")  # constant names
    return {
        t: int(
            con.execute(
                f"SELECT count(*) FROM {t} WHERE year IN (SELECT unnest(?::INTEGER[]))", yrs
            ).fetchone()[0]
        )
        for t in AGGREGATE_TABLES
    }
