-- P-BLANK-TOTAL: a total cell left blank (not a printed 0, not a marker) while some of its parts are printed.
-- Totals: T3 TOTAL column of every row, T3 row 3.7 of every column, T4 block TOTAL.
WITH tot AS (
    SELECT c.report_id, r.t3_layout AS layout, c.table_code, c.row_code, c.col_code, c.cell_code
    FROM _rx_cells c JOIN _rx_reports r ON r.report_id = c.report_id AND r.in_scope
    WHERE c.value IS NULL AND c.marker IS NULL AND c.is_blank  -- printed blank, not a cell that could not be read
      AND ((c.table_code IN ('T3', 'T4') AND c.col_code = 'TOTAL') OR (c.table_code = 'T3' AND c.row_code = '3.7'))
), parts AS (
    SELECT t.report_id, t.cell_code, count(p.value) AS n_printed, count(p.cell_code) AS n_parts,
           sum(p.value) AS parts_sum
    FROM tot t
    JOIN _rx_cells p ON p.report_id = t.report_id AND p.table_code = t.table_code
        AND (
            (t.col_code = 'TOTAL' AND p.row_code = t.row_code AND p.col_code <> 'TOTAL' AND p.col_code <> 'LP_SUB')
            OR (t.table_code = 'T3' AND t.row_code = '3.7' AND t.col_code <> 'TOTAL' AND p.col_code = t.col_code
                AND p.row_code IN (SELECT row_code FROM _rx_leaves l WHERE l.layout = t.layout))
        )
    GROUP BY ALL
)
SELECT report_id, 'P-BLANK-TOTAL' AS rule_id, 'X' AS sheet, cell_code AS cells,
       CASE WHEN n_printed > 0 THEN 'fail' ELSE 'pass' END AS status,
       parts_sum AS expected, NULL::DOUBLE AS actual,
       'total blank; ' || n_printed || ' of ' || n_parts || ' parts printed (sum ' || coalesce(CAST(parts_sum AS VARCHAR), '0') || ')' AS evidence,
       NULL AS severity
FROM parts
