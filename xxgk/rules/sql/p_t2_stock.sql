-- P-T2-STOCK: V2021 valid[Y] ~ valid[Y-1] + made[Y] - repealed[Y] for 20.1.1 and 20.1.2 (report the gap).
WITH cv AS (
    SELECT report_id, row_code,
           max(value) FILTER (WHERE col_code = 'valid') AS valid,
           max(value) FILTER (WHERE col_code = 'made') AS made,
           max(value) FILTER (WHERE col_code = 'repealed') AS repealed
    FROM _rx_cells
    WHERE format_version = '2021' AND table_code = 'T2' AND row_code IN ('20.1.1', '20.1.2')
    GROUP BY ALL
), j AS (
    SELECT p.report_id, p.prev_report_id, p.prev_year, cur.row_code, cur.valid, cur.made, cur.repealed,
           prev.valid AS prev_valid
    FROM _rx_prev p
    JOIN cv cur ON cur.report_id = p.report_id
    JOIN cv prev ON prev.report_id = p.prev_report_id AND prev.row_code = cur.row_code
)
SELECT report_id, 'P-T2-STOCK' AS rule_id, 'T2' AS sheet,
       'T2:' || row_code || ':valid,T2:' || row_code || ':made,T2:' || row_code || ':repealed,T2:'
           || row_code || ':valid@' || prev_year AS cells,
       CASE WHEN valid IS NULL OR made IS NULL OR repealed IS NULL OR prev_valid IS NULL THEN 'incomplete'
            WHEN abs(valid - (prev_valid + made - repealed)) > 1e-6 THEN 'fail' ELSE 'pass' END AS status,
       prev_valid + made - repealed AS expected, valid AS actual,
       'in force ' || coalesce(CAST(valid AS VARCHAR), 'blank') || '; last year ' || coalesce(CAST(prev_valid AS VARCHAR), 'blank')
           || ' + made ' || coalesce(CAST(made AS VARCHAR), 'blank') || ' - repealed '
           || coalesce(CAST(repealed AS VARCHAR), 'blank') AS evidence,
       NULL AS severity
FROM j
