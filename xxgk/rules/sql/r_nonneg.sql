-- R-NONNEG: every known cell >= 0 (except signed V2019 delta); counts are integers.
-- One fail row per offending cell; one pass row per (report, sheet) without offences.
WITH judged AS (
    SELECT c.report_id, c.table_code AS sheet, c.cell_code, c.value, c.raw_text,
           coalesce(t.value_type, 'count') AS value_type
    FROM _rx_cells c
    JOIN _rx_reports r ON r.report_id = c.report_id AND r.in_scope
    LEFT JOIN _rx_template t ON t.format_version = c.format_version AND t.cell_code = c.cell_code
    WHERE c.value IS NOT NULL
), bad AS (
    SELECT *,
           CASE WHEN value < 0 AND value_type <> 'signed_count' THEN 'negative'
                WHEN value <> round(value) AND value_type IN ('count', 'signed_count') THEN 'not an integer'
           END AS why
    FROM judged
)
SELECT report_id, 'R-NONNEG' AS rule_id, sheet, cell_code AS cells, 'fail' AS status,
       CASE WHEN why = 'negative' THEN 0 ELSE round(value) END AS expected, value AS actual,
       why || ' (printed ' || coalesce(raw_text, '?') || ')' AS evidence, NULL AS severity
FROM bad WHERE why IS NOT NULL
UNION ALL
SELECT report_id, 'R-NONNEG', sheet, sheet || ':*', 'pass', NULL, NULL, NULL, NULL
FROM bad GROUP BY report_id, sheet HAVING count(why) = 0
