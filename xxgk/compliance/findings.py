"""Compliance findings in ``check_findings`` (same columns and fingerprint as the rules engine).

Grain: one row per (report or missing agency-year, rule, cell set) that fails. Rules:
``C-MISSING`` (an expected agency-year without a report, deadline passed), ``C-LATE`` (published
after its deadline), ``C-FORMAT`` (printed on another template than the year's), and
``W-AGGREGATE-SUM`` (:mod:`xxgk.compliance.aggregate_sum`). A missing report has no report_id: the
finding's report_id is ``missing:<agency_key in hex>:<year>``. Written after the rules engine (which
replaces whole years of ``check_findings``); only these rule ids are replaced here.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from xxgk.compliance.aggregate_sum import aggregate_sum_sql
from xxgk.compliance.deadlines import aggregate_tolerance

RULE_IDS = ("C-MISSING", "C-LATE", "C-FORMAT", "W-AGGREGATE-SUM")
SEVERITY = {"C-MISSING": "W", "C-LATE": "W", "C-FORMAT": "W", "W-AGGREGATE-SUM": "W"}

_CALENDAR_FINDINGS = """
WITH k AS (
    SELECT *, coalesce(report_id, 'missing:' || lower(hex(agency_key)) || ':' || year) AS rid,
           coalesce(county, city, province) AS place
    FROM compliance_calendar WHERE list_contains($years, year)
)
SELECT rid AS report_id, 'C-MISSING' AS rule_id, []::VARCHAR[] AS cells, NULL::DOUBLE AS expected,
       NULL::DOUBLE AS actual,
       'No annual report for ' || year || ' (deadline ' || deadline || ', expected by ' || expected_by || ')'
           AS message,
       '未发布' || year || '年度政府信息公开工作年度报告（期限' || deadline || '）' AS message_zh,
       'expected by ' || expected_by || '; deadline ' || deadline || ' (' || deadline_source || ')' AS evidence,
       year, agency_name AS agency, place AS region
FROM k WHERE status = 'missing' AND expected
UNION ALL
SELECT rid, 'C-LATE', ['TEXT:ALL'], 0, days_late,
       'Published ' || published_date || ', ' || days_late || ' days after the deadline ' || deadline,
       '发布日期' || published_date || '晚于期限' || deadline || '（逾期' || days_late || '天）',
       'published ' || published_date || ' (' || coalesce(published_date_source, '?') || '); deadline '
           || deadline || ' (' || coalesce(kind, 'unknown kind') || ', ' || deadline_source || ')',
       year, agency_name, place
FROM k WHERE is_late
UNION ALL
SELECT rid, 'C-FORMAT', ['T2:*', 'T3:*'], NULL, NULL,
       'Report for ' || year || ' printed on the ' || format_version || ' tables (expected '
           || expected_version || ')',
       year || '年度报告未按' || expected_version || '年格式（使用' || format_version || '年格式表格）',
       'format ' || format_version || ' vs expected ' || expected_version,
       year, agency_name, place
FROM k WHERE format_mismatch AND report_id IS NOT NULL
"""


def compliance_findings_sql() -> str:
    """All compliance findings of ``$years``, with the engine's columns (named parameters ``$years``,
    ``$sev_<rule id in snake case>``, ``$abs_tol``, ``$rel_tol``)."""
    return f"""
    WITH f AS (SELECT * FROM ({_CALENDAR_FINDINGS})
               UNION ALL BY NAME
               SELECT * FROM ({aggregate_sum_sql()}))
    SELECT substr(sha256(report_id || '|' || rule_id || '|' || array_to_string(cells, ',')), 1, 16) AS finding_id,
           report_id, rule_id, CASE rule_id WHEN 'C-MISSING' THEN $sev_c_missing WHEN 'C-LATE' THEN $sev_c_late
                WHEN 'C-FORMAT' THEN $sev_c_format ELSE $sev_w_aggregate_sum END AS severity,
           'fail' AS status, cells, CAST(expected AS DOUBLE) AS expected, CAST(actual AS DOUBLE) AS actual,
           message, message_zh, evidence, year, agency, region, 'X' AS sheet
    FROM f
    """


def _severities() -> dict[str, str]:
    """Severity of each compliance rule: the catalogue's when it lists the rule, else W."""
    from xxgk.rules.catalogue import rules_by_id

    try:
        cat = rules_by_id()
    except Exception:  # a catalogue being edited must not stop the compliance findings
        cat = {}
    return {
        "sev_" + r.lower().replace("-", "_"): (cat[r].severity if r in cat else SEVERITY[r]) for r in RULE_IDS
    }


def _tolerance() -> dict[str, float]:
    tol = aggregate_tolerance()
    return {"abs_tol": tol["absolute"], "rel_tol": tol["relative"]}


def write_compliance_findings(con: duckdb.DuckDBPyConnection, years: Sequence[int]) -> dict[str, int]:
    """Replace this module's findings of ``years`` in ``check_findings``; returns counts by rule."""
    from xxgk.rules.store import ensure_tables

    ensure_tables(con)
    years = sorted(int(y) for y in years)
    cols = "finding_id, report_id, rule_id, severity, status, cells, expected, actual, message, message_zh, " \
        "evidence, year, agency, region, sheet"
    con.execute("BEGIN")
    try:
        con.execute(
            "DELETE FROM check_findings WHERE list_contains(?, year) AND list_contains(?, rule_id)",
            [years, list(RULE_IDS)],
        )
        con.execute(
            f"INSERT INTO check_findings ({cols}) SELECT {cols} FROM ({compliance_findings_sql()})",
            {"years": years, **_severities(), **_tolerance()},
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return dict(
        con.execute(
            "SELECT rule_id, count(*) FROM check_findings WHERE list_contains(?, year) AND list_contains(?, rule_id)"
            " GROUP BY ALL ORDER BY 1",
            [years, list(RULE_IDS)],
        ).fetchall()
    )
