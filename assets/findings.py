"""Checks layer: the findings table — every rule of the catalogue evaluated on the run's years."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from assets.metadata import table_metadata
from pipelines.partitions import WAREHOUSE_POOL, report_year_partitions, single_run
from pipelines.resources import WarehouseResource
from xxgk.rules.evaluate import run_rules
from xxgk.rules.store import write_run


@asset(
    group_name="checks",
    partitions_def=report_year_partitions,
    backfill_policy=single_run,
    pool=WAREHOUSE_POOL,
    deps=["report_cells", "report_text", "dim_report"],
)
def check_findings(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    """One row per (report, rule, cell set) that fails or cannot be checked (status 'fail' or
    'incomplete'), with a stable finding_id fingerprint, severity, cells, expected, actual and message.
    Analysts' review decisions (table finding_reviews) are kept across re-runs.
    """
    years = sorted(int(k) for k in context.partition_keys)
    with warehouse.connect() as con:
        write_run(con, run_rules(con, years), years)
        counts = dict(
            con.execute(
                "SELECT severity || '/' || status, count(*) FROM check_findings "
                "WHERE list_contains(?, year) GROUP BY ALL ORDER BY ALL",
                [years],
            ).fetchall()
        )
        meta = table_metadata(
            con,
            "check_findings",
            "report_id IN (SELECT report_id FROM dim_report WHERE year IN (SELECT unnest(?::INTEGER[])))",
            [years],
        )
    meta["by_severity"] = MetadataValue.json(counts)
    return MaterializeResult(metadata=meta)
