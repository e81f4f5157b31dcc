-- N-T3: application counts quoted in the narrative vs T3 (row totals; a blank TOTAL falls back to the
-- sum of the printed applicant cells). 收到/受理 may include carried-in applications: row 1 or rows 1 + 2
-- match (not for 新收, which is new applications only).
-- Scope: a region-wide figure (全市/全区/全县/全省… 共收到…) quoted in a report that is not the region's
-- aggregate report is not the agency's own count: a mismatch is then informational (I), not W.
WITH m AS (
    SELECT n.report_id, q.metric, q.cells, q.said, q.quote, q.tab, q.alt, q.rw AND r.scope <> 'aggregate' AS rw
    FROM _rx_narr n JOIN _rx_key k ON k.report_id = n.report_id
    JOIN _rx_reports r ON r.report_id = n.report_id,
    LATERAL (VALUES
        ('received', 'TEXT:S1,T3:1:TOTAL', n.received, n.received_q, k.rt_1,
         CASE WHEN n.received_q NOT LIKE '%新收%' THEN k.rt_1 + k.rt_2 END, n.received_rw),
        ('concluded', 'TEXT:S1,T3:3.7:TOTAL', n.concluded, n.concluded_q, k.rt_37, NULL, n.concluded_rw),
        ('carried', 'TEXT:S1,T3:4:TOTAL', n.carried, n.carried_q, k.rt_4, NULL, n.carried_rw),
        ('published', 'TEXT:S1,T3:3.1:TOTAL', n.published, '予以公开' || n.published || '件', k.rt_31, NULL, FALSE),
        ('published+partial', 'TEXT:S1,T3:3.1:TOTAL,T3:3.2:TOTAL', n.published_partial,
         '予以公开及部分公开' || n.published_partial || '件', k.rt_31 + k.rt_32, NULL, FALSE),
        ('unable', 'TEXT:S1,T3:3.4.1:TOTAL,T3:3.4.2:TOTAL,T3:3.4.3:TOTAL', n.unable, '无法提供' || n.unable || '件',
         k.rt_34, NULL, FALSE)
    ) AS q(metric, cells, said, quote, tab, alt, rw)
    WHERE q.said IS NOT NULL AND k.t3_cells > 0
), s AS (
    SELECT *, CASE WHEN tab IS NULL THEN 'incomplete'
                   WHEN abs(said - tab) < 1e-6 OR abs(said - coalesce(alt, -1)) < 1e-6 THEN 'pass'
                   ELSE 'fail' END AS status
    FROM m
)
SELECT report_id, 'N-T3' AS rule_id, 'X' AS sheet, cells, status,
       tab AS expected, said AS actual,
       metric || ': narrative "' || coalesce(quote, '') || '" vs table ' || coalesce(CAST(tab AS VARCHAR), 'blank')
           || CASE WHEN rw AND status = 'fail'
                   THEN ' (region-wide figure quoted in an agency-scope report: informational, not this table''s count)'
                   ELSE '' END AS evidence,
       CASE WHEN rw AND status = 'fail' THEN 'I' END AS severity
FROM s
