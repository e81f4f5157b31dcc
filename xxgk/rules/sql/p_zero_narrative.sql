-- P-ZERO-NARRATIVE: T3 (or T4) all zero / blank while the narrative cites a non-zero count for it.
-- T3: any of 收到/办结/结转 quoted > 0. 'incomplete' when a row the narrative speaks of (1, 3.7, 4) is
-- absent from the parsed table: the table is then not known to be all zero.
WITH k AS (
    SELECT k.*, n.received, n.received_q, n.concluded, n.concluded_q, n.carried, n.carried_q,
           n.review, n.review_q, n.suit, n.suit_q,
           greatest(coalesce(n.received, 0), coalesce(n.concluded, 0), coalesce(n.carried, 0)) AS t3_cited
    FROM _rx_key k JOIN _rx_narr n ON n.report_id = k.report_id
)
SELECT report_id, 'P-ZERO-NARRATIVE' AS rule_id, 'X' AS sheet, 'T3:*,TEXT:S1' AS cells,
       CASE WHEN t3_key_rows < 3 OR t3_unread > 0 THEN 'incomplete' ELSE 'fail' END AS status,
       t3_cited AS expected, 0::DOUBLE AS actual,
       'T3 ' || t3_zero || ' cells printed 0, ' || (t3_cells - t3_zero) || ' blank'
           || CASE WHEN t3_key_rows < 3 THEN ' (rows 1 / 3.7 / 4 not all parsed)' ELSE '' END
           || '; narrative "' || concat_ws(' / ', nullif(received_q, ''), nullif(concluded_q, ''), nullif(carried_q, ''))
           || '"' AS evidence,
       NULL AS severity
FROM k WHERE t3_cells > 0 AND t3_cited > 0 AND t3_nonzero = 0
UNION ALL
SELECT report_id, 'P-ZERO-NARRATIVE', 'X', 'T4:*,TEXT:S1',
       CASE WHEN t4_unread > 0 THEN 'incomplete' ELSE 'fail' END,
       coalesce(review, 0) + coalesce(suit, 0), 0::DOUBLE,
       'T4 ' || t4_zero || ' cells printed 0, ' || (t4_cells - t4_zero) || ' blank; narrative "'
           || concat_ws(' / ', nullif(review_q, ''), nullif(suit_q, '')) || '"',
       NULL
FROM k WHERE t4_cells > 0 AND coalesce(review, 0) + coalesce(suit, 0) > 0 AND t4_nonzero = 0
