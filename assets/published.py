"""Published layer: aggregate tables, Parquet exports, the HTML report, the swapped warehouse file."""

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, MetadataValue, asset, multi_asset
from duckdb import DuckDBPyConnection

from assets.metadata import table_metadata
from pipelines.partitions import WAREHOUSE_POOL, report_year_partitions, single_run
from pipelines.resources import WarehouseResource
from xxgk.report.html import write_report
from xxgk.settings import Settings
from xxgk.warehouse import build_state
from xxgk.warehouse.aggregates import build_aggregates
from xxgk.warehouse.db import memory_limit_mb
from xxgk.warehouse.publish import (
    checkpoint,
    content_fingerprint,
    discard_staged,
    export_staged,
    partition_digests,
    stage_database,
    swap_database,
    sync_staged,
)

_FACTS = ["dim_report", "dim_agency", "fact_application", "fact_review_litigation"]

AGGREGATE_SPECS = [
    AssetSpec(
        "agg_t3_national",
        group_name="published",
        deps=_FACTS,
        description="One row per (year, T3 row, applicant column) over current reports: the "
        "national totals (value_sum), reports counted and cells printed.",
    ),
    AssetSpec(
        "agg_agency_year",
        group_name="published",
        deps=_FACTS,
        description="One row per agency-year (its current report): received, carried in, concluded, "
        "carried forward, disclosed, partly disclosed, refused, unable, not processed, other, reviews, "
        "lawsuits. A blank 总计 is derived from the printed applicant columns (totals_derived).",
    ),
    AssetSpec(
        "agg_region_year",
        group_name="published",
        deps=["agg_agency_year"],
        description="One row per (year, province): sums and disclosure/refusal/correction rates.",
    ),
    AssetSpec(
        "agg_sector_year",
        group_name="published",
        deps=["agg_agency_year"],
        description="One row per (year, sector): sums and disclosure/refusal/correction rates.",
    ),
]


@multi_asset(
    specs=AGGREGATE_SPECS,
    partitions_def=report_year_partitions,
    backfill_policy=single_run,
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def aggregates(context: AssetExecutionContext, warehouse: WarehouseResource) -> Iterator[MaterializeResult]:
    """Replace the aggregate rows of the run's years."""
    years = sorted(int(k) for k in context.partition_keys)
    with warehouse.connect() as con:
        star = build_state.recorded(con, "star", years)
        code = build_state.code_digest("warehouse/aggregates.py")
        fingerprints = {y: build_state.combine(star.get(y), code) for y in years}
        skipped = len(star) == len(years) and build_state.unchanged(con, "aggregates", fingerprints)
        if not skipped:
            build_aggregates(con, years)
            build_state.record(con, "aggregates", fingerprints)
        for spec in AGGREGATE_SPECS:
            name = spec.key.to_user_string()
            yield MaterializeResult(
                asset_key=spec.key,
                metadata={
                    **table_metadata(con, name, "year IN (SELECT unnest(?::INTEGER[]))", [years]),
                    "unchanged": skipped,
                },
            )


def _build_inputs(con: DuckDBPyConnection) -> str:
    """The recorded build states of every step but publication's: a cheap sign of changed content."""
    build_state.ensure(con)
    rows = con.execute(
        "SELECT step, year, fingerprint FROM build_state WHERE step NOT LIKE 'published%' ORDER BY step, year"
    ).fetchall()
    return build_state.combine(*rows)


def _start_copy(con: DuckDBPyConnection, pool: ThreadPoolExecutor, settings: Settings) -> Future[Path]:
    """Checkpoint the working file and start copying it next to the published one (not yet synced)."""
    checkpoint(con)
    return pool.submit(stage_database, settings.work_db, settings.duckdb_path, sync=False)


def _discard_copy(copy: Future[Path] | None) -> None:
    """Wait for a copy that will not be published and remove it."""
    if copy is not None:
        try:
            staged = copy.result()
        except Exception:
            return  # stage_database removed its partial copy
        discard_staged(staged)


@asset(
    group_name="published",
    partitions_def=report_year_partitions,
    backfill_policy=single_run,
    pool=WAREHOUSE_POOL,
    deps=[
        *(s.key for s in AGGREGATE_SPECS),
        "report_cells",
        "ingest_errors",
        "check_findings",
        "dim_agency_registry",
        "agency_alias",
        "compliance_calendar",
        "agg_compliance_region_year",
        "agg_format_adoption",
    ],
)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    """The files people read: the warehouse (XXGK_DUCKDB_PATH) swapped in atomically, Parquet exports
    of the star schema and aggregates (partitioned by year; ``views.sql`` defines them and
    ``report_cells`` as views over the files) and the static HTML report.

    Until this step succeeds, readers keep seeing the previous published state in full.
    """
    settings = warehouse.settings
    report_path = settings.published_dir / "report.html"
    with warehouse.connect() as con, ThreadPoolExecutor(max_workers=2) as pool:
        # The copy of the working file (~1 s at 100k) starts before the content digests when the build
        # states say the inputs changed since the last publish (then the content almost surely did):
        # both run at once. The decision stays with the content; a copy not needed is discarded.
        inputs = _build_inputs(con)
        inputs_changed = not build_state.unchanged(con, "published_inputs", {0: inputs})
        copy = _start_copy(con, pool, settings) if inputs_changed else None
        try:
            digests = partition_digests(con)  # one scan of the tables: the fingerprint and the export use it
            state = content_fingerprint(con, digests)
            skipped = (
                settings.duckdb_path.exists()
                and report_path.exists()
                and build_state.unchanged(con, "published", {0: state})
            )
        except BaseException:
            _discard_copy(copy)
            raise
        if skipped:
            _discard_copy(copy)
            counts = {}
            context.log.info("warehouse content unchanged since the last publish; published files kept")
        else:
            # Checkpointed first, so the copy of the working file taken in the background is complete;
            # nothing writes to the file until the copy is done. The Parquet export then reads the
            # staged copy (what readers will see) on every core while the copy is flushed to disk, and
            # the HTML report (Python) is written from the working file. The state is recorded only
            # once everything is in place (a run killed half-way publishes again next time).
            started = copy or _start_copy(con, pool, settings)
            staged = None
            parquet_dir = settings.published_dir / "parquet"
            try:
                exported = pool.submit(
                    lambda: export_staged(started.result(), parquet_dir, digests, memory_limit_mb())
                )
                synced = pool.submit(lambda: sync_staged(started.result()))  # after the copy
                try:
                    write_report(con, report_path)
                    counts = exported.result()
                    synced.result()
                finally:
                    staged = started.result()
                size = swap_database(staged, settings.duckdb_path)
            finally:
                discard_staged(staged)
            build_state.record(con, "published", {0: state})
            context.log.info(f"published {settings.duckdb_path} ({size} bytes)")
        if inputs_changed:
            build_state.record(con, "published_inputs", {0: inputs})
    size = settings.duckdb_path.stat().st_size
    return MaterializeResult(
        metadata={
            "warehouse": MetadataValue.path(str(settings.duckdb_path)),
            "warehouse_bytes": size,
            "parquet_dir": MetadataValue.path(str(settings.published_dir / "parquet")),
            "report": MetadataValue.path(str(report_path)),
            "tables": MetadataValue.json(counts),
            "unchanged": skipped,
        }
    )
