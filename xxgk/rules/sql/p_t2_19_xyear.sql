-- P-T2-19-XYEAR: V2019 prev_items[2020] = prev_items[2019] + delta[2019] per row.
WITH cv AS (
    SELECT report_id, row_code,
           max(value) FILTER (WHERE col_code = 'prev_items') AS items,
           max(value) FILTER (WHERE col_code = 'delta') AS delta
    FROM _rx_cells
    WHERE format_version = '2019' AND table_code = 'T2'
      AND row_code IN ('20.5.1', '20.5.2', '20.6.1', '20.6.2', '20.8.1')
    GROUP BY ALL
), j AS (
    SELECT p.report_id, p.prev_year, cur.row_code, cur.items, prev.items AS prev_items, prev.delta AS prev_delta
    FROM _rx_prev p
    JOIN cv cur ON cur.report_id = p.report_id
    JOIN cv prev ON prev.report_id = p.prev_report_id AND prev.row_code = cur.row_code
)
SELECT report_id, 'P-T2-19-XYEAR' AS rule_id, 'T2' AS sheet,
       'T2:' || row_code || ':prev_items,T2:' || row_code || ':prev_items@' || prev_year || ',T2:'
           || row_code || ':delta@' || prev_year AS cells,
       CASE WHEN items IS NULL OR prev_items IS NULL OR prev_delta IS NULL THEN 'incomplete'
            WHEN abs(items - (prev_items + prev_delta)) > 1e-6 THEN 'fail' ELSE 'pass' END AS status,
       prev_items + prev_delta AS expected, items AS actual,
       'items ' || coalesce(CAST(items AS VARCHAR), 'blank') || ' vs last year ' || coalesce(CAST(prev_items AS VARCHAR), 'blank')
           || ' + ' || coalesce(CAST(prev_delta AS VARCHAR), 'blank') AS evidence,
       NULL AS severity
FROM j
