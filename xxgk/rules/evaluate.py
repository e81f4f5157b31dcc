"""Evaluate the rule catalogue set-wise in DuckDB and return ``check_findings`` rows.

Every rule is one SQL statement over the ``_rx_*`` working tables (see ``xxgk.rules.prepare``):
equation rules share one generated query over ``_rx_eq_defs`` / ``_rx_eq_cells`` (integer keys, names
restored only for the rows read); the others have a file in
``xxgk/rules/sql``. Each statement yields evaluation units (report, rule, cell set) with a status
``pass`` / ``fail`` / ``incomplete`` (a blank or marker cell among those involved) / ``skip`` (none
of the cells exist). No per-report Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from xxgk.rules.catalogue import Rule, load_catalogue
from xxgk.rules.prepare import cleanup, prepare

FINDING_COLUMNS = [
    "finding_id", "report_id", "rule_id", "severity", "status", "cells", "expected", "actual", "message",
    "message_zh", "evidence", "year", "agency", "region", "sheet",
]
COVERAGE_COLUMNS = ["report_id", "rule_id", "sheet", "year", "region", "n_checked", "n_fail", "n_incomplete"]

# One row per (in-scope report, equation that applies): integer keys only (rx, eq_id), evidence only when
# not passing — the rule, sheet and cell set come from _rx_eq_defs when a row is read (see _EVAL_VIEW).
# An equation gated on its left side whose left-side cells are absent does not apply to the report
# ('skip'): it is left out here, as nothing downstream reads skipped units (half of all on a national
# year). The blank cells an incomplete equation names are gathered apart, for incomplete equations only:
# a list aggregate in the main grouping (one state per report × equation) took most of the evaluation.
_EQUATION_SQL = """
CREATE OR REPLACE TEMP TABLE _rx_eval_eq AS
WITH joined AS (
    SELECT r.rx, e.eq_id, e.is_lhs, c.value, c.cell_code, c.marker
    FROM _rx_cells c
    JOIN _rx_reports r ON r.report_id = c.report_id AND r.in_scope
    JOIN _rx_eq_cells e ON e.cell_code = c.cell_code
        AND e.layout = CASE WHEN e.sheet = 'T3' THEN r.t3_layout ELSE r.format_version END
), j AS (
    SELECT rx, eq_id,
           count(*) AS n_present, count(value) AS n_known,
           count(*) FILTER (WHERE is_lhs) AS n_lhs_present,
           sum(value) FILTER (WHERE is_lhs) AS lhs_sum,
           sum(value) FILTER (WHERE NOT is_lhs) AS rhs_sum
    FROM joined
    GROUP BY rx, eq_id
), d AS (
    SELECT j.*, q.op, q.n_cells
    FROM j JOIN _rx_eq_defs q ON q.eq_id = j.eq_id
    WHERE NOT coalesce(q.gate = 'lhs' AND j.n_lhs_present < q.n_lhs, false)
), b AS (
    -- an unordered list (an ordered string_agg would make this aggregation much slower)
    SELECT rx, eq_id,
           list({'k': cell_code, 'v': cell_code || CASE WHEN marker IS NOT NULL THEN ' (' || marker || ')'
                 ELSE '' END}) AS blanks
    FROM joined
    WHERE value IS NULL AND (rx, eq_id) IN (SELECT rx, eq_id FROM d WHERE n_known < n_cells)
    GROUP BY rx, eq_id
)
SELECT d.rx, d.eq_id,
       CASE WHEN n_known < n_cells THEN 'incomplete'
            WHEN op = 'eq' AND abs(coalesce(lhs_sum, 0) - coalesce(rhs_sum, 0)) > 1e-6 THEN 'fail'
            WHEN op = 'ge' AND coalesce(lhs_sum, 0) < coalesce(rhs_sum, 0) - 1e-6 THEN 'fail'
            ELSE 'pass' END AS status,
       coalesce(rhs_sum, 0) AS expected, coalesce(lhs_sum, 0) AS actual,
       CASE WHEN n_known < n_cells THEN
                concat_ws('; ',
                          'blank: '
                          || nullif(array_to_string(list_transform(list_sort(blanks), lambda x: x.v), ', '), ''),
                          CASE WHEN n_present < n_cells THEN (n_cells - n_present) || ' cells absent' END)
            WHEN (op = 'eq' AND abs(coalesce(lhs_sum, 0) - coalesce(rhs_sum, 0)) > 1e-6)
                 OR (op = 'ge' AND coalesce(lhs_sum, 0) < coalesce(rhs_sum, 0) - 1e-6) THEN
                'left side ' || coalesce(lhs_sum, 0) || CASE WHEN op = 'eq' THEN ' vs ' ELSE ' must be >= ' END
                 || coalesce(rhs_sum, 0) || ' (difference ' || (coalesce(lhs_sum, 0) - coalesce(rhs_sum, 0)) || ')'
       END AS evidence
FROM d LEFT JOIN b ON b.rx = d.rx AND b.eq_id = d.eq_id
"""

# Every evaluation unit: the hand-written rules' rows and the equation rows with their names restored
_EVAL_VIEW = """
CREATE OR REPLACE TEMP VIEW _rx_eval AS
SELECT report_id, rule_id, sheet, cells, status, expected, actual, evidence, severity FROM _rx_eval_sql
UNION ALL
SELECT r.report_id, d.rule_id, d.sheet, d.eq_key AS cells, q.status, q.expected, q.actual, q.evidence,
       NULL::VARCHAR AS severity
FROM _rx_eval_eq q JOIN _rx_eq_defs d ON d.eq_id = q.eq_id JOIN _rx_reports r ON r.rx = q.rx
"""

_FINDINGS_SQL = """
SELECT substr(sha256(e.report_id || '|' || e.rule_id || '|' || e.cells), 1, 16) AS finding_id,
       e.report_id, e.rule_id, coalesce(e.severity, k.severity) AS severity, e.status,
       string_split(e.cells, ',') AS cells,
       CAST(e.expected AS DOUBLE) AS expected, CAST(e.actual AS DOUBLE) AS actual,
       k.message_en || CASE WHEN e.status = 'incomplete' THEN ' [incomplete]' ELSE '' END
           || coalesce(': ' || e.evidence, '') AS message,
       k.message_zh, e.evidence, r.year, r.agency, r.region, e.sheet
FROM _rx_eval e
JOIN _rx_catalogue k ON k.rule_id = e.rule_id
JOIN _rx_reports r ON r.report_id = e.report_id AND r.in_scope
WHERE e.status IN ('fail', 'incomplete')
ORDER BY r.year, e.report_id, e.rule_id, e.cells
"""

_COVERAGE_SQL = """
WITH u AS (
    SELECT r.rx, e.rule_id, e.sheet,
           count(*) FILTER (WHERE e.status IN ('pass', 'fail')) AS n_checked,
           count(*) FILTER (WHERE e.status = 'fail') AS n_fail,
           count(*) FILTER (WHERE e.status = 'incomplete') AS n_incomplete
    FROM _rx_eval_sql e JOIN _rx_reports r ON r.report_id = e.report_id AND r.in_scope
    WHERE e.status <> 'skip'
    GROUP BY ALL
    UNION ALL
    SELECT q.rx, d.rule_id, d.sheet,
           count(*) FILTER (WHERE q.status IN ('pass', 'fail')),
           count(*) FILTER (WHERE q.status = 'fail'),
           count(*) FILTER (WHERE q.status = 'incomplete')
    FROM _rx_eval_eq q JOIN _rx_eq_defs d ON d.eq_id = q.eq_id
    WHERE q.status <> 'skip'
    GROUP BY ALL
)
SELECT r.report_id, u.rule_id, u.sheet, r.year, r.region, u.n_checked, u.n_fail, u.n_incomplete
FROM u JOIN _rx_reports r ON r.rx = u.rx
ORDER BY r.year, r.report_id, u.rule_id, u.sheet
"""

_EVAL_COLS = "report_id, rule_id, sheet, cells, status, expected, actual, evidence, severity"


@dataclass(frozen=True)
class RuleRun:
    """Result of one evaluation: findings (fail / incomplete) and per report × rule × sheet coverage."""

    findings: pd.DataFrame
    coverage: pd.DataFrame


def _select_rules(rule_ids: list[str] | None, sheets: list[str] | None) -> tuple[Rule, ...]:
    rules = load_catalogue()
    if rule_ids is not None:
        unknown = set(rule_ids) - {r.id for r in rules}
        if unknown:
            raise KeyError(f"unknown rule ids: {sorted(unknown)}")
        rules = tuple(r for r in rules if r.id in rule_ids)
    if sheets is not None:
        rules = tuple(r for r in rules if set(r.sheets) & set(sheets))
    return rules


def evaluate_into(
    con: duckdb.DuckDBPyConnection,
    years: list[int] | None = None,
    rule_ids: list[str] | None = None,
    sheets: list[str] | None = None,
    targets: bool = False,
) -> None:
    """Evaluate the selected rules into the temp tables ``_rx_findings_out`` and ``_rx_coverage_out``.

    With ``targets`` only the reports of the temp table ``_rx_targets`` are evaluated (see
    ``xxgk.rules.prepare.prepare``). The ``_rx_*`` working tables are left for the caller, who drops them
    with ``cleanup``.
    """
    rules = _select_rules(rule_ids, sheets)
    prepare(con, years, rules, targets)
    if any(r.kind == "equation" for r in rules):
        con.execute(_EQUATION_SQL)
    else:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _rx_eval_eq (rx INTEGER, eq_id BIGINT, status VARCHAR, expected DOUBLE,"
            " actual DOUBLE, evidence VARCHAR)"
        )
    parts = [r.sql_path.read_text(encoding="utf-8") for r in rules if r.kind == "sql"]
    if parts:
        union = "\nUNION ALL\n".join(f"SELECT {_EVAL_COLS} FROM (\n{p}\n)" for p in parts)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _rx_eval_sql AS {union}")  # SQL text from package files
    else:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _rx_eval_sql (report_id VARCHAR, rule_id VARCHAR, sheet VARCHAR,"
            " cells VARCHAR, status VARCHAR, expected DOUBLE, actual DOUBLE, evidence VARCHAR, severity VARCHAR)"
        )
    con.execute(_EVAL_VIEW)
    cat = pd.DataFrame(
        [{"rule_id": r.id, "severity": r.severity, "message_zh": r.message_zh, "message_en": r.message_en}
         for r in load_catalogue()]
    )
    con.register("_rx_cat_df", cat)
    con.execute("CREATE OR REPLACE TEMP TABLE _rx_catalogue AS SELECT * FROM _rx_cat_df")
    con.unregister("_rx_cat_df")
    if sheets is not None:
        con.execute("DELETE FROM _rx_eval_sql WHERE NOT list_contains(?, sheet)", [list(sheets)])
        con.execute(
            "DELETE FROM _rx_eval_eq WHERE eq_id IN (SELECT eq_id FROM _rx_eq_defs WHERE NOT list_contains(?, sheet))",
            [list(sheets)],
        )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _rx_findings_out AS {_FINDINGS_SQL}")  # module constants
    con.execute(f"CREATE OR REPLACE TEMP TABLE _rx_coverage_out AS {_COVERAGE_SQL}")


def run_rules(
    con: duckdb.DuckDBPyConnection,
    years: list[int] | None = None,
    rule_ids: list[str] | None = None,
    sheets: list[str] | None = None,
) -> RuleRun:
    """Evaluate the selected rules for ``years`` (None: all) and return findings and coverage."""
    try:
        evaluate_into(con, years, rule_ids, sheets)
        findings = con.execute(f"SELECT {', '.join(FINDING_COLUMNS)} FROM _rx_findings_out").df()
        coverage = con.execute(f"SELECT {', '.join(COVERAGE_COLUMNS)} FROM _rx_coverage_out").df()
    finally:
        cleanup(con)
    return RuleRun(findings[FINDING_COLUMNS], coverage[COVERAGE_COLUMNS])
