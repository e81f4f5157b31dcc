-- P-T2-FEE-UNIT: V2021 fee_wan is in 万元: flag a cell written in 元, or a 10^4 jump vs last year.
WITH cur AS (
    SELECT c.report_id, c.value, c.raw_text
    FROM _rx_cells c JOIN _rx_reports r ON r.report_id = c.report_id AND r.in_scope
    WHERE c.format_version = '2021' AND c.cell_code = 'T2:20.8.1:fee_wan'
), j AS (
    SELECT cur.*, p.prev_year, pc.value AS prev_value
    FROM cur
    LEFT JOIN _rx_prev p ON p.report_id = cur.report_id
    LEFT JOIN _rx_cells pc ON pc.report_id = p.prev_report_id AND pc.cell_code = 'T2:20.8.1:fee_wan'
)
SELECT report_id, 'P-T2-FEE-UNIT' AS rule_id, 'T2' AS sheet,
       CASE WHEN prev_value IS NOT NULL AND value IS NOT NULL AND value > 0 AND prev_value > 0
                 AND (value >= 1e4 * prev_value OR value <= 1e-4 * prev_value)
            THEN 'T2:20.8.1:fee_wan,T2:20.8.1:fee_wan@' || prev_year ELSE 'T2:20.8.1:fee_wan' END AS cells,
       CASE WHEN raw_text LIKE '%元%' AND raw_text NOT LIKE '%万元%' THEN 'fail'
            WHEN prev_value IS NOT NULL AND value > 0 AND prev_value > 0
                 AND (value >= 1e4 * prev_value OR value <= 1e-4 * prev_value) THEN 'fail'
            WHEN value IS NULL THEN 'incomplete'
            ELSE 'pass' END AS status,
       prev_value AS expected, value AS actual,
       'printed ' || coalesce(raw_text, 'blank') || coalesce('; last year ' || CAST(prev_value AS VARCHAR), '') AS evidence,
       NULL AS severity
FROM j
