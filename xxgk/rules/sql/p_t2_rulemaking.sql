-- P-T2-RULEMAKING: 规章 counts > 0 from an agency that cannot make 规章
-- (county / township level, or a department of a provincial / prefecture government).
-- Agencies of unknown level are not judged.
WITH k AS (
    SELECT r.report_id, r.format_version, r.level,
           coalesce(r.sector = '人民政府', false) OR r.agency LIKE '%人民政府%' AS is_gov,
           max(c.value) FILTER (WHERE c.col_code IN ('made', 'new_made')) AS made,
           max(c.value) FILTER (WHERE c.col_code IN ('valid', 'total_pub')) AS stock,
           count(c.cell_code) AS n_present
    FROM _rx_reports r
    JOIN _rx_cells c ON c.report_id = r.report_id AND c.table_code = 'T2' AND c.row_code = '20.1.1'
        AND c.col_code IN ('made', 'valid', 'new_made', 'total_pub')
    WHERE r.in_scope AND r.level IN ('county', 'township', 'provincial', 'prefecture')
    GROUP BY ALL
)
SELECT report_id, 'P-T2-RULEMAKING' AS rule_id, 'T2' AS sheet,
       CASE WHEN format_version = '2021' THEN 'T2:20.1.1:made,T2:20.1.1:valid'
            ELSE 'T2:20.1.1:new_made,T2:20.1.1:total_pub' END AS cells,
       CASE WHEN (level IN ('county', 'township') OR NOT is_gov)
                 AND (coalesce(made, 0) > 0 OR coalesce(stock, 0) > 0) THEN 'fail'
            WHEN made IS NULL AND stock IS NULL THEN 'incomplete'
            ELSE 'pass' END AS status,
       0 AS expected, greatest(coalesce(made, 0), coalesce(stock, 0)) AS actual,
       level || ' ' || CASE WHEN is_gov THEN 'government' ELSE 'department' END || ' reports 规章 made '
           || coalesce(CAST(made AS VARCHAR), 'blank') || ', stock ' || coalesce(CAST(stock AS VARCHAR), 'blank') AS evidence,
       NULL AS severity
FROM k WHERE n_present > 0
