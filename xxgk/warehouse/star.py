"""Build the star schema from staging, one slice of report years at a time (delete, then insert).

The warehouse reflects the inbox: a report is loaded when a file with its content is present.
A manifest entry overrides what the content says (agency, region, level, year, sector, date).

Current report per agency-year (``dim_report.is_current``), when several contents claim the same
agency and year (a re-publication, a corrected copy): the best parse status first (ok, partial,
failed), then the latest publication date, then the most recently modified file, then the
report_id. Every copy stays in the warehouse; the duplicate is raised as a finding by the checks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from xxgk.template import FORMAT_VERSIONS, T3_COLUMNS, expected_version, load_format
from xxgk.warehouse.db import sync_table

_PARSE_RANK = "CASE s.parse_status WHEN 'ok' THEN 0 WHEN 'partial' THEN 1 ELSE 2 END"


def agency_key(name: str | None, aliases: Mapping[str, str] | None = None) -> int:
    """Stable surrogate key of an agency name (0 = unknown agency).

    ``aliases`` (normalized alias → normalized canonical name, from the agency registry: see
    ``xxgk.compliance.resolve``) makes renames and registered variants share one key.
    """
    if not name:
        return 0
    canonical = _canonical_agency(name)
    if aliases:
        canonical = aliases.get(canonical, canonical)
    return int.from_bytes(hashlib.sha256(canonical.encode()).digest()[:7], "big")


def _canonical_agency(name: str) -> str:
    try:
        from xxgk.agencies import normalize_agency_name
    except ImportError:
        return "".join(name.split())
    return normalize_agency_name(name)


def _registry_aliases(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The agency registry's alias map ({} without a registry)."""
    try:
        from xxgk.compliance.resolve import warehouse_aliases
    except ImportError:
        return {}
    return warehouse_aliases(con)


def _classify(name: str | None) -> dict[str, str | None]:
    if not name:
        return {"level": None, "kind": None, "sector": None}
    try:
        from xxgk.agencies import classify_agency
    except ImportError:
        return {"level": None, "kind": None, "sector": None}
    info = classify_agency(name)
    return {k: info.get(k) for k in ("level", "kind", "sector")}


def build_static_dimensions(con: duckdb.DuckDBPyConnection, last_year: int) -> None:
    """dim_year, dim_category, dim_applicant_type: rebuilt from the template model (deterministic)."""
    con.execute("BEGIN")
    con.execute("DELETE FROM dim_year")
    for y in range(2019, last_year + 1):
        con.execute(
            "INSERT INTO dim_year VALUES (?, ?, ?, ?)",
            [y, expected_version(y), date(y + 1, 1, 31), date(y + 1, 3, 31)],
        )
    con.execute("DELETE FROM dim_category")
    key = 0
    for version in FORMAT_VERSIONS:
        for row in load_format(version).rows:
            key += 1
            con.execute(
                "INSERT INTO dim_category VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    key,
                    version,
                    row.table,
                    row.code,
                    row.label,
                    row.parent,
                    row.kind,
                    row.kind in ("leaf", "data") or (row.table != "T3" and row.has_cells),
                    row.kind == "total",
                    row.order,
                ],
            )
    con.execute("DELETE FROM dim_applicant_type")
    t3 = load_format("2021").row("T3", "1").columns
    for i, col in enumerate(t3, start=1):
        con.execute(
            "INSERT INTO dim_applicant_type VALUES (?, ?, ?, ?, ?, TRUE)",
            [i, col.code, col.label, col.parent, col.code == "TOTAL"],
        )
    con.execute(
        "INSERT INTO dim_applicant_type VALUES (?, 'LP_SUB', '小计', '法人或其他组织', FALSE, FALSE)",
        [len(T3_COLUMNS) + 1],
    )
    con.execute("COMMIT")


_RESOLVED_SQL = f"""
WITH paths AS (
    SELECT sha256, list(path ORDER BY path) AS paths, min(path) AS first_path, max(mtime) AS mtime
    FROM source_file WHERE present GROUP BY sha256
),
manifest AS (
    SELECT s.sha256, arg_min(m.agency, m.path) AS agency, arg_min(m.region, m.path) AS region,
           arg_min(m.level, m.path) AS level, arg_min(m.year, m.path) AS year,
           arg_min(m.sector, m.path) AS sector, arg_min(m.published_date, m.path) AS published_date
    FROM manifest_entry m JOIN source_file s ON s.path = m.path AND s.present
    GROUP BY s.sha256
)
SELECT substr(s.sha256, 1, 16) AS report_id, s.sha256, p.first_path AS source_file, p.paths AS source_files,
       p.mtime, s.media, s.encoding, s.title,
       coalesce(m.agency, s.agency) AS agency,
       coalesce(m.region, s.region) AS region,
       s.province, s.city, s.county,
       m.level AS manifest_level, m.sector AS manifest_sector,
       coalesce(m.year, s.year) AS year,
       s.format_version, s.scope,
       coalesce(m.published_date, s.published_date) AS published_date,
       CASE WHEN m.published_date IS NOT NULL THEN 'manifest' ELSE s.published_date_source END
           AS published_date_source,
       s.metadata_sources, s.parse_status, s.parser_version, s.n_cells, s.n_ambiguous,
       {_PARSE_RANK} AS parse_rank,
       (m.agency IS NOT NULL) AS agency_from_manifest
FROM stg_report s
JOIN paths p USING (sha256)
LEFT JOIN manifest m USING (sha256)
"""


_FINGERPRINT_ROW = (
    "concat_ws('|', sha256, parser_version, array_to_string(source_files, ';'), mtime, agency, region, "
    "manifest_level, manifest_sector, year, published_date, published_date_source, parse_status)"
)


def star_fingerprints(
    con: duckdb.DuckDBPyConnection, years: Sequence[int], year_range: tuple[int, int]
) -> dict[int, str]:
    """Per report year, a fingerprint of everything ``build_star`` reads for that year's slice.

    It covers the year's resolved reports, the reports of no partition (rebuilt with every slice),
    the agency registry's aliases, the template/star/agency code, and the partition range.
    """
    from xxgk.warehouse.build_state import code_digest, combine

    lo, hi = year_range
    rows = con.execute(
        f"""
        SELECT CASE WHEN year IS NULL OR year < ? OR year > ? THEN NULL ELSE year END AS y,
               md5(string_agg({_FINGERPRINT_ROW}, ',' ORDER BY sha256)) AS digest
        FROM ({_RESOLVED_SQL})
        WHERE year IN (SELECT unnest(?::INTEGER[])) OR year IS NULL OR year < ? OR year > ?
        GROUP BY y
        """,
        [lo, hi, list(years), lo, hi],
    ).fetchall()
    digests = {y: d for y, d in rows}
    aliases = sorted(_registry_aliases(con).items())
    code = code_digest("template", "agencies", "warehouse/star.py")
    common = combine(digests.get(None, ""), aliases, year_range, code)
    return {y: combine(digests.get(y, ""), common) for y in years}


_REPORT_STATE_DDL = """
-- One row per report in the star schema: the fingerprint of what its rows were built from (the
-- resolved report, the registry aliases, the code). A report whose fingerprint did not change keeps
-- its rows: a re-run after 1 % of the files changed rewrites 1 % of the facts.
CREATE TABLE IF NOT EXISTS star_report_state (
    report_id   VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL
)
"""

_STAR_TABLES = ("fact_application", "fact_proactive_disclosure", "fact_review_litigation", "dim_report")


def build_star(
    con: duckdb.DuckDBPyConnection, years: Sequence[int], year_range: tuple[int, int] | None = None
) -> dict[str, int]:
    """Bring dim_report and the facts of report ``years`` up to date with staging (``report_text`` is a view).

    Incremental: only reports that are new, changed (content, paths, manifest values, parser version,
    aliases, code) or gone are deleted and inserted; ``is_current`` is recomputed for the whole slice
    and updated where it changed. Reports whose year is unknown, or outside ``year_range`` (the
    partitioned years), belong to no partition: they are part of every slice so they are never lost.
    """
    from xxgk.warehouse.build_state import code_digest, combine

    lo, hi = year_range or (min(years), max(years))
    in_slice = "(year IN (SELECT unnest(?::INTEGER[])) OR year IS NULL OR year < ? OR year > ?)"
    params = [list(years), lo, hi]
    aliases = _registry_aliases(con)
    common = combine(sorted(aliases.items()), code_digest("template", "agencies", "warehouse/star.py"))
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _star_resolved AS SELECT *, "
        f"md5(concat_ws('|', {_FINGERPRINT_ROW}, ?::VARCHAR)) AS row_fp FROM ({_RESOLVED_SQL}) WHERE {in_slice}",
        [common, *params],
    )
    con.execute(_REPORT_STATE_DDL)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _star_changed AS
        SELECT r.report_id FROM _star_resolved r
        LEFT JOIN star_report_state s ON s.report_id = r.report_id AND s.fingerprint = r.row_fp
        LEFT JOIN dim_report d ON d.report_id = r.report_id
        WHERE s.report_id IS NULL OR d.report_id IS NULL
        """
    )
    # Only new or changed reports go through Python (agency keys and classes); an unchanged report's
    # fingerprint covers everything its agency key and class derive from, so dim_report keeps them.
    reports = con.execute(
        "SELECT * FROM _star_resolved WHERE report_id IN (SELECT report_id FROM _star_changed)"
    ).df()
    reports = _enrich(con, reports, aliases)
    n_reports = int(con.execute("SELECT count(*) FROM _star_resolved").fetchone()[0])
    con.execute("BEGIN")
    con.register("resolved", reports)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE slice AS SELECT report_id FROM dim_report WHERE {in_slice} "
        "AND report_id NOT IN (SELECT report_id FROM _star_resolved) UNION SELECT report_id FROM _star_changed",
        params,
    )
    for table in (*_STAR_TABLES, "star_report_state"):
        con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT report_id FROM slice)")  # constant names
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _star_ranked AS
        WITH keyed AS (
            SELECT r.report_id, r.year, r.parse_rank, r.published_date, r.mtime,
                   coalesce(n.agency_key, d.agency_key) AS agency_key
            FROM _star_resolved r
            LEFT JOIN resolved n ON n.report_id = r.report_id
            LEFT JOIN dim_report d ON d.report_id = r.report_id
        )
        SELECT report_id,
               row_number() OVER (
                   PARTITION BY agency_key, year
                   ORDER BY parse_rank, published_date DESC NULLS LAST, mtime DESC NULLS LAST, report_id
               ) = 1 AND agency_key <> 0 AND year IS NOT NULL AS is_current
        FROM keyed
        """
    )
    con.execute(
        """
        INSERT INTO dim_report
        SELECT n.report_id, n.sha256, n.source_file, n.source_files, n.media, n.encoding, n.title, n.agency_key,
               n.agency, n.region, n.province, n.city, n.county, n.level, n.sector, n.kind, n.year,
               n.format_version, n.expected_version, n.format_mismatch, n.scope, n.published_date,
               n.published_date_source, n.metadata_sources, n.parse_status, n.parser_version, n.n_cells,
               n.n_ambiguous, k.is_current
        FROM resolved n JOIN _star_ranked k USING (report_id)
        """
    )
    con.execute(
        """
        UPDATE dim_report SET is_current = k.is_current FROM _star_ranked k
        WHERE dim_report.report_id = k.report_id AND dim_report.is_current <> k.is_current
        """
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _star_new AS SELECT r.* FROM resolved r "
        "WHERE r.report_id IN (SELECT report_id FROM _star_changed)"
    )
    con.execute(
        """
        INSERT INTO fact_application
        SELECT r.report_id, r.agency_key, r.year, dc.category_key, apt.applicant_type_key, c.row_code,
               c.col_code, c.value, c.raw_text, c.is_blank, c.marker, c.confidence
        FROM _star_new r JOIN stg_cell c USING (sha256)
        LEFT JOIN dim_category dc ON dc.format_version = r.format_version AND dc.table_code = 'T3'
             AND dc.row_code = c.row_code
        LEFT JOIN dim_applicant_type apt ON apt.col_code = c.col_code
        WHERE c.table_code = 'T3'
        """
    )
    con.execute(
        """
        INSERT INTO fact_proactive_disclosure
        SELECT r.report_id, r.agency_key, r.year, dc.category_key, c.row_code, c.col_code, c.value, c.unit,
               c.raw_text, c.is_blank, c.marker, c.confidence
        FROM _star_new r JOIN stg_cell c USING (sha256)
        LEFT JOIN dim_category dc ON dc.format_version = r.format_version AND dc.table_code = 'T2'
             AND dc.row_code = c.row_code
        WHERE c.table_code = 'T2'
        """
    )
    con.execute(
        """
        INSERT INTO fact_review_litigation
        SELECT r.report_id, r.agency_key, r.year, dc.category_key, c.row_code, c.col_code, c.value,
               c.raw_text, c.is_blank, c.marker, c.confidence
        FROM _star_new r JOIN stg_cell c USING (sha256)
        LEFT JOIN dim_category dc ON dc.format_version = coalesce(r.format_version, '2021')
             AND dc.table_code = 'T4' AND dc.row_code = c.row_code
        WHERE c.table_code = 'T4'
        """
    )
    _check_fact_grain(con)
    con.execute("INSERT INTO star_report_state SELECT report_id, row_fp FROM _star_new")
    con.unregister("resolved")
    _rebuild_dim_agency(con)
    con.execute("COMMIT")
    rebuilt, cells = con.execute("SELECT count(*), coalesce(sum(n_cells), 0) FROM _star_new").fetchone()
    for name in ("_star_new", "_star_ranked", "_star_changed", "_star_resolved"):
        con.execute(f"DROP TABLE IF EXISTS {name}")  # constant names
    return {"reports": n_reports, "reports_rebuilt": int(rebuilt), "cells_rebuilt": int(cells)}


class GrainError(RuntimeError):
    """A fact table would hold two rows for one (report, row, column)."""


def _check_fact_grain(con: duckdb.DuckDBPyConnection) -> None:
    """The fact tables carry no index (see schema.sql): check their grain on the rows just inserted."""
    for table in ("fact_application", "fact_proactive_disclosure", "fact_review_litigation"):
        dup = con.execute(
            f"SELECT report_id, row_code, col_code FROM {table} "  # constant names
            "WHERE report_id IN (SELECT report_id FROM _star_new) GROUP BY ALL HAVING count(*) > 1 LIMIT 3"
        ).fetchall()
        if dup:
            con.execute("ROLLBACK")
            raise GrainError(f"{table}: several rows for (report_id, row_code, col_code) {dup}")


_CLASS_CACHE_DDL = """
-- One row per (agency name as read, classifier version): canonical name, level, kind, sector. A cache:
-- normalizing and classifying a name costs ~1 ms, so a national re-run only does names it never saw.
CREATE TABLE IF NOT EXISTS agency_name_class (
    name VARCHAR, classifier VARCHAR, canonical VARCHAR, level VARCHAR, kind VARCHAR, sector VARCHAR,
    PRIMARY KEY (name, classifier))
"""


@cache
def classifier_version() -> str:
    """Digest of the agency classifier's code and data: a change there invalidates the name cache."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parents[1] / "agencies"
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".yaml", ".csv", ".json", ".txt"):
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _classified(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, tuple]:
    """name → (canonical, level, kind, sector) from the cache; names not cached are classified and added."""
    version = classifier_version()
    con.execute(_CLASS_CACHE_DDL)
    con.register("_names", pd.DataFrame({"name": names}, dtype=object))
    known = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT c.name, c.canonical, c.level, c.kind, c.sector FROM agency_name_class c "
            "JOIN _names n USING (name) WHERE c.classifier = ?",
            [version],
        ).fetchall()
    }
    con.unregister("_names")
    rows = []
    for n in names:
        if n not in known:
            info = _classify(n)
            known[n] = (_canonical_agency(n), info["level"], info["kind"], info["sector"])
            rows.append((n, version, *known[n]))
    if rows:
        cols = ["name", "classifier", "canonical", "level", "kind", "sector"]
        con.register("_new_names", pd.DataFrame(rows, columns=cols, dtype=object))
        con.execute("INSERT INTO agency_name_class SELECT * FROM _new_names ON CONFLICT DO NOTHING")
        con.unregister("_new_names")
    return known


def _key_of_canonical(canonical: str, aliases: Mapping[str, str] | None) -> int:
    """``agency_key`` from an already normalized name (same digest as ``agency_key``)."""
    if aliases:
        canonical = aliases.get(canonical, canonical)
    return int.from_bytes(hashlib.sha256(canonical.encode()).digest()[:7], "big")


def _enrich(
    con: duckdb.DuckDBPyConnection, reports: pd.DataFrame, aliases: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Agency keys, level/sector classification (cached per name), expected format."""
    names = reports["agency"].dropna().unique().tolist()
    known = _classified(con, [n for n in names if n])
    keys = {n: _key_of_canonical(c[0], aliases) for n, c in known.items()}
    agencies = reports["agency"].tolist()
    reports["agency_key"] = [keys.get(a, 0) if isinstance(a, str) else 0 for a in agencies]
    for i, field in enumerate(("level", "kind", "sector"), start=1):
        reports[field] = [known[a][i] if isinstance(a, str) and a in known else None for a in agencies]
    reports["level"] = reports["manifest_level"].where(reports["manifest_level"].notna(), reports["level"])
    reports["sector"] = reports["manifest_sector"].where(
        reports["manifest_sector"].notna(), reports["sector"]
    )
    reports["expected_version"] = [expected_version(int(y)) if pd.notna(y) else None for y in reports["year"]]
    reports["format_mismatch"] = [
        (fv in FORMAT_VERSIONS and ev is not None and fv != ev) if isinstance(fv, str) else None
        for fv, ev in zip(reports["format_version"], reports["expected_version"], strict=True)
    ]
    return reports


def _rebuild_dim_agency(con: duckdb.DuckDBPyConnection) -> None:
    """dim_agency from dim_report (latest year's attributes), writing only the agencies that changed."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _star_agency AS
        SELECT agency_key, arg_max(agency, year) AS agency_name, arg_max(province, year) AS province,
               arg_max(city, year) AS city, arg_max(county, year) AS county, arg_max(region, year) AS region,
               arg_max(level, year) AS level, arg_max(kind, year) AS kind, arg_max(sector, year) AS sector
        FROM dim_report WHERE agency_key <> 0 GROUP BY agency_key
        UNION ALL
        SELECT 0, '(unknown agency)', NULL, NULL, NULL, NULL, NULL, NULL, NULL
        """
    )
    sync_table(con, "dim_agency", "_star_agency", ("agency_key",))
    con.execute("DROP TABLE _star_agency")
