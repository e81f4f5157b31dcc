"""Compliance layer: the agency registry, the compliance calendar and its findings, coverage tables.

Did every agency publish, on time, on the year's template, for the right scope? See
``xxgk.compliance`` for the rules (deadlines as data in ``xxgk/compliance/deadlines.yaml``).
"""

from collections.abc import Iterator
from datetime import date

import duckdb
from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, MetadataValue, multi_asset

from assets.metadata import table_metadata
from pipelines.partitions import WAREHOUSE_POOL, report_year_partitions, single_run
from pipelines.resources import WarehouseResource
from xxgk.compliance.calendar import build_calendar, build_compliance_aggregates, build_registry_tables
from xxgk.compliance.findings import write_compliance_findings
from xxgk.compliance.registry import registry_path
from xxgk.compliance.resolve import warehouse_registry
from xxgk.warehouse import build_state

REGISTRY_SPECS = [
    AssetSpec(
        "dim_agency_registry",
        group_name="warehouse",
        deps=["dim_agency", "dim_report"],
        description="One row per expected agency × validity period: the periods of the registry CSV "
        "($XXGK_REGISTRY or registry.csv in the inbox root; 机构改革 renames and mergers as periods of one "
        "agency) and agencies only seen in reports (source 'observed'). agency_key as dim_agency's.",
    ),
    AssetSpec(
        "agency_alias",
        group_name="warehouse",
        deps=["dim_agency", "dim_report"],
        description="One row per (alias, agency_key): every name an agency is known by (registry names "
        "and aliases, names printed in reports) with its normalized form and canonical name.",
    ),
]

COMPLIANCE_AGG_SPECS = [
    AssetSpec(
        "agg_compliance_region_year",
        group_name="published",
        deps=["compliance_calendar"],
        description="One row per (report year, province, level): expected agencies, reported, on time, "
        "late, undated, missing, not yet due, format mismatches, coverage and on-time rates, days late.",
    ),
    AssetSpec(
        "agg_format_adoption",
        group_name="published",
        deps=["dim_report"],
        description="One row per (report year, level, printed template version): current reports and "
        "their share of the year-level — the adoption of the 2021 format over time.",
    ),
]

_YEAR_SLICE = "year IN (SELECT unnest(?::INTEGER[]))"


def _years(context: AssetExecutionContext) -> list[int]:
    return sorted(int(k) for k in context.partition_keys)


def registry_fingerprint(con: duckdb.DuckDBPyConnection, inbox: object) -> str:
    """What the registry tables are built from: the registry file, the agencies (``dim_agency``), the agency
    names printed in reports, the code — not every fact of the star schema, so a re-run whose changed
    reports name no new agency keeps the tables without rebuilding them."""
    names = "0:0"
    if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'dim_report'").fetchone()[0]:
        n, h = con.execute(
            "SELECT count(*), coalesce(sum(hash(agency)), 0) FROM (SELECT DISTINCT agency FROM dim_report)"
        ).fetchone()
        names = f"{n}:{h}"
    code = build_state.code_digest("compliance", "agencies")
    return build_state.combine(
        build_state.file_digest(registry_path(inbox)), build_state.table_digest(con, "dim_agency"), names, code
    )


def calendar_fingerprints(con: duckdb.DuckDBPyConnection, years: list[int], inbox: object) -> dict[int, str]:
    """Per year: the registry, the star schema (every year: expected agencies span years), the year's
    rule findings (the engine replaces the year's check_findings, compliance findings included), the
    deadlines code and data, and today's date (a report not yet due becomes missing)."""
    findings = build_state.recorded(con, "findings", years)
    star = sorted(build_state.recorded_all(con, "star").items())
    common = build_state.combine(registry_fingerprint(con, inbox), star, date.today().isoformat())
    return {y: build_state.combine(common, findings.get(y)) for y in years}


def registry_results(
    context: AssetExecutionContext, con: duckdb.DuckDBPyConnection, inbox: object
) -> Iterator[MaterializeResult]:
    """Rebuild the registry dimension and the alias table (whole tables: they span every year), unless
    their inputs are unchanged; one result per table. Run by the ``star_schema`` step, right after the
    star schema they read."""
    reg = warehouse_registry(con, inbox)
    state = registry_fingerprint(con, inbox)
    skipped = build_state.unchanged(con, "registry", {0: state})
    if skipped:
        counts: dict = {"unchanged": True}
    else:
        counts = build_registry_tables(con, reg)
        build_state.record(con, "registry", {0: state})
    for p in reg.problems:
        context.log.warning(f"registry {reg.path} line {p.line}: {p.code}: {p.message}")
    problems = [{"line": p.line, "code": p.code, "message": p.message} for p in reg.problems[:20]]
    for spec in REGISTRY_SPECS:
        name = spec.key.to_user_string()
        yield MaterializeResult(
            asset_key=spec.key,
            metadata={
                **table_metadata(con, name),
                "registry": MetadataValue.text(reg.path or "(none)"),
                "registry_problems": MetadataValue.json(problems),
                "counts": MetadataValue.json(counts),
            },
        )


CALENDAR_SPEC = AssetSpec(
    "compliance_calendar",
    group_name="checks",
    deps=["dim_agency_registry", "agency_alias", "dim_report", "dim_year", "fact_application",
          "fact_review_litigation", "check_findings"],
    description="One row per agency × report year expected (registry period, or seen in another year of a "
    "collected province) or reported: deadline (by kind, local overrides as data), publication date and its "
    "source, status published / late / format_mismatch / missing / not_due, days late.",
)  # fmt: skip


@multi_asset(
    specs=[CALENDAR_SPEC, *COMPLIANCE_AGG_SPECS],
    partitions_def=report_year_partitions,
    backfill_policy=single_run,
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def compliance_calendar(context: AssetExecutionContext, warehouse: WarehouseResource) -> Iterator[MaterializeResult]:
    """The compliance calendar of the run's years, its findings and the coverage tables built on it (one
    step: the aggregates read only the calendar and dim_report).

    Also writes the findings C-MISSING, C-LATE, C-FORMAT and W-AGGREGATE-SUM into check_findings
    (after the rules engine, which replaces whole years of that table).
    """
    years = _years(context)
    with warehouse.connect() as con:
        fingerprints = calendar_fingerprints(con, years, warehouse.settings.inbox)
        skipped = build_state.unchanged(con, "calendar", fingerprints)
        if skipped:
            statuses: dict = {"unchanged": True}
            findings: dict = {"unchanged": True}
        else:
            statuses = build_calendar(con, years)
            findings = write_compliance_findings(con, years)
            build_state.record(con, "calendar", fingerprints)
        meta = table_metadata(con, "compliance_calendar", _YEAR_SLICE, [years])
        context.log.info(f"years {years}: {statuses}; findings {findings}")
        meta["by_status"] = MetadataValue.json(statuses)
        meta["findings_by_rule"] = MetadataValue.json(findings)
        meta["unchanged"] = skipped
        yield MaterializeResult(asset_key=CALENDAR_SPEC.key, metadata=meta)

        calendar = build_state.recorded(con, "calendar", years)
        code = build_state.code_digest("compliance/calendar.py")
        agg_fingerprints = {y: build_state.combine(calendar.get(y), code) for y in years}
        agg_skipped = len(calendar) == len(years) and build_state.unchanged(
            con, "compliance_aggregates", agg_fingerprints
        )
        if not agg_skipped:
            build_compliance_aggregates(con, years)
            build_state.record(con, "compliance_aggregates", agg_fingerprints)
        for spec in COMPLIANCE_AGG_SPECS:
            name = spec.key.to_user_string()
            agg_meta = {**table_metadata(con, name, _YEAR_SLICE, [years]), "unchanged": agg_skipped}
            yield MaterializeResult(asset_key=spec.key, metadata=agg_meta)
