"""Warehouse layer: the star schema (dimensions, one-cell-grain facts, the report_cells view)."""

from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, multi_asset

from assets.compliance import REGISTRY_SPECS, registry_results
from assets.metadata import table_metadata
from pipelines.partitions import FIRST_REPORT_YEAR, WAREHOUSE_POOL, report_year_partitions, single_run
from pipelines.resources import WarehouseResource
from xxgk.warehouse import build_state
from xxgk.warehouse.star import build_star, build_static_dimensions, star_fingerprints

_STAGING = ["source_file", "stg_report", "stg_cell"]

STAR_SPECS = [
    AssetSpec(
        "dim_year",
        group_name="warehouse",
        deps=_STAGING,
        description="One row per report year from 2019: expected template version and the "
        "statutory deadlines (1月31日 departments, 3月31日 governments).",
    ),
    AssetSpec(
        "dim_category",
        group_name="warehouse",
        deps=_STAGING,
        description="One row per template row of each format (T2 blocks and items, T3 rows 1 … 4, "
        "T4 blocks AR/AL_D/AL_R): labels, parent, kind, leaf/total flags.",
    ),
    AssetSpec(
        "dim_applicant_type",
        group_name="warehouse",
        deps=_STAGING,
        description="One row per T3 applicant column: NP, LP_COM, LP_RES, LP_NGO, LP_LAW, LP_OTH, "
        "TOTAL (and LP_SUB, a subtotal some reports add).",
    ),
    AssetSpec(
        "dim_report",
        group_name="warehouse",
        deps=_STAGING,
        description="One row per ingested report (distinct content; report_id = first 16 hex of "
        "sha256): source files, agency, region, year, format version, parse status, parser "
        "version, and is_current (one report chosen per agency-year).",
    ),
    AssetSpec(
        "dim_agency",
        group_name="warehouse",
        deps=["dim_report"],
        description="One row per agency (names folded: 科学技术局 = 科技局): province, city, county, "
        "level, kind, sector. agency_key 0 = unknown agency.",
    ),
    AssetSpec(
        "fact_application",
        group_name="warehouse",
        deps=["dim_report", "stg_cell"],
        description="T3 收到和处理申请: one row per (report, T3 row, applicant column), the value as "
        "printed (NULL when blank or a marker) with its raw text.",
    ),
    AssetSpec(
        "fact_proactive_disclosure",
        group_name="warehouse",
        deps=["dim_report", "stg_cell"],
        description="T2 主动公开: one row per (report, T2 item row, column), value, unit, raw text.",
    ),
    AssetSpec(
        "fact_review_litigation",
        group_name="warehouse",
        deps=["dim_report", "stg_cell"],
        description="T4 行政复议/行政诉讼: one row per (report, block, column) — 15 per report.",
    ),
    AssetSpec(
        "report_text",
        group_name="warehouse",
        deps=["dim_report"],
        description="One row per (report, section S1…S6 or ALL) of narrative text.",
    ),
    AssetSpec(
        "report_cells",
        group_name="warehouse",
        deps=["fact_application", "fact_proactive_disclosure", "fact_review_litigation"],
        description="Public flat view, one row per parsed cell of one report: report_id, source_file, "
        "agency, region, year, format_version, table_code, row_code, col_code, value, raw_text, "
        "is_blank.",
    ),
]


@multi_asset(
    specs=[*STAR_SPECS, *REGISTRY_SPECS],
    partitions_def=report_year_partitions,
    backfill_policy=single_run,
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def star_schema(context: AssetExecutionContext, warehouse: WarehouseResource) -> Iterator[MaterializeResult]:
    """Rebuild the star schema slice of the run's report years (delete, then insert: safe to re-run), then
    the agency registry tables built on it (``assets.compliance.registry_results``)."""
    years = sorted(int(k) for k in context.partition_keys)
    last = int(report_year_partitions.get_last_partition_key() or years[-1])
    year_range = (FIRST_REPORT_YEAR, max(last, *years))
    with warehouse.connect() as con:
        fingerprints = star_fingerprints(con, years, year_range)
        skipped = build_state.unchanged(con, "star", fingerprints)
        if skipped:
            context.log.info(f"years {years}: staging unchanged since the last build; nothing to do")
        else:
            build_static_dimensions(con, last_year=year_range[1])
            counts = build_star(con, years, year_range=year_range)
            build_state.record(con, "star", fingerprints)
            context.log.info(f"years {years}: {counts}")
        for spec in STAR_SPECS:
            name = spec.key.to_user_string()
            has_year = name not in (
                "dim_year",
                "dim_category",
                "dim_applicant_type",
                "dim_agency",
                "report_text",
            )
            where = "year IN (SELECT unnest(?::INTEGER[]))" if has_year else ""
            yield MaterializeResult(
                asset_key=spec.key,
                metadata={
                    **table_metadata(con, name, where, [years] if has_year else None),
                    "years": ", ".join(map(str, years)),
                    "unchanged": skipped,
                },
            )
        yield from registry_results(context, con, warehouse.settings.inbox)
