"""Temporary working tables the rule SQL reads (``_rx_*``), built set-wise from the warehouse contract.

Grain of each table:
- ``_rx_reports``: one row per report of year <= the last year in scope (``in_year`` marks the years
  asked for, ``in_scope`` the reports evaluated: all of ``in_year``, or the targets of an incremental
  run); ``t3_layout`` is the T3 layout actually used ('2019' when a 2021 report keeps the single
  （六）其他处理 row, as 洪泽 2023 does).
- ``_rx_prev``: one row per in-scope report and the same agency's current report of the previous year.
- ``_rx_cells``: the cells of in-scope reports and of their previous-year reports, with ``cell_code``.
- ``_rx_hist``: non-zero cell counts per (agency_key, year) for the agencies in scope.
- ``_rx_text``: narrative (S1, else ALL) and body (S1 + S5, else ALL) per report.
- ``_rx_sent``: hashed narrative sentences per report (in-scope, previous-year and other in-year reports).
- ``_rx_template`` / ``_rx_leaves`` / ``_rx_eq_defs`` + ``_rx_eq_cells``: the template and the
  catalogue's equations as tables.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from xxgk.rules.catalogue import SQL_DIR, Rule, load_catalogue, rule_equations
from xxgk.template.model import FORMAT_VERSIONS, load_format

_REPORTS_SQL = """
CREATE OR REPLACE TEMP TABLE _rx_rep0 AS
SELECT b.report_id, b.agency, b.region, b.year, b.format_version,
       coalesce(d.agency_key, CAST(hash(b.agency) % 9223372036854775807 AS BIGINT)) AS agency_key,
       coalesce(d.is_current, TRUE) AS is_current, d.level, d.sector, coalesce(d.scope, 'unknown') AS scope,
       ($all_years OR list_contains(CAST($years AS INTEGER[]), b.year)) AS in_year
FROM _rx_dim_base b
LEFT JOIN _rx_dim d ON d.report_id = b.report_id
WHERE $all_years OR b.year <= $max_year
"""

_PREV_SQL = """
CREATE OR REPLACE TEMP TABLE _rx_prev AS
SELECT r.report_id, p.report_id AS prev_report_id, p.year AS prev_year,
       replace(r.agency, ' ', '') <> replace(p.agency, ' ', '') AS renamed
FROM _rx_rep0 r
JOIN _rx_rep0 p ON p.agency_key = r.agency_key AND p.year = r.year - 1 AND p.is_current
WHERE r.in_year AND ($no_targets OR r.report_id IN (SELECT report_id FROM _rx_scope_ids))
"""

# t3_layout is read for in-scope reports and their previous-year reports; with a target set only
# those are scanned (a full evaluation scans every report, as before).
_LAYOUT_SQL = """
CREATE OR REPLACE TEMP TABLE _rx_reports AS
WITH need AS (
    SELECT report_id FROM _rx_rep0 WHERE $no_targets OR report_id IN (SELECT report_id FROM _rx_scope_ids)
    UNION SELECT prev_report_id FROM _rx_prev
), layout AS (
    SELECT report_id, bool_or(row_code <> '3.6') AS has_36x, bool_or(row_code = '3.6') AS has_36
    FROM report_cells
    WHERE table_code = 'T3' AND row_code LIKE '3.6%' AND ($all_years OR year <= $max_year)
      AND report_id IN (SELECT report_id FROM need)
    GROUP BY report_id
)
SELECT b.report_id, b.agency, b.region, b.year, b.format_version,
       CASE WHEN b.format_version = '2021' AND l.has_36 AND NOT l.has_36x THEN '2019'
            WHEN b.format_version = '2019' AND l.has_36x THEN '2021'
            ELSE b.format_version END AS t3_layout,
       b.agency_key, b.is_current, b.level, b.sector, b.scope,
       b.in_year AND ($no_targets OR b.report_id IN (SELECT report_id FROM _rx_scope_ids)) AS in_scope,
       b.in_year,
       CAST(row_number() OVER () AS INTEGER) AS rx  -- integer key of this run (joins and groups)
FROM _rx_rep0 b
LEFT JOIN layout l ON l.report_id = b.report_id
"""

_CELLS_SQL = """
CREATE OR REPLACE TEMP TABLE _rx_cells AS
SELECT c.report_id, c.year, c.format_version, c.table_code, c.row_code, c.col_code,
       c.table_code || ':' || c.row_code || ':' || c.col_code AS cell_code,
       c.value, c.is_blank, c.marker, c.raw_text
FROM report_cells c
WHERE ($all_years OR list_contains(CAST($years AS INTEGER[]), c.year)
       OR list_contains(CAST($years AS INTEGER[]), c.year + 1))
  AND c.report_id IN (SELECT report_id FROM _rx_reports WHERE in_scope
                      UNION SELECT prev_report_id FROM _rx_prev)
"""

_HIST_SQL = """
CREATE OR REPLACE TEMP TABLE _rx_hist AS
SELECT r.agency_key, r.year, count(*) FILTER (WHERE c.value <> 0) AS n_nonzero
FROM _rx_reports r JOIN report_cells c ON c.report_id = r.report_id
WHERE r.is_current AND r.agency_key IN (SELECT agency_key FROM _rx_reports WHERE in_scope)
GROUP BY ALL
"""

_TEXT_SQL = """
CREATE OR REPLACE TEMP TABLE _rx_text AS
SELECT report_id,
       coalesce(string_agg(text, chr(10)) FILTER (WHERE section = 'S1'),
                string_agg(text, chr(10)) FILTER (WHERE section = 'ALL')) AS narrative,
       coalesce(string_agg(text, chr(10) ORDER BY section) FILTER (WHERE section IN ('S1', 'S5')),
                string_agg(text, chr(10)) FILTER (WHERE section = 'ALL')) AS body
FROM _rx_text_src
WHERE report_id IN (SELECT report_id FROM _rx_reports WHERE in_scope UNION SELECT prev_report_id FROM _rx_prev)
GROUP BY report_id
"""


# Narrative sentences (S1 + S5 body, split at sentence ends, whitespace removed, digits masked as '#'),
# hashed: one row per (report, distinct sentence of at least 12 characters). X-COPY compares them.
SENTENCES_SQL = """
SELECT DISTINCT report_id, hash(s) AS h
FROM (
    SELECT report_id,
           regexp_replace(regexp_replace(unnest(regexp_split_to_array(body, '[。；！？!?;\\n]')), '\\s+', '', 'g'),
                          '[0-9０-９]+', '#', 'g') AS s
    FROM ({source})
)
WHERE length(s) >= 12
"""

# body text of reports (S1 + S5, else ALL), from a relation with report_id, section, text
BODY_SQL = """
SELECT report_id,
       coalesce(string_agg(text, chr(10) ORDER BY section) FILTER (WHERE section IN ('S1', 'S5')),
                string_agg(text, chr(10)) FILTER (WHERE section = 'ALL')) AS body
FROM ({source})
GROUP BY report_id
"""


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether a table or view ``name`` exists (temporary ones included)."""
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    return bool(row and row[0][0])


def equations_frame(rules: tuple[Rule, ...]) -> pd.DataFrame:
    """Every equation of every equation rule and format as rows (rule, layout, eq_key, cell, role)."""
    rows: list[dict[str, object]] = []
    for rule in rules:
        for version in FORMAT_VERSIONS:
            for eq in rule_equations(rule, version):
                for role, cells in (("lhs", eq.lhs), ("rhs", eq.rhs)):
                    for code in cells:
                        rows.append(
                            {
                                "rule_id": rule.id,
                                "sheet": rule.sheets[0],
                                "layout": version,
                                "eq_key": eq.key,
                                "op": eq.op,
                                "gate": eq.gate,
                                "role": role,
                                "cell_code": code,
                                "n_cells": len(eq.cells),
                                "n_lhs": len(eq.lhs),
                            }
                        )
    cols = ["rule_id", "sheet", "layout", "eq_key", "op", "gate", "role", "cell_code", "n_cells", "n_lhs"]
    return pd.DataFrame(rows, columns=cols).astype({"gate": "object"})


def _template_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    cells = [
        {"format_version": v, "cell_code": c.code, "value_type": c.value_type}
        for v in FORMAT_VERSIONS
        for c in load_format(v).cells
    ]
    leaves = [{"layout": v, "row_code": r} for v in FORMAT_VERSIONS for r in load_format(v).t3_outcome_leaves()]
    return pd.DataFrame(cells), pd.DataFrame(leaves)


def _load_frame(con: duckdb.DuckDBPyConnection, name: str, df: pd.DataFrame) -> None:
    con.register("_rx_tmp_df", df)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _rx_tmp_df")  # name: constant
    finally:
        con.unregister("_rx_tmp_df")


def prepare(
    con: duckdb.DuckDBPyConnection,
    years: list[int] | None,
    rules: tuple[Rule, ...] | None = None,
    targets: bool = False,
) -> None:
    """Build the ``_rx_*`` temp tables for ``years`` (None = every year in ``report_cells``).

    With ``targets`` only the reports listed in the temp table ``_rx_targets(report_id)`` are in scope
    (evaluated); the other reports of ``years`` are still read as context (``in_year``: previous and
    next years, versions, X-COPY's sentence frequencies, whose sentences come from ``rule_sentences``).
    """
    rules = rules or load_catalogue()
    dim_ok = table_exists(con, "dim_report")
    # the reports that have cells: given by the caller (``_rx_with_cells``, e.g. from the incremental
    # state), else one pass over report_cells
    with_cells = "_rx_with_cells" if table_exists(con, "_rx_with_cells") else "report_cells"
    # Report attributes: dim_report when it exists (cheap), else one pass over report_cells.
    con.execute(
        "CREATE OR REPLACE TEMP VIEW _rx_dim_base AS "
        + ("SELECT report_id, agency, region, year, format_version FROM dim_report"
           f" WHERE report_id IN (SELECT report_id FROM {with_cells})" if dim_ok else
           "SELECT report_id, any_value(agency) AS agency, any_value(region) AS region, any_value(year) AS year,"
           " any_value(format_version) AS format_version FROM report_cells GROUP BY report_id")
    )
    if not dim_ok:
        con.execute(
            "CREATE OR REPLACE TEMP VIEW _rx_dim AS SELECT NULL::VARCHAR AS report_id, NULL::BIGINT AS agency_key,"
            " NULL::BOOLEAN AS is_current, NULL::VARCHAR AS level, NULL::VARCHAR AS sector,"
            " NULL::VARCHAR AS scope WHERE FALSE"
        )
    else:
        con.execute(
            "CREATE OR REPLACE TEMP VIEW _rx_dim AS SELECT report_id, agency_key, is_current, level, sector, scope"
            " FROM dim_report"
        )
    if table_exists(con, "report_text"):
        con.execute("CREATE OR REPLACE TEMP VIEW _rx_text_src AS SELECT report_id, section, text FROM report_text")
    else:
        con.execute(
            "CREATE OR REPLACE TEMP VIEW _rx_text_src AS SELECT NULL::VARCHAR AS report_id,"
            " NULL::VARCHAR AS section, NULL::VARCHAR AS text WHERE FALSE"
        )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _rx_scope_ids AS SELECT report_id FROM "
        + ("_rx_targets" if targets else "(SELECT NULL::VARCHAR AS report_id WHERE FALSE)")
    )
    all_years = years is None
    params = {"all_years": all_years, "max_year": max(years) if years else 0, "years": list(years or [])}
    con.execute(_REPORTS_SQL, params)
    con.execute(_PREV_SQL, {"no_targets": not targets})
    con.execute(_LAYOUT_SQL, {"no_targets": not targets, "all_years": all_years, "max_year": params["max_year"]})
    con.execute(_CELLS_SQL, {k: params[k] for k in ('all_years', 'years')})
    con.execute(_HIST_SQL)
    con.execute(_TEXT_SQL)
    computed = SENTENCES_SQL.format(source="SELECT report_id, body FROM _rx_text")
    if targets and table_exists(con, "rule_sentences"):
        # the year's other reports are unchanged: their sentences are the ones stored when last evaluated
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _rx_sent AS {computed} UNION ALL "  # SQL text: module constants
            "SELECT s.report_id, s.h FROM rule_sentences s JOIN _rx_reports r ON r.report_id = s.report_id"
            " AND r.in_year AND NOT r.in_scope"
            " WHERE s.report_id NOT IN (SELECT report_id FROM _rx_text)"
        )
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _rx_sent AS {computed}")  # SQL text: module constants
    tmpl, leaves = _template_frames()
    _load_frame(con, "_rx_template", tmpl)
    _load_frame(con, "_rx_leaves", leaves)
    eqs = equations_frame(rules)
    eqs["eq_id"] = eqs.groupby(["rule_id", "layout", "eq_key"], sort=False).ngroup()
    eqs["is_lhs"] = eqs["role"] == "lhs"
    def_cols = ["eq_id", "rule_id", "sheet", "layout", "eq_key", "op", "gate", "n_cells", "n_lhs"]
    defs = eqs.drop_duplicates("eq_id")[def_cols]
    _load_frame(con, "_rx_eq_defs", defs)
    _load_frame(con, "_rx_eq_cells", eqs[["eq_id", "sheet", "layout", "cell_code", "is_lhs"]])
    for name in ("_key.sql", "_narr.sql"):
        con.execute((SQL_DIR / name).read_text(encoding="utf-8"))


def cleanup(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the working tables (the connection may be reused)."""
    for t in ("_rx_rep0", "_rx_scope_ids", "_rx_sent", "_rx_reports", "_rx_prev", "_rx_cells", "_rx_hist", "_rx_text",
              "_rx_template", "_rx_leaves",
              "_rx_eq_defs", "_rx_eq_cells", "_rx_key", "_rx_narr", "_rx_eval_sql", "_rx_eval_eq",
              "_rx_catalogue",
              "_rx_findings_out",
              "_rx_coverage_out"):
        con.execute(f"DROP TABLE IF EXISTS {t}")  # constant identifiers
    for v in ("_rx_dim", "_rx_text_src", "_rx_dim_base", "_rx_eval"):
        con.execute(f"DROP VIEW IF EXISTS {v}")
