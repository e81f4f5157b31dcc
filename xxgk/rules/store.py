"""Persist rule results in the warehouse: ``check_findings`` and ``check_rule_coverage``.

Grain: ``check_findings`` — one row per (report, rule, cell set) that fails or is incomplete;
``check_rule_coverage`` — one row per (report, rule, sheet) evaluated, with pass / fail / incomplete
counts (the denominator of violation rates). ``update_findings`` replaces the rows of the reports it
evaluated (a whole year, or only the reports whose inputs changed), so re-runs are idempotent;
``finding_reviews`` is never touched here.
"""

from __future__ import annotations

import os
import uuid

import duckdb

from xxgk.rules.evaluate import COVERAGE_COLUMNS, FINDING_COLUMNS
from xxgk.rules.prepare import table_exists

FINDINGS_DDL = """
CREATE TABLE IF NOT EXISTS check_findings (
    finding_id VARCHAR NOT NULL, report_id VARCHAR NOT NULL, rule_id VARCHAR NOT NULL,
    severity VARCHAR NOT NULL, status VARCHAR NOT NULL, cells VARCHAR[], expected DOUBLE, actual DOUBLE,
    message VARCHAR, message_zh VARCHAR, evidence VARCHAR, year INTEGER, agency VARCHAR, region VARCHAR,
    sheet VARCHAR)
"""
COVERAGE_DDL = """
CREATE TABLE IF NOT EXISTS check_rule_coverage (
    report_id VARCHAR, rule_id VARCHAR, sheet VARCHAR, year INTEGER, region VARCHAR,
    n_checked INTEGER, n_fail INTEGER, n_incomplete INTEGER)
"""


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the result tables if missing (never drops anything)."""
    con.execute(FINDINGS_DDL)
    con.execute(COVERAGE_DDL)


VERSION_DDL = """
-- One row per report year: a new token each time that year's rule results are written (the asset
-- checks key their stored outcome on it instead of hashing the results again).
CREATE TABLE IF NOT EXISTS check_results_version (year INTEGER PRIMARY KEY, token VARCHAR NOT NULL)
"""


def bump_version(con: duckdb.DuckDBPyConnection, years: list[int]) -> None:
    """Record that the rule results of ``years`` were (re)written."""
    con.execute(VERSION_DDL)
    con.executemany(
        "INSERT OR REPLACE INTO check_results_version VALUES (?, ?)", [(int(y), uuid.uuid4().hex) for y in years]
    )


def results_version(con: duckdb.DuckDBPyConnection, years: list[int] | None) -> list[tuple[int, str]]:
    """The tokens of ``years`` (None: every year) — changes whenever those results are rewritten."""
    con.execute(VERSION_DDL)
    return [
        (int(y), str(t)) for y, t in con.execute(
            "SELECT year, token FROM check_results_version WHERE ? OR list_contains(?::INTEGER[], year) ORDER BY year",
            [years is None, list(years or [])],
        ).fetchall()
    ]


# ── incremental evaluation: re-evaluate only the reports whose inputs changed ──────────────────────

STATE_DDL = """
-- One row per (evaluated year, report read for it: every report of that year or earlier): the digest
-- of its dim_report row and star fingerprint when the year's findings were last computed.
CREATE TABLE IF NOT EXISTS rule_input_state (
    eval_year INTEGER NOT NULL, report_id VARCHAR NOT NULL, year INTEGER, agency_key BIGINT,
    is_current BOOLEAN, digest VARCHAR NOT NULL);
-- One row per evaluated year: the catalogue/code digest of its findings and X-COPY's boilerplate
-- threshold (a sentence printed by more than n_max agencies of the year is boilerplate).
CREATE TABLE IF NOT EXISTS rule_eval_state (
    eval_year INTEGER PRIMARY KEY, global_fp VARCHAR NOT NULL, n_max DOUBLE);
-- One row per (report of an evaluated year, distinct hashed narrative sentence): X-COPY's input.
CREATE TABLE IF NOT EXISTS rule_sentences (report_id VARCHAR NOT NULL, year INTEGER, h UBIGINT);
"""

_DIM_SQL = """
CREATE OR REPLACE TEMP TABLE _ri_dim AS
SELECT d.report_id, d.year,
       coalesce(d.agency_key, CAST(hash(d.agency) % 9223372036854775807 AS BIGINT)) AS agency_key,
       coalesce(d.is_current, TRUE) AS is_current,
       CAST(hash(d) AS VARCHAR) || '/' || {star} AS digest
FROM dim_report d {star_join}
WHERE d.year <= ?
"""

# The reports the rules read: those with cells. A report whose digest was recorded has the cells it
# had then (same file content, parser and code); only the others are looked up in report_cells.
_CUR_SQL = """
CREATE OR REPLACE TEMP TABLE _ri_cur AS
WITH known AS (
    SELECT d.* FROM _ri_dim d SEMI JOIN rule_input_state s ON s.report_id = d.report_id AND s.digest = d.digest
), unknown AS (
    SELECT * FROM _ri_dim WHERE report_id NOT IN (SELECT report_id FROM known)
)
SELECT * FROM known
UNION ALL
SELECT * FROM unknown WHERE report_id IN (
    SELECT report_id FROM report_cells WHERE report_id IN (SELECT report_id FROM unknown))
"""

# Per evaluated year: the (report, digest) rows that differ between the recorded inputs and today's
_CHANGED_SQL = """
CREATE OR REPLACE TEMP TABLE _ri_changed AS
WITH cur AS (
    SELECT y.eval_year, c.* FROM _ri_cur c JOIN (SELECT unnest(?::INTEGER[]) AS eval_year) y ON c.year <= y.eval_year
), old AS (
    SELECT * FROM rule_input_state WHERE list_contains(?::INTEGER[], eval_year)
)
(SELECT *, 'old' AS side FROM (SELECT * FROM old EXCEPT SELECT * FROM cur))
UNION ALL
(SELECT *, 'new' AS side FROM (SELECT * FROM cur EXCEPT SELECT * FROM old))
"""

# X-COPY boilerplate threshold of a year from (report, sentence) rows of its current reports
_NMAX_SQL = """
SELECT year, CAST(greatest(2, least(50, 0.05 * count(DISTINCT agency_key))) AS DOUBLE) AS n_max
FROM ({source}) GROUP BY year
"""


def global_fingerprint() -> str:
    """What every finding depends on besides the reports: catalogue, rule and template code, DuckDB."""
    from xxgk.rules.catalogue import DEFAULT_PATH
    from xxgk.warehouse import build_state

    catalogue = build_state.file_digest(os.environ.get("XXGK_RULES_PATH") or DEFAULT_PATH)
    return build_state.combine(catalogue, build_state.code_digest("rules", "template"), duckdb.__version__)


def _current_inputs(con: duckdb.DuckDBPyConnection, max_year: int) -> None:
    """``_ri_cur``: one row per report of year <= ``max_year`` the rules read, with its input digest."""
    if table_exists(con, "star_report_state"):
        star, join = "coalesce(s.fingerprint, '')", "LEFT JOIN star_report_state s ON s.report_id = d.report_id"
    else:
        star, join = "''", ""
    con.execute(_DIM_SQL.format(star=star, star_join=join), [max_year])  # constant fragments
    con.execute(_CUR_SQL)
    con.execute("CREATE OR REPLACE TEMP TABLE _rx_with_cells AS SELECT report_id FROM _ri_cur")


def _targets(con: duckdb.DuckDBPyConnection, years: list[int], n_max_old: dict[int, float]) -> list[int]:
    """Fill ``_rx_targets`` with the reports of ``years`` to evaluate again; return years needing a full run.

    A report is a target when it changed, when a report of the same agency changed in any year up to
    the evaluated one (previous / next year, versions, history), or when it prints a narrative sentence
    that a changed report prints (or printed) and that sentence is not boilerplate before or after.
    """
    from xxgk.rules.prepare import BODY_SQL, SENTENCES_SQL

    con.execute(_CHANGED_SQL, [years, years])
    fresh_src = (
        "SELECT t.report_id, t.section, t.text FROM report_text t WHERE t.report_id IN "
        "(SELECT report_id FROM _ri_changed WHERE side = 'new' AND year = eval_year)"
        if table_exists(con, "report_text") else
        "SELECT NULL::VARCHAR AS report_id, NULL::VARCHAR AS section, NULL::VARCHAR AS text WHERE FALSE"
    )
    body = BODY_SQL.format(source=fresh_src)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _ri_fresh AS {SENTENCES_SQL.format(source=body)}")  # constants
    # today's sentences of each year: stored for unchanged reports, computed for new / changed ones
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _ri_sent AS
        SELECT c.report_id, c.year, c.agency_key, c.is_current, s.h
        FROM _ri_cur c JOIN rule_sentences s ON s.report_id = c.report_id
        WHERE list_contains(?::INTEGER[], c.year)
          AND c.report_id NOT IN (SELECT report_id FROM _ri_changed WHERE side = 'new' AND year = eval_year)
        UNION ALL
        SELECT c.report_id, c.year, c.agency_key, c.is_current, f.h
        FROM _ri_cur c JOIN _ri_fresh f ON f.report_id = c.report_id
        WHERE list_contains(?::INTEGER[], c.year)
        """,
        [years, years],
    )
    src = "SELECT year, agency_key FROM _ri_sent WHERE is_current"
    n_max_new = dict(con.execute(_NMAX_SQL.format(source=src)).fetchall())  # constant fragments
    full = [y for y in years if n_max_new.get(y) != n_max_old.get(y)]
    incr = [y for y in years if y not in full]
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _rx_targets AS
        WITH chg AS (SELECT * FROM _ri_changed WHERE list_contains(?::INTEGER[], eval_year)),
        old_sent AS (  -- the sentences of the year's changed reports as they were, with their old attributes
            SELECT s.h, o.year, o.agency_key, o.is_current, o.report_id
            FROM rule_sentences s
            JOIN rule_input_state o ON o.report_id = s.report_id AND o.eval_year = o.year
            WHERE list_contains(?::INTEGER[], o.eval_year)
        ), h_changed AS (
            SELECT DISTINCT s.year, s.h FROM old_sent s
            JOIN chg ON chg.side = 'old' AND chg.report_id = s.report_id AND chg.year = chg.eval_year
            UNION
            SELECT DISTINCT s.year, s.h FROM _ri_sent s
            JOIN chg ON chg.side = 'new' AND chg.report_id = s.report_id AND chg.year = chg.eval_year
        ), n_old AS (
            SELECT s.year, s.h, count(DISTINCT s.agency_key) AS n FROM old_sent s
            JOIN h_changed USING (year, h) WHERE s.is_current GROUP BY ALL
        ), n_new AS (
            SELECT s.year, s.h, count(DISTINCT s.agency_key) AS n FROM _ri_sent s
            JOIN h_changed USING (year, h) WHERE s.is_current GROUP BY ALL
        ), thr AS (
            SELECT unnest(?::INTEGER[]) AS year, unnest(?::DOUBLE[]) AS n_old, unnest(?::DOUBLE[]) AS n_new
        ), rare AS (  -- sentences of changed reports that are not boilerplate before or after the change
            SELECT h.year, h.h FROM h_changed h JOIN thr USING (year)
            LEFT JOIN n_old o USING (year, h) LEFT JOIN n_new n USING (year, h)
            WHERE coalesce(o.n, 0) <= thr.n_old OR coalesce(n.n, 0) <= thr.n_new
        )
        SELECT c.report_id FROM _ri_cur c
        WHERE list_contains(?::INTEGER[], c.year)
          AND c.agency_key IN (SELECT agency_key FROM chg WHERE chg.year <= chg.eval_year)
        UNION
        SELECT s.report_id FROM _ri_sent s JOIN rare USING (year, h)
        """,
        [incr, incr, incr, [n_max_old.get(y, 0.0) for y in incr], [n_max_new.get(y, 0.0) for y in incr], incr],
    )
    return full


def update_findings(con: duckdb.DuckDBPyConnection, years: list[int], full: bool = False) -> dict[str, object]:
    """Bring ``check_findings`` / ``check_rule_coverage`` of ``years`` up to date with the warehouse.

    A year evaluated before with the same catalogue and code is updated incrementally: only the reports
    found by ``_targets`` are evaluated, and exactly their rows (and those of removed reports) are
    replaced — the result equals a full evaluation. Otherwise (or with ``full``) the year is evaluated
    whole. Returns what was done: years evaluated in full, reports evaluated incrementally, findings written,
    and ``replaced_reports``: the reports whose rows were replaced (None when a year was rewritten whole).
    """
    from xxgk.rules.evaluate import evaluate_into
    from xxgk.rules.prepare import cleanup

    ensure_tables(con)
    for stmt in STATE_DDL.split(";"):
        if stmt.strip():
            con.execute(stmt)
    gfp = global_fingerprint()
    recorded = {
        y: (fp, n) for y, fp, n in con.execute(
            "SELECT eval_year, global_fp, n_max FROM rule_eval_state WHERE list_contains(?::INTEGER[], eval_year)",
            [years],
        ).fetchall()
    }
    full_years = [y for y in years if full or y not in recorded or recorded[y][0] != gfp]
    incr_years = [y for y in years if y not in full_years]
    _current_inputs(con, max(years))
    if incr_years:
        full_years += _targets(con, incr_years, {y: recorded[y][1] for y in incr_years})
        incr_years = [y for y in incr_years if y not in full_years]
    out: dict[str, object] = {"full_years": sorted(full_years), "incremental_years": incr_years, "targets": 0}
    written = 0
    con.execute("CREATE OR REPLACE TEMP TABLE _ri_replace (report_id VARCHAR)")
    con.execute("BEGIN TRANSACTION")
    try:
        for mode, ys in (("full", sorted(full_years)), ("incremental", incr_years)):
            if not ys:
                continue
            if mode == "incremental":
                con.execute(
                    "CREATE OR REPLACE TEMP TABLE _ri_replace AS SELECT report_id FROM _rx_targets UNION "
                    "SELECT report_id FROM _ri_changed WHERE list_contains(?::INTEGER[], eval_year)",
                    [ys],
                )
                out["targets"] = con.execute("SELECT count(*) FROM _rx_targets").fetchone()[0]
            try:
                evaluate_into(con, ys, targets=mode == "incremental")
                written += _replace(con, ys, mode == "incremental", gfp)
            finally:
                cleanup(con)
        replaced = [r for (r,) in con.execute("SELECT DISTINCT report_id FROM _ri_replace ORDER BY 1").fetchall()]
        out["replaced_reports"] = None if out["full_years"] else replaced
        changed = out["full_years"] or replaced
        if changed:
            bump_version(con, years)
        con.execute("DELETE FROM rule_input_state WHERE list_contains(?::INTEGER[], eval_year)", [years])
        con.execute(
            "INSERT INTO rule_input_state SELECT y.eval_year, c.report_id, c.year, c.agency_key, c.is_current, "
            "c.digest FROM _ri_cur c JOIN (SELECT unnest(?::INTEGER[]) AS eval_year) y ON c.year <= y.eval_year",
            [years],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for t in ("_ri_dim", "_rx_with_cells", "_ri_cur", "_ri_changed", "_ri_fresh", "_ri_sent", "_ri_replace",
                  "_rx_targets"):
            con.execute(f"DROP TABLE IF EXISTS {t}")  # constant identifiers
    out["findings_written"] = written
    return out


def _replace(con: duckdb.DuckDBPyConnection, years: list[int], incremental: bool, gfp: str) -> int:
    """Write the evaluated ``_rx_*_out`` rows of ``years`` and remember the year's sentences and threshold."""
    where = "list_contains(?::INTEGER[], year)"
    if incremental:
        where += " AND report_id IN (SELECT report_id FROM _ri_replace)"
    for table in ("check_findings", "check_rule_coverage", "rule_sentences"):
        con.execute(f"DELETE FROM {table} WHERE {where}", [years])  # constant identifiers and fragments
    # sentences of removed reports go too (a removed report is in _ri_replace, or gone with its year)
    con.execute(
        "DELETE FROM rule_sentences WHERE list_contains(?::INTEGER[], year) "
        "AND report_id NOT IN (SELECT report_id FROM _rx_reports)",
        [years],
    )
    con.execute(f"INSERT INTO check_findings ({', '.join(FINDING_COLUMNS)}) "
                f"SELECT {', '.join(FINDING_COLUMNS)} FROM _rx_findings_out")
    con.execute(f"INSERT INTO check_rule_coverage ({', '.join(COVERAGE_COLUMNS)}) "
                f"SELECT {', '.join(COVERAGE_COLUMNS)} FROM _rx_coverage_out")
    con.execute(
        "INSERT INTO rule_sentences SELECT s.report_id, r.year, s.h FROM _rx_sent s "
        "JOIN _rx_reports r ON r.report_id = s.report_id AND r.in_scope"
    )
    src = ("SELECT r.year, r.agency_key FROM _rx_sent s JOIN _rx_reports r ON r.report_id = s.report_id "
           "AND r.in_year AND r.is_current")
    n_max = dict(con.execute(_NMAX_SQL.format(source=src)).fetchall())  # constant fragments
    con.executemany(
        "INSERT OR REPLACE INTO rule_eval_state VALUES (?, ?, ?)", [(y, gfp, n_max.get(y)) for y in years]
    )
    return int(con.execute("SELECT count(*) FROM _rx_findings_out").fetchone()[0])
