-- P-ZERO-NARRATIVE: T3 (or T4) all zero / blank while the narrative cites a non-zero count for it.
WITH k AS (
    SELECT k.*, n.received, n.received_q, n.review, n.review_q, n.suit, n.suit_q
    FROM _rx_key k JOIN _rx_narr n ON n.report_id = k.report_id
)
SELECT report_id, 'P-ZERO-NARRATIVE' AS rule_id, 'X' AS sheet, 'T3:*,TEXT:S1' AS cells,
       CASE WHEN t3_nonzero = 0 AND received > 0 THEN 'fail' ELSE 'pass' END AS status,
       received AS expected, 0::DOUBLE AS actual,
       'T3 ' || t3_zero || ' cells printed 0, ' || (t3_cells - t3_zero) || ' blank; narrative "' || received_q || '"' AS evidence,
       NULL AS severity
FROM k WHERE t3_cells > 0 AND received IS NOT NULL AND t3_nonzero = 0
UNION ALL
SELECT report_id, 'P-ZERO-NARRATIVE', 'X', 'T4:*,TEXT:S1',
       CASE WHEN t4_nonzero = 0 AND coalesce(review, 0) + coalesce(suit, 0) > 0 THEN 'fail' ELSE 'pass' END,
       coalesce(review, 0) + coalesce(suit, 0), 0::DOUBLE,
       'T4 ' || t4_zero || ' cells printed 0, ' || (t4_cells - t4_zero) || ' blank; narrative "'
           || concat_ws(' / ', nullif(review_q, ''), nullif(suit_q, '')) || '"',
       NULL
FROM k WHERE t4_cells > 0 AND (review IS NOT NULL OR suit IS NOT NULL) AND t4_nonzero = 0
