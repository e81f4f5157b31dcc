-- N-T3: application counts quoted in the narrative vs T3 (row totals; a blank TOTAL falls back to the
-- sum of the printed applicant cells). 收到 may include carried-in applications: row 1 or rows 1 + 2 match.
WITH m AS (
    SELECT n.report_id, q.metric, q.cells, q.said, q.quote, q.tab, q.alt
    FROM _rx_narr n JOIN _rx_key k ON k.report_id = n.report_id,
    LATERAL (VALUES
        ('received', 'TEXT:S1,T3:1:TOTAL', n.received, n.received_q, k.rt_1, k.rt_1 + k.rt_2),
        ('concluded', 'TEXT:S1,T3:3.7:TOTAL', n.concluded, n.concluded_q, k.rt_37, NULL),
        ('carried', 'TEXT:S1,T3:4:TOTAL', n.carried, n.carried_q, k.rt_4, NULL),
        ('published', 'TEXT:S1,T3:3.1:TOTAL', n.published, '予以公开' || n.published || '件', k.rt_31, NULL),
        ('published+partial', 'TEXT:S1,T3:3.1:TOTAL,T3:3.2:TOTAL', n.published_partial,
         '予以公开及部分公开' || n.published_partial || '件', k.rt_31 + k.rt_32, NULL),
        ('unable', 'TEXT:S1,T3:3.4.1:TOTAL,T3:3.4.2:TOTAL,T3:3.4.3:TOTAL', n.unable, '无法提供' || n.unable || '件', k.rt_34, NULL)
    ) AS q(metric, cells, said, quote, tab, alt)
    WHERE q.said IS NOT NULL AND k.t3_cells > 0
)
SELECT report_id, 'N-T3' AS rule_id, 'X' AS sheet, cells,
       CASE WHEN tab IS NULL THEN 'incomplete'
            WHEN abs(said - tab) < 1e-6 OR abs(said - coalesce(alt, -1)) < 1e-6 THEN 'pass' ELSE 'fail' END AS status,
       tab AS expected, said AS actual,
       metric || ': narrative "' || coalesce(quote, '') || '" vs table ' || coalesce(CAST(tab AS VARCHAR), 'blank') AS evidence,
       NULL AS severity
FROM m
