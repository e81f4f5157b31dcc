-- P-ZERO-DROP: all zero / blank this year while an earlier report of the same agency had non-zero cells.
WITH hist AS (
    SELECT r.report_id, max(h.year) AS last_year, max(h.n_nonzero) AS max_nonzero
    FROM _rx_reports r
    JOIN _rx_key k ON k.report_id = r.report_id AND k.n_nonzero = 0
    JOIN _rx_hist h ON h.agency_key = r.agency_key AND h.year < r.year AND h.n_nonzero > 0
    WHERE r.in_scope
    GROUP BY r.report_id
)
SELECT k.report_id, 'P-ZERO-DROP' AS rule_id, 'X' AS sheet, 'T2:*,T3:*,T4:*' AS cells,
       CASE WHEN h.report_id IS NULL THEN 'pass' WHEN k.n_unread > 0 THEN 'incomplete' ELSE 'fail' END AS status,
       h.max_nonzero::DOUBLE AS expected, k.n_nonzero::DOUBLE AS actual,
       CASE WHEN h.report_id IS NOT NULL THEN 'all zero/blank (' || k.n_zero || ' printed 0, '
            || (k.n_blank + k.n_marker) || ' blank) after ' || h.max_nonzero || ' non-zero cells in an earlier year (last '
            || h.last_year || ')' END AS evidence,
       NULL AS severity
FROM _rx_key k
JOIN _rx_reports r ON r.report_id = k.report_id AND r.in_scope
LEFT JOIN hist h ON h.report_id = k.report_id
WHERE k.n_nonzero = 0 OR h.report_id IS NULL
