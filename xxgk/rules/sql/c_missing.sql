-- C-MISSING: computed by xxgk.compliance (it needs the compliance calendar: registry, deadlines, every
-- agency-year), written to check_findings by the compliance_calendar asset. No units here.
SELECT NULL::VARCHAR AS report_id, 'C-MISSING' AS rule_id, 'X' AS sheet, NULL::VARCHAR AS cells,
       NULL::VARCHAR AS status, NULL::DOUBLE AS expected, NULL::DOUBLE AS actual, NULL::VARCHAR AS evidence,
       NULL::VARCHAR AS severity
WHERE FALSE
