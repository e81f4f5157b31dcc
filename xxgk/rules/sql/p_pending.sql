-- P-PENDING (I): carried forward (row 4) above a quarter of this year's intake (row 1).
SELECT k.report_id, 'P-PENDING' AS rule_id, 'T3' AS sheet, 'T3:4:TOTAL,T3:1:TOTAL' AS cells,
       CASE WHEN k.rt_4 IS NULL OR k.rt_1 IS NULL THEN 'incomplete'
            WHEN k.rt_1 > 0 AND k.rt_4 > 0.25 * k.rt_1 THEN 'fail' ELSE 'pass' END AS status,
       0.25 * k.rt_1 AS expected, k.rt_4 AS actual,
       'carried forward ' || coalesce(CAST(k.rt_4 AS VARCHAR), 'blank') || ' of intake '
           || coalesce(CAST(k.rt_1 AS VARCHAR), 'blank') AS evidence,
       NULL AS severity
FROM _rx_key k JOIN _rx_reports r ON r.report_id = k.report_id AND r.in_scope
WHERE k.t3_cells > 0
