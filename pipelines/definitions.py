"""The Dagster code location of xxgk: ``dagster dev -m pipelines.definitions``."""

from __future__ import annotations

from dagster import Definitions

from assets.checks import build_rule_asset_checks
from assets.compliance import compliance_calendar
from assets.findings import check_findings
from assets.ingest import ingest_inbox
from assets.ingest_checks import ingest_accounting
from assets.published import aggregates, published_warehouse
from assets.warehouse import star_schema
from pipelines.executors import local_parallel_executor, start_forkserver_early
from pipelines.jobs import annual_reports_job
from pipelines.partitions import report_year_partitions
from pipelines.resources import WarehouseResource
from pipelines.schedules import SCHEDULES
from pipelines.sensors import inbox_sensor

start_forkserver_early()  # only in a process executing a run: the step processes' imports overlap run creation

defs = Definitions(
    assets=[
        ingest_inbox,
        star_schema,
        check_findings,
        aggregates,
        compliance_calendar,
        published_warehouse,
    ],
    asset_checks=[*build_rule_asset_checks(partitions_def=report_year_partitions), ingest_accounting],
    jobs=[annual_reports_job],
    executor=local_parallel_executor,
    schedules=SCHEDULES,
    sensors=[inbox_sensor],
    resources={"warehouse": WarehouseResource()},
)
