"""The Dagster code location of xxgk: ``dagster dev -m pipelines.definitions``."""

from __future__ import annotations

from dagster import Definitions

from pipelines.forkserver import start_forkserver_early

# Before the code location's own imports (assets, parser, pandas, DuckDB: ~1 s): in a process executing a
# run, the step processes' forkserver then boots while this one still imports them and creates the run.
start_forkserver_early()

from assets.checks import build_rule_asset_checks  # noqa: E402 (imports after the forkserver start)
from assets.compliance import compliance_calendar  # noqa: E402
from assets.findings import check_findings  # noqa: E402
from assets.ingest import ingest_inbox  # noqa: E402
from assets.ingest_checks import ingest_accounting  # noqa: E402
from assets.published import aggregates, published_warehouse  # noqa: E402
from assets.warehouse import star_schema  # noqa: E402
from pipelines.executors import local_parallel_executor  # noqa: E402
from pipelines.jobs import annual_reports_job  # noqa: E402
from pipelines.partitions import report_year_partitions  # noqa: E402
from pipelines.resources import WarehouseResource  # noqa: E402
from pipelines.schedules import SCHEDULES  # noqa: E402
from pipelines.sensors import inbox_sensor  # noqa: E402

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
