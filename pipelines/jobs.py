"""Jobs an analyst launches: the whole pipeline for one year, a range of years, or one inbox folder.

Run config (Launchpad): ``resources: {warehouse: {config: {inbox: /path/to/folder}}}`` ingests a
single folder instead of XXGK_INBOX.
"""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

from pipelines.executors import local_parallel_executor
from pipelines.partitions import report_year_partitions

annual_reports_job = define_asset_job(
    name="annual_reports_job",
    selection=AssetSelection.all(),
    partitions_def=report_year_partitions,
    executor_def=local_parallel_executor,
    description="Ingest the inbox, rebuild the star schema, run every check and publish, for the "
    "selected report year(s). Launch a range of years as one backfill; to ingest a single folder, set "
    "resources.warehouse.config.inbox in the Launchpad.",
)
