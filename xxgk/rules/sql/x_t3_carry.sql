-- X-T3-CARRY: T3:2:c (year Y) = T3:4:c (same agency, year Y-1), from Y = 2020.
-- E; downgraded to W when the agency's name changed between the two reports (renamed / merged).
WITH cols AS (SELECT unnest(['NP', 'LP_COM', 'LP_RES', 'LP_NGO', 'LP_LAW', 'LP_OTH', 'TOTAL']) AS col),
pairs AS (
    SELECT p.report_id, p.prev_report_id, p.prev_year, p.renamed, cols.col
    FROM _rx_prev p CROSS JOIN cols
    JOIN _rx_reports r ON r.report_id = p.report_id
    WHERE r.year >= 2020
), j AS (
    SELECT pr.*, cur.value AS cur_v, prev.value AS prev_v,
           cur.cell_code IS NOT NULL AS cur_present, prev.cell_code IS NOT NULL AS prev_present
    FROM pairs pr
    LEFT JOIN _rx_cells cur ON cur.report_id = pr.report_id AND cur.cell_code = 'T3:2:' || pr.col
    LEFT JOIN _rx_cells prev ON prev.report_id = pr.prev_report_id AND prev.cell_code = 'T3:4:' || pr.col
)
SELECT report_id, 'X-T3-CARRY' AS rule_id, 'X' AS sheet,
       'T3:2:' || col || ',T3:4:' || col || '@' || prev_year AS cells,
       CASE WHEN cur_v IS NULL OR prev_v IS NULL THEN 'incomplete'
            WHEN abs(cur_v - prev_v) > 1e-6 THEN 'fail' ELSE 'pass' END AS status,
       prev_v AS expected, cur_v AS actual,
       'carried in ' || coalesce(CAST(cur_v AS VARCHAR), 'blank') || ' vs previous report '
           || prev_report_id || ' carried forward ' || coalesce(CAST(prev_v AS VARCHAR), 'blank')
           || CASE WHEN renamed THEN ' (agency renamed: downgraded to W)' ELSE '' END AS evidence,
       CASE WHEN renamed THEN 'W' END AS severity
FROM j WHERE cur_present AND prev_present
