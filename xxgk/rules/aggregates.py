"""Published summary tables over ``check_findings`` (dismissed findings excluded).

- ``agg_findings_agency_year``: one row per current report (agency × year) with failing-finding
  counts by severity, incomplete count and review counts.
- ``agg_rule_violation_rates``: one row per rule × year × region: reports checked (rule evaluated
  on at least one cell set), reports violating (at least one failing cell set not dismissed), rate.
"""

from __future__ import annotations

import duckdb

from xxgk.rules.reviews import ensure_reviews

AGENCY_YEAR_SQL = """
CREATE OR REPLACE TABLE agg_findings_agency_year AS
WITH reps AS (
    SELECT report_id, year, any_value(region) AS region FROM (
        SELECT report_id, year, region FROM check_findings
        UNION ALL SELECT report_id, year, region FROM check_rule_coverage
    ) GROUP BY report_id, year
), f AS (
    SELECT * FROM check_findings_reviewed
)
SELECT r.report_id, any_value(f.agency) AS agency, any_value(r.region) AS region, r.year,
       count(f.finding_id) FILTER (WHERE f.status = 'fail' AND f.severity = 'E' AND NOT f.dismissed) AS n_error,
       count(f.finding_id) FILTER (WHERE f.status = 'fail' AND f.severity = 'W' AND NOT f.dismissed) AS n_warning,
       count(f.finding_id) FILTER (WHERE f.status = 'fail' AND f.severity = 'I' AND NOT f.dismissed) AS n_info,
       count(f.finding_id) FILTER (WHERE f.status = 'incomplete' AND NOT f.dismissed) AS n_incomplete,
       count(f.finding_id) FILTER (WHERE f.review_decision = 'confirmed') AS n_confirmed,
       count(f.finding_id) FILTER (WHERE f.dismissed) AS n_dismissed
FROM reps r
LEFT JOIN (SELECT *, coalesce(review_decision = 'dismissed', false) AS dismissed FROM f) f ON f.report_id = r.report_id
GROUP BY r.report_id, r.year
"""

RATES_SQL = """
CREATE OR REPLACE TABLE agg_rule_violation_rates AS
WITH dismissed AS (
    SELECT report_id, rule_id, count(*) AS n FROM check_findings_reviewed
    WHERE status = 'fail' AND review_decision = 'dismissed' GROUP BY ALL
), per_report AS (
    SELECT c.rule_id, c.year, c.region, c.report_id,
           sum(c.n_checked) > 0 AS checked,
           sum(c.n_fail) > coalesce(any_value(d.n), 0) AS violating
    FROM check_rule_coverage c
    LEFT JOIN dismissed d ON d.report_id = c.report_id AND d.rule_id = c.rule_id
    GROUP BY c.rule_id, c.year, c.region, c.report_id
)
SELECT rule_id, year, region,
       count(*) FILTER (WHERE checked) AS reports_checked,
       count(*) FILTER (WHERE violating) AS reports_violating,
       CASE WHEN count(*) FILTER (WHERE checked) > 0
            THEN count(*) FILTER (WHERE violating) / count(*) FILTER (WHERE checked) END AS violation_rate
FROM per_report GROUP BY ALL ORDER BY rule_id, year, region
"""


def refresh_aggregates(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rebuild both published tables; returns their row counts."""
    ensure_reviews(con)
    con.execute(AGENCY_YEAR_SQL)
    con.execute(RATES_SQL)
    out = {}
    for t in ("agg_findings_agency_year", "agg_rule_violation_rates"):
        row = con.execute(f"SELECT count(*) FROM {t}").fetchall()  # constant identifiers
        out[t] = int(row[0][0]) if row else 0
    return out
