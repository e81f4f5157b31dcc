-- P-ZERO: every T2/T3/T4 cell is zero or blank. Evidence says how many were printed 0 and how many blank.
SELECT k.report_id, 'P-ZERO' AS rule_id, 'X' AS sheet, 'T2:*,T3:*,T4:*' AS cells,
       CASE WHEN k.n_nonzero > 0 THEN 'pass' WHEN k.n_unread > 0 THEN 'incomplete' ELSE 'fail' END AS status,
       NULL::DOUBLE AS expected, k.n_nonzero::DOUBLE AS actual,
       CASE WHEN k.n_zero = 0 THEN 'all ' || k.n_cells || ' cells blank (nothing printed)'
            WHEN k.n_blank + k.n_marker = 0 THEN 'all ' || k.n_cells || ' cells printed 0'
            ELSE k.n_zero || ' cells printed 0, ' || k.n_blank || ' blank, ' || k.n_marker || ' markers (of '
                 || k.n_cells || ')' END AS evidence,
       NULL AS severity
FROM _rx_key k JOIN _rx_reports r ON r.report_id = k.report_id AND r.in_scope
