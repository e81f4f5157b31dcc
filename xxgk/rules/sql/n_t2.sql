-- N-T2: normative documents issued, quoted in the narrative, vs T2 20.1.2 made (2021) / new_made (2019).
WITH m AS (
    SELECT n.report_id, n.normative AS said, n.normative_q AS quote, c.cell_code, c.value AS tab
    FROM _rx_narr n
    JOIN _rx_cells c ON c.report_id = n.report_id AND c.cell_code IN ('T2:20.1.2:made', 'T2:20.1.2:new_made')
    WHERE n.normative IS NOT NULL
)
SELECT report_id, 'N-T2' AS rule_id, 'X' AS sheet, 'TEXT:S1,' || cell_code AS cells,
       CASE WHEN tab IS NULL THEN 'incomplete' WHEN abs(said - tab) < 1e-6 THEN 'pass' ELSE 'fail' END AS status,
       tab AS expected, said AS actual,
       'narrative "' || quote || '" vs table ' || coalesce(CAST(tab AS VARCHAR), 'blank') AS evidence,
       NULL AS severity
FROM m
