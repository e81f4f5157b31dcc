-- Per-report key figures used by the hand-written rules (one row per report with cells).
-- rt_<row>: T3 row total = printed TOTAL, else the sum of printed applicant cells (NULL if all blank).
-- bt_<block>: T4 block total likewise; t4_not_upheld: CORRECT + OTHER + PENDING over all blocks.
CREATE OR REPLACE TEMP TABLE _rx_key AS
WITH rowtot AS (
    SELECT report_id, row_code,
           coalesce(max(value) FILTER (WHERE col_code = 'TOTAL'),
                    sum(value) FILTER (WHERE col_code IN ('NP', 'LP_COM', 'LP_RES', 'LP_NGO', 'LP_LAW', 'LP_OTH'))) AS tot
    FROM _rx_cells WHERE table_code = 'T3' GROUP BY ALL
), t3 AS (
    SELECT report_id,
           max(tot) FILTER (WHERE row_code = '1') AS rt_1,
           max(tot) FILTER (WHERE row_code = '2') AS rt_2,
           max(tot) FILTER (WHERE row_code = '3.1') AS rt_31,
           max(tot) FILTER (WHERE row_code = '3.2') AS rt_32,
           sum(tot) FILTER (WHERE row_code IN ('3.4.1', '3.4.2', '3.4.3')) AS rt_34,
           max(tot) FILTER (WHERE row_code = '3.7') AS rt_37,
           max(tot) FILTER (WHERE row_code = '4') AS rt_4
    FROM rowtot GROUP BY report_id
), blocktot AS (
    SELECT report_id, row_code,
           coalesce(max(value) FILTER (WHERE col_code = 'TOTAL'),
                    sum(value) FILTER (WHERE col_code IN ('MAINTAIN', 'CORRECT', 'OTHER', 'PENDING'))) AS tot,
           sum(value) FILTER (WHERE col_code IN ('CORRECT', 'OTHER', 'PENDING')) AS not_upheld
    FROM _rx_cells WHERE table_code = 'T4' GROUP BY ALL
), t4 AS (
    SELECT report_id,
           max(tot) FILTER (WHERE row_code = 'AR') AS bt_ar,
           max(tot) FILTER (WHERE row_code = 'AL_D') AS bt_ald,
           max(tot) FILTER (WHERE row_code = 'AL_R') AS bt_alr,
           sum(not_upheld) AS t4_not_upheld
    FROM blocktot GROUP BY report_id
), counts AS (
    SELECT report_id,
           count(*) AS n_cells,
           count(*) FILTER (WHERE value = 0) AS n_zero,
           count(*) FILTER (WHERE value IS NULL AND marker IS NULL) AS n_blank,
           -- printed but not read (ambiguous glued digits, unreadable text): not known to be zero
           count(*) FILTER (WHERE value IS NULL AND marker IS NULL AND NOT is_blank) AS n_unread,
           count(*) FILTER (WHERE table_code = 'T3' AND value IS NULL AND marker IS NULL AND NOT is_blank)
               AS t3_unread,
           count(*) FILTER (WHERE table_code = 'T4' AND value IS NULL AND marker IS NULL AND NOT is_blank)
               AS t4_unread,
           count(*) FILTER (WHERE value IS NULL AND marker IS NOT NULL) AS n_marker,
           count(*) FILTER (WHERE value <> 0) AS n_nonzero,
           count(*) FILTER (WHERE table_code = 'T3') AS t3_cells,
           count(*) FILTER (WHERE table_code = 'T3' AND value <> 0) AS t3_nonzero,
           count(*) FILTER (WHERE table_code = 'T3' AND value = 0) AS t3_zero,
           count(DISTINCT row_code) FILTER (WHERE table_code = 'T3' AND row_code IN ('1', '3.7', '4')) AS t3_key_rows,
           count(*) FILTER (WHERE table_code = 'T4') AS t4_cells,
           count(*) FILTER (WHERE table_code = 'T4' AND value <> 0) AS t4_nonzero,
           count(*) FILTER (WHERE table_code = 'T4' AND value = 0) AS t4_zero
    FROM _rx_cells GROUP BY report_id
)
SELECT c.*, t3.* EXCLUDE (report_id), t4.* EXCLUDE (report_id)
FROM counts c
LEFT JOIN t3 ON t3.report_id = c.report_id
LEFT JOIN t4 ON t4.report_id = c.report_id
