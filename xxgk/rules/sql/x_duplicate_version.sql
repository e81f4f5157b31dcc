-- X-DUPLICATE-VERSION: one report published more than once, or several versions for one agency-year.
-- (a) W: several different contents claim the same agency and year (a corrected re-publication, an HTML
--     and a PDF copy): every version stays in dim_report; the non-current ones fail, naming the current
--     one. Current = best parse status, then latest published date, then latest file mtime, then
--     report_id (dim_report.is_current, xxgk/warehouse/star.py).
-- (b) I: the same content (same sha256) under more than one file name.
WITH grp AS (
    SELECT r.report_id, r.agency_key, r.year, r.is_current, r.in_scope,
           count(*) OVER (PARTITION BY r.agency_key, r.year) AS n_versions,
           max(CASE WHEN r.is_current THEN r.report_id END) OVER (PARTITION BY r.agency_key, r.year) AS current_id
    FROM _rx_reports r
    WHERE r.agency_key <> 0 AND r.year IS NOT NULL
)
SELECT g.report_id, 'X-DUPLICATE-VERSION' AS rule_id, 'X' AS sheet, 'T2:*,T3:*,T4:*' AS cells,
       CASE WHEN g.is_current THEN 'pass' ELSE 'fail' END AS status,
       NULL::DOUBLE AS expected, CAST(g.n_versions AS DOUBLE) AS actual,
       g.n_versions || ' versions for this agency-year; current: ' || coalesce(g.current_id, '?')
           || coalesce(' (' || c.source_file || ')', '') || '; this one: ' || d.source_file AS evidence,
       NULL AS severity
FROM grp g
JOIN dim_report d ON d.report_id = g.report_id
LEFT JOIN dim_report c ON c.report_id = g.current_id
WHERE g.in_scope AND g.n_versions > 1
UNION ALL
SELECT r.report_id, 'X-DUPLICATE-VERSION', 'X', 'T2:*,T3:*,T4:*,FILES', 'fail', NULL::DOUBLE,
       CAST(len(d.source_files) AS DOUBLE),
       'same content in ' || len(d.source_files) || ' files: ' || array_to_string(d.source_files, ', '),
       'I'
FROM _rx_reports r JOIN dim_report d ON d.report_id = r.report_id
WHERE r.in_scope AND len(d.source_files) > 1
