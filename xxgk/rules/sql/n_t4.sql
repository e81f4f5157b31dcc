-- N-T4: reviews / suits quoted in the narrative vs T4 totals; "均获维持" implies CORRECT = OTHER = PENDING = 0.
-- Scope: a region-wide figure (全市/全区/全县/全省…) quoted in a report that is not the region's aggregate
-- report is not the agency's own count: a mismatch is then informational (I), not W.
WITH m AS (
    SELECT n.report_id, q.metric, q.cells, q.said, q.quote, q.tab, q.rw AND r.scope <> 'aggregate' AS rw
    FROM _rx_narr n JOIN _rx_key k ON k.report_id = n.report_id
    JOIN _rx_reports r ON r.report_id = n.report_id,
    LATERAL (VALUES
        ('review', 'TEXT:S1,T4:AR:TOTAL', n.review, n.review_q, k.bt_ar, n.review_rw),
        ('suit', 'TEXT:S1,T4:AL_D:TOTAL,T4:AL_R:TOTAL', n.suit, n.suit_q,
         CASE WHEN k.bt_ald IS NULL AND k.bt_alr IS NULL THEN NULL ELSE coalesce(k.bt_ald, 0) + coalesce(k.bt_alr, 0) END,
         n.suit_rw),
        ('all upheld', 'TEXT:S1,T4:*:CORRECT,T4:*:OTHER,T4:*:PENDING',
         CASE WHEN n.all_upheld THEN 0 END, '均获维持', k.t4_not_upheld, FALSE)
    ) AS q(metric, cells, said, quote, tab, rw)
    WHERE q.said IS NOT NULL AND k.t4_cells > 0
), s AS (
    SELECT *, CASE WHEN tab IS NULL THEN 'incomplete' WHEN abs(said - tab) < 1e-6 THEN 'pass' ELSE 'fail' END AS status
    FROM m
)
SELECT report_id, 'N-T4' AS rule_id, 'X' AS sheet, cells, status,
       tab AS expected, said AS actual,
       metric || ': narrative "' || coalesce(quote, '') || '" vs table ' || coalesce(CAST(tab AS VARCHAR), 'blank')
           || CASE WHEN rw AND status = 'fail'
                   THEN ' (region-wide figure quoted in an agency-scope report: informational, not this table''s count)'
                   ELSE '' END AS evidence,
       CASE WHEN rw AND status = 'fail' THEN 'I' END AS severity
FROM s
