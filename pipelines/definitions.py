"""The Dagster code location of xxgk: ``dagster dev -m pipelines.definitions``."""

from __future__ import annotations

from dagster import Definitions

from assets.findings import check_findings
from assets.ingest import ingest_inbox
from assets.published import aggregates, published_warehouse
from assets.warehouse import star_schema
from pipelines.jobs import annual_reports_job
from pipelines.resources import WarehouseResource
from pipelines.schedules import SCHEDULES
from pipelines.sensors import inbox_sensor

defs = Definitions(
    assets=[ingest_inbox, star_schema, check_findings, aggregates, published_warehouse],
    jobs=[annual_reports_job],
    schedules=SCHEDULES,
    sensors=[inbox_sensor],
    resources={"warehouse": WarehouseResource()},
)
