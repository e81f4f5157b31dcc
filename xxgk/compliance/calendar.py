"""Build the compliance tables from the star schema and the registry (delete-then-insert by year).

* :func:`build_registry_tables` — ``dim_agency_registry`` and ``agency_alias`` (whole tables).
* :func:`build_calendar` — ``compliance_calendar`` for report years: who was expected, who
  published, when (and how we know), the deadline that applied, the status.
* :func:`build_compliance_aggregates` — ``agg_compliance_region_year``, ``agg_format_adoption``.

Who is expected in year Y (never invented): a registry agency whose period covers 31 December Y;
an agency only seen in reports, when it reported in another year and the warehouse holds reports of
year Y from its own region (same province, city and county: the year was collected there). An
expected agency without a report is ``missing`` once its deadline has passed, ``not_due`` before.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from importlib import resources

import duckdb
import pandas as pd

from xxgk.agencies import normalize_agency_name
from xxgk.compliance.deadlines import deadline_for
from xxgk.compliance.registry import Registry, alias_map, classify_period
from xxgk.regions import gazetteer
from xxgk.warehouse.db import sync_table
from xxgk.warehouse.star import _classified, _key_of_canonical, agency_key


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the compliance tables if missing."""
    con.execute(resources.files("xxgk.compliance").joinpath("schema.sql").read_text("utf-8"))


def _region_fields(code: str | None) -> dict[str, str | None]:
    reg = gazetteer().by_code.get(code) if code else None
    if reg is None:
        return {"province": None, "city": None, "county": None}
    return {"province": reg.province, "city": reg.city, "county": reg.county}


def registry_frame(reg: Registry) -> pd.DataFrame:
    """One row per registry period, keyed as the star schema keys agencies."""
    aliases = alias_map(reg)
    canon = reg.canonical_names()
    rows = []
    order: dict[str, int] = {}
    for p in sorted(reg.periods, key=lambda p: (p.agency_id, p.valid_from or date.min, p.line)):
        order[p.agency_id] = order.get(p.agency_id, 0) + 1
        info = classify_period(p)
        rows.append(
            {
                "agency_key": agency_key(canon[p.agency_id], aliases),
                "period_no": order[p.agency_id],
                "agency_id": p.agency_id,
                "agency_name": p.name,
                "canonical_name": canon[p.agency_id],
                "aliases": list(p.aliases),
                "region_codes": list(p.region_codes),
                **_region_fields(info["region_code"]),
                "level": info["level"],
                "kind": info["kind"],
                "sector": info["sector"],
                "parent_agency": p.parent,
                "parent_agency_key": agency_key(p.parent, aliases) if p.parent else None,
                "valid_from": p.valid_from,
                "valid_to": p.valid_to,
                "source": "registry",
                "registry_line": p.line,
            }
        )
    cols = [
        "agency_key", "period_no", "agency_id", "agency_name", "canonical_name", "aliases", "region_codes",
        "province", "city", "county", "level", "kind", "sector", "parent_agency", "parent_agency_key",
        "valid_from", "valid_to", "source", "registry_line",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def build_registry_tables(con: duckdb.DuckDBPyConnection, reg: Registry) -> dict[str, int]:
    """Bring ``dim_agency_registry`` (registry periods + observed agencies) and ``agency_alias`` up to date."""
    apply_schema(con)
    frame = registry_frame(reg)
    aliases = alias_map(reg)
    con.execute("BEGIN")
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _c_new_registry AS SELECT * FROM dim_agency_registry LIMIT 0")
        if len(frame):
            con.register("_c_registry", frame)
            con.execute(
                """INSERT INTO _c_new_registry
                   SELECT agency_key, period_no, agency_id, agency_name, canonical_name, aliases, region_codes,
                          province, city, county, level, kind, sector, parent_agency, parent_agency_key,
                          CAST(valid_from AS DATE), CAST(valid_to AS DATE), source, registry_line
                   FROM _c_registry"""
            )
            con.unregister("_c_registry")
        con.execute(
            """INSERT INTO _c_new_registry
               SELECT a.agency_key, 1, a.agency_name, a.agency_name, a.agency_name, [], [], a.province, a.city,
                      a.county, a.level, a.kind, a.sector, NULL, NULL, NULL, NULL, 'observed', NULL
               FROM dim_agency a
               WHERE a.agency_key <> 0
                 AND a.agency_key NOT IN (SELECT agency_key FROM _c_new_registry)"""
        )
        rows: list[tuple[str, str, int, str, str]] = []
        for p in reg.periods:
            canon = reg.canonical_names()[p.agency_id]
            key = agency_key(canon, aliases)
            rows.append((p.name, normalize_agency_name(p.name), key, canon, "registry_name"))
            rows += [(a, normalize_agency_name(a), key, canon, "registry_alias") for a in p.aliases]
        sql = "SELECT DISTINCT agency FROM dim_report WHERE agency IS NOT NULL"
        names = [r[0] for r in con.execute(sql).fetchall()]
        by_key = dict(con.execute("SELECT agency_key, canonical_name FROM _c_new_registry").fetchall())
        # names printed in reports: normalized through the name cache (one classifier call per new name)
        canonical = _classified(con, names)
        for n in names:
            norm = canonical[n][0]
            key = _key_of_canonical(norm, aliases)
            rows.append((n, norm, key, by_key.get(key), "report"))
        df = pd.DataFrame(rows, columns=["alias", "alias_norm", "agency_key", "canonical_name", "source"])
        df = df.drop_duplicates(["alias", "agency_key"])
        con.register("_c_alias", df)
        con.execute("CREATE OR REPLACE TEMP TABLE _c_new_alias AS SELECT * FROM agency_alias LIMIT 0")
        con.execute("INSERT INTO _c_new_alias SELECT * FROM _c_alias")
        con.unregister("_c_alias")
        # Only the difference is written: a re-run after 1 % of the reports changed rewrites ~1 % of the rows.
        sync_table(con, "dim_agency_registry", "_c_new_registry", ("agency_key", "period_no"))
        sync_table(con, "agency_alias", "_c_new_alias", ("alias", "agency_key"))
        con.execute("DROP TABLE _c_new_registry")
        con.execute("DROP TABLE _c_new_alias")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return {
        "registry_periods": len(frame),
        "agencies": int(con.execute("SELECT count(DISTINCT agency_key) FROM dim_agency_registry").fetchone()[0]),
        "aliases": len(df),
    }


_CANDIDATES_SQL = """
CREATE OR REPLACE TEMP TABLE _c_cand AS
WITH yrs AS (SELECT unnest(?::INTEGER[]) AS year),
cur AS (
    SELECT r.*, count(*) OVER (PARTITION BY r.agency_key, r.year) AS n_copies
    FROM dim_report r WHERE r.agency_key <> 0 AND r.year IS NOT NULL
),
reg AS (
    SELECT g.*, y.year FROM dim_agency_registry g JOIN yrs y
      ON g.source = 'registry'
     AND (g.valid_from IS NULL OR g.valid_from <= make_date(y.year, 12, 31))
     AND (g.valid_to IS NULL OR g.valid_to >= make_date(y.year, 12, 31))
),
collected AS (SELECT DISTINCT year, province, city, county FROM cur WHERE is_current),
obs AS (
    SELECT g.*, y.year FROM dim_agency_registry g JOIN yrs y ON g.source = 'observed'
    WHERE EXISTS (SELECT 1 FROM collected c WHERE c.year = y.year AND c.province IS NOT DISTINCT FROM g.province
                  AND c.city IS NOT DISTINCT FROM g.city AND c.county IS NOT DISTINCT FROM g.county)
),
expected AS (
    SELECT agency_key, year, 'registry' AS expected_by, arg_min(agency_name, period_no) AS agency_name,
           arg_min(province, period_no) AS province, arg_min(city, period_no) AS city,
           arg_min(county, period_no) AS county, arg_min(level, period_no) AS level,
           arg_min(kind, period_no) AS kind, arg_min(sector, period_no) AS sector
    FROM reg GROUP BY agency_key, year
    UNION ALL
    SELECT agency_key, year, 'observed', agency_name, province, city, county, level, kind, sector FROM obs
),
reported AS (
    SELECT c.* FROM cur c WHERE c.is_current AND c.year IN (SELECT year FROM yrs)
),
registered AS (SELECT DISTINCT agency_key FROM dim_agency_registry WHERE source = 'registry')
SELECT coalesce(e.year, p.year) AS year, coalesce(e.agency_key, p.agency_key) AS agency_key,
       coalesce(e.agency_name, p.agency) AS agency_name, p.agency AS printed_name,
       coalesce(e.province, p.province) AS province, coalesce(e.city, p.city) AS city,
       coalesce(e.county, p.county) AS county,
       CASE WHEN e.expected_by = 'registry' THEN coalesce(e.level, p.level) ELSE coalesce(p.level, e.level) END
           AS level,
       CASE WHEN e.expected_by = 'registry' THEN coalesce(e.kind, p.kind) ELSE coalesce(p.kind, e.kind) END AS kind,
       coalesce(p.sector, e.sector) AS sector,
       e.agency_key IS NOT NULL OR p.agency_key NOT IN (SELECT agency_key FROM registered) AS expected,
       coalesce(e.expected_by, CASE WHEN p.agency_key NOT IN (SELECT agency_key FROM registered) THEN 'observed' END)
           AS expected_by,
       p.report_id, coalesce(p.n_copies, 0) AS n_reports, p.scope, p.format_version, p.expected_version,
       p.format_mismatch,
       coalesce(TRY_CAST(p.published_date AS DATE), TRY_CAST(try_strptime(p.published_date, '%Y/%m/%d') AS DATE))
           AS published_date,
       p.published_date_source
FROM expected e FULL OUTER JOIN reported p ON p.agency_key = e.agency_key AND p.year = e.year
"""


def _deadlines(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    combos = con.execute(
        "SELECT DISTINCT year, kind, level, province, city, county FROM _c_cand"
    ).fetchall()
    rows = []
    for year, kind, level, province, city, county in combos:
        d, src = deadline_for(kind, level, int(year), (province, city, county))
        rows.append((year, kind, level, province, city, county, d, src))
    return pd.DataFrame(
        rows, columns=["year", "kind", "level", "province", "city", "county", "deadline", "deadline_source"]
    )


_INSERT_SQL = """
INSERT INTO _c_new_calendar
SELECT c.year, c.agency_key, c.agency_name, c.printed_name, c.province, c.city, c.county, c.level, c.kind,
       c.sector, c.expected, c.expected_by, c.report_id, c.n_reports, c.scope, c.format_version,
       c.expected_version, c.format_mismatch, c.published_date, c.published_date_source,
       CAST(d.deadline AS DATE), d.deadline_source,
       CASE WHEN c.published_date IS NOT NULL THEN greatest(c.published_date - CAST(d.deadline AS DATE), 0) END,
       CASE WHEN c.published_date IS NOT NULL THEN c.published_date > CAST(d.deadline AS DATE) END,
       CASE WHEN c.report_id IS NULL THEN CASE WHEN CAST(d.deadline AS DATE) >= ? THEN 'not_due' ELSE 'missing' END
            WHEN c.published_date > CAST(d.deadline AS DATE) THEN 'late'
            WHEN c.format_mismatch THEN 'format_mismatch'
            ELSE 'published' END
FROM _c_cand c
JOIN _c_deadlines d ON d.year = c.year AND d.kind IS NOT DISTINCT FROM c.kind
     AND d.level IS NOT DISTINCT FROM c.level AND d.province IS NOT DISTINCT FROM c.province
     AND d.city IS NOT DISTINCT FROM c.city AND d.county IS NOT DISTINCT FROM c.county
"""


def build_calendar(
    con: duckdb.DuckDBPyConnection, years: Sequence[int], as_of: date | None = None
) -> dict[str, int]:
    """Replace the ``years`` slice of ``compliance_calendar``; returns counts by status."""
    apply_schema(con)
    years = sorted(int(y) for y in years)
    con.execute(_CANDIDATES_SQL, [years])
    deadlines = _deadlines(con)
    con.execute("BEGIN")
    try:
        # these years' rows as they should be; only the difference is written (a re-run after 1 % of
        # the reports changed rewrites ~1 % of the year; other years are not read)
        con.execute("CREATE OR REPLACE TEMP TABLE _c_new_calendar AS SELECT * FROM compliance_calendar LIMIT 0")
        con.register("_c_deadlines", deadlines)
        con.execute(_INSERT_SQL, [as_of or date.today()])
        con.unregister("_c_deadlines")
        sync_table(
            con, "compliance_calendar", "_c_new_calendar", ("year", "agency_key"), "list_contains(?, year)", [years]
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS _c_cand")
        con.execute("DROP TABLE IF EXISTS _c_new_calendar")
    return dict(
        con.execute(
            "SELECT status, count(*) FROM compliance_calendar WHERE list_contains(?, year) GROUP BY ALL ORDER BY 1",
            [years],
        ).fetchall()
    )


_REGION_AGG_SQL = """
INSERT INTO agg_compliance_region_year
SELECT year, province, level,
       count(*) FILTER (WHERE expected) AS expected,
       count(report_id) FILTER (WHERE expected) AS reported,
       count(*) FILTER (WHERE expected AND is_late = FALSE) AS on_time,
       count(*) FILTER (WHERE expected AND is_late) AS late,
       count(*) FILTER (WHERE expected AND report_id IS NOT NULL AND is_late IS NULL) AS undated,
       count(*) FILTER (WHERE status = 'missing') AS missing,
       count(*) FILTER (WHERE status = 'not_due') AS not_due,
       count(*) FILTER (WHERE expected AND format_mismatch) AS format_mismatch,
       count(report_id) FILTER (WHERE expected) / nullif(count(*) FILTER (WHERE expected AND status <> 'not_due'), 0)
           AS coverage,
       count(*) FILTER (WHERE expected AND is_late = FALSE)
           / nullif(count(*) FILTER (WHERE expected AND is_late IS NOT NULL), 0) AS on_time_rate,
       avg(days_late) FILTER (WHERE is_late) AS mean_days_late,
       max(days_late) FILTER (WHERE is_late) AS max_days_late
FROM compliance_calendar WHERE list_contains(?, year)
GROUP BY year, province, level
"""

_FORMAT_AGG_SQL = """
INSERT INTO agg_format_adoption
SELECT year, level, format_version, any_value(expected_version), count(*) AS reports,
       count(*) / sum(count(*)) OVER (PARTITION BY year, level) AS share
FROM dim_report WHERE is_current AND list_contains(?, year)
GROUP BY year, level, format_version
"""


def build_compliance_aggregates(con: duckdb.DuckDBPyConnection, years: Sequence[int]) -> None:
    """Replace the ``years`` slice of ``agg_compliance_region_year`` and ``agg_format_adoption``."""
    apply_schema(con)
    years = sorted(int(y) for y in years)
    con.execute("BEGIN")
    try:
        for table, sql in (("agg_compliance_region_year", _REGION_AGG_SQL), ("agg_format_adoption", _FORMAT_AGG_SQL)):
            con.execute(f"DELETE FROM {table} WHERE list_contains(?, year)", [years])  # constant identifiers
            con.execute(sql, [years])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


__all__ = ["apply_schema", "build_calendar", "build_compliance_aggregates", "build_registry_tables", "registry_frame"]
