"""Ingest layer: the inbox scanned, hashed and parsed into the staging tables (the parse cache)."""

from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, MetadataValue, multi_asset

from assets.metadata import table_metadata
from pipelines.partitions import WAREHOUSE_POOL, report_year_partitions, single_run
from pipelines.resources import WarehouseResource
from xxgk.warehouse.staging import stage_inbox

INGEST_SPECS = [
    AssetSpec(
        "source_file",
        group_name="ingest",
        description="One row per (inbox path, content sha256) seen. A renamed or copied file adds a path, "
        "never a report. `present` says whether the path is in the inbox now.",
    ),
    AssetSpec(
        "stg_report",
        group_name="ingest",
        description="The parse cache: one row per distinct file content parsed by the current parser "
        "version (metadata, template version, parse status). Unchanged content is never parsed again.",
    ),
    AssetSpec(
        "stg_cell",
        group_name="ingest",
        description="One row per (content sha256, table, row, column): every cell as printed — raw text, "
        "value (NULL when blank or a marker such as '/'), blank flag, confidence, alternative readings.",
    ),
    AssetSpec(
        "ingest_errors",
        group_name="ingest",
        description="One row per located problem met while reading the inbox: file, stage, reason, "
        "where. Broken, hostile or non-report files end here; the run goes on.",
    ),
]


@multi_asset(
    specs=INGEST_SPECS,
    partitions_def=report_year_partitions,
    backfill_policy=single_run,
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def ingest_inbox(context: AssetExecutionContext, warehouse: WarehouseResource) -> Iterator[MaterializeResult]:
    """Scan the inbox (XXGK_INBOX), hash every file, parse content not parsed before.

    The inbox is read whole whatever the partition: a file's report year is known only once it is
    parsed. Downstream assets load only the partition's years.
    """
    settings = warehouse.settings
    with warehouse.connect() as con:
        summary = stage_inbox(con, settings)
        context.log.info(f"inbox {settings.inbox}: {summary}")
        for spec in INGEST_SPECS:
            meta = table_metadata(con, spec.key.to_user_string())
            meta.update(
                {
                    "inbox": MetadataValue.path(str(settings.inbox)),
                    "files_seen": summary.files_seen,
                    "files_parsed": summary.files_parsed,
                    "files_unchanged": summary.files_unchanged,
                    "files_rejected": summary.files_rejected,
                }
            )
            yield MaterializeResult(asset_key=spec.key, metadata=meta)
