-- P-T4-NO-T3 (I): reviews or suits while no application was received or carried in.
SELECT k.report_id, 'P-T4-NO-T3' AS rule_id, 'X' AS sheet,
       'T4:AR:TOTAL,T4:AL_D:TOTAL,T4:AL_R:TOTAL,T3:1:TOTAL,T3:2:TOTAL' AS cells,
       CASE WHEN coalesce(k.bt_ar, 0) + coalesce(k.bt_ald, 0) + coalesce(k.bt_alr, 0) > 0
                 AND k.rt_1 = 0 AND coalesce(k.rt_2, 0) = 0 THEN 'fail' ELSE 'pass' END AS status,
       NULL::DOUBLE AS expected,
       coalesce(k.bt_ar, 0) + coalesce(k.bt_ald, 0) + coalesce(k.bt_alr, 0) AS actual,
       'T4 cases ' || (coalesce(k.bt_ar, 0) + coalesce(k.bt_ald, 0) + coalesce(k.bt_alr, 0))
           || ', T3 new ' || coalesce(CAST(k.rt_1 AS VARCHAR), 'blank') || ', carried in '
           || coalesce(CAST(k.rt_2 AS VARCHAR), 'blank') AS evidence,
       NULL AS severity
FROM _rx_key k JOIN _rx_reports r ON r.report_id = k.report_id AND r.in_scope
WHERE k.t3_cells > 0 AND k.t4_cells > 0
