"""W-AGGREGATE-SUM: a county's aggregate (本级政府, scope 'aggregate') report vs the sum of its
constituents, per T3 / T4 cell (report-format.md §7.6).

Checked only where the aggregate and its constituents are all present: every agency-year the
calendar expects in the same county (departments, townships; other aggregates excluded) has a
report, and there is at least one. A cell fails when |aggregate − Σ| exceeds
max(absolute, relative × the larger side) (``aggregate_tolerance`` in ``deadlines.yaml``): the
aggregate also counts the government's own office and units that publish no report of their own.
Constituent cells printed blank or as a marker count as 0 (stated in the evidence); a blank
aggregate cell is not checked. T3 rows 3.6.* are skipped (they differ between the 2019 and 2021
templates). City and provincial aggregates are not checked (their constituents include counties'
roll-ups, not modelled yet).

Named parameters: ``$years``, ``$abs_tol``, ``$rel_tol``.
"""

from __future__ import annotations

_SQL = """
WITH agg AS (
    SELECT report_id, agency_key, year, agency, coalesce(county, city, province) AS region, province, city, county
    FROM dim_report
    WHERE is_current AND scope = 'aggregate' AND county IS NOT NULL AND list_contains($years, year)
), members AS (
    SELECT a.report_id AS agg_id, k.report_id, k.expected
    FROM agg a JOIN compliance_calendar k
      ON k.year = a.year AND k.county = a.county AND k.city IS NOT DISTINCT FROM a.city
     AND k.province IS NOT DISTINCT FROM a.province AND k.agency_key <> a.agency_key
     AND coalesce(k.scope, '') <> 'aggregate'
), complete AS (
    SELECT agg_id, count(report_id) AS n_members FROM members
    GROUP BY agg_id HAVING count(*) FILTER (WHERE expected AND report_id IS NULL) = 0 AND count(report_id) > 0
), member_cells AS (
    SELECT m.agg_id, 'T3' AS table_code, f.row_code, f.col_code, f.value
    FROM members m JOIN complete USING (agg_id) JOIN fact_application f ON f.report_id = m.report_id
    UNION ALL
    SELECT m.agg_id, 'T4', f.row_code, f.col_code, f.value
    FROM members m JOIN complete USING (agg_id) JOIN fact_review_litigation f ON f.report_id = m.report_id
), member_sums AS (
    SELECT agg_id, table_code, row_code, col_code, coalesce(sum(value), 0) AS constituent_sum,
           count(*) FILTER (WHERE value IS NULL) AS n_blank
    FROM member_cells GROUP BY ALL
), agg_cells AS (
    SELECT a.report_id, 'T3' AS table_code, f.row_code, f.col_code, f.value AS agg_value
    FROM agg a JOIN fact_application f USING (report_id) WHERE f.value IS NOT NULL
    UNION ALL
    SELECT a.report_id, 'T4', f.row_code, f.col_code, f.value
    FROM agg a JOIN fact_review_litigation f USING (report_id) WHERE f.value IS NOT NULL
)
SELECT a.report_id, 'W-AGGREGATE-SUM' AS rule_id, [g.table_code || ':' || g.row_code || ':' || g.col_code] AS cells,
       s.constituent_sum AS expected, g.agg_value AS actual,
       'Aggregate ' || g.agg_value || ' vs sum of ' || c.n_members || ' constituent reports ' || s.constituent_sum
           || ' (' || g.table_code || ':' || g.row_code || ':' || g.col_code || ')' AS message,
       '汇总报告数值与所属各单位报告之和不一致' AS message_zh,
       'aggregate ' || g.agg_value || '; constituents ' || s.constituent_sum || ' over ' || c.n_members
           || ' reports' || CASE WHEN s.n_blank > 0 THEN ' (' || s.n_blank || ' blank cells counted as 0)' ELSE '' END
           AS evidence,
       a.year, a.agency, a.region
FROM agg_cells g
JOIN agg a USING (report_id)
JOIN complete c ON c.agg_id = g.report_id
JOIN member_sums s ON s.agg_id = g.report_id AND s.table_code = g.table_code AND s.row_code = g.row_code
     AND s.col_code = g.col_code
WHERE g.col_code <> 'LP_SUB' AND NOT (g.table_code = 'T3' AND g.row_code LIKE '3.6%')
  AND abs(g.agg_value - s.constituent_sum)
      > greatest($abs_tol, $rel_tol * greatest(abs(g.agg_value), abs(s.constituent_sum)))
"""


def aggregate_sum_sql() -> str:
    """The W-AGGREGATE-SUM query (columns of the compliance findings; named parameters above)."""
    return _SQL
