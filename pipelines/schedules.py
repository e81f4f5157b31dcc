"""Yearly schedules: ingest the previous report year once its statutory deadlines have passed.

Art. 49 of the 条例: departments publish by 1月31日, people's governments by 3月31日. Two ticks a year
(Beijing time), each a run of ``annual_reports_job`` for the previous year's partition:

- 1 February 06:00 — the departments' reports (governments' may still be missing);
- 1 April 06:00 — everything; this run supersedes the February one.

Both are on by default (``dagster dev`` or ``dagster-daemon`` runs them). Late reports are picked up
by the inbox sensor (``pipelines.sensors``) whenever they land. ``XXGK_AUTOMATION=off`` starts the
schedules and the sensor stopped (turn them on in the UI under *Automation*).
"""

from __future__ import annotations

import os

from dagster import (
    DefaultScheduleStatus,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)

from pipelines.jobs import annual_reports_job
from pipelines.partitions import FIRST_REPORT_YEAR

TIMEZONE = "Asia/Shanghai"


def automation_on() -> bool:
    """Whether schedules and sensors start running (``XXGK_AUTOMATION`` not off/0/false)."""
    return os.environ.get("XXGK_AUTOMATION", "on").strip().lower() not in ("off", "0", "false", "no")


SCHEDULE_STATUS = DefaultScheduleStatus.RUNNING if automation_on() else DefaultScheduleStatus.STOPPED


def previous_year_request(context: ScheduleEvaluationContext, deadline: str) -> RunRequest | SkipReason:
    """A run for the report year before the tick's calendar year (one run key per tick)."""
    when = context.scheduled_execution_time
    year = when.year - 1
    if year < FIRST_REPORT_YEAR:
        return SkipReason(f"report year {year} is before {FIRST_REPORT_YEAR}: nothing to ingest")
    return RunRequest(
        run_key=f"{deadline}-{year}",
        partition_key=str(year),
        tags={"xxgk/trigger": f"schedule:{deadline}", "xxgk/report_year": str(year)},
    )


@schedule(
    name="after_department_deadline",
    job=annual_reports_job,
    cron_schedule="0 6 1 2 *",
    execution_timezone=TIMEZONE,
    default_status=SCHEDULE_STATUS,
    description="1 February 06:00 (Beijing): ingest and publish the previous report year once the "
    "departments' deadline (1月31日) has passed. Governments' reports may still be missing.",
)
def after_department_deadline(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
    """The previous year's partition, after 1月31日."""
    return previous_year_request(context, "jan31")


@schedule(
    name="after_government_deadline",
    job=annual_reports_job,
    cron_schedule="0 6 1 4 *",
    execution_timezone=TIMEZONE,
    default_status=SCHEDULE_STATUS,
    description="1 April 06:00 (Beijing): ingest and publish the previous report year once every "
    "statutory deadline (3月31日 for people's governments) has passed.",
)
def after_government_deadline(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
    """The previous year's partition, after 3月31日."""
    return previous_year_request(context, "mar31")


SCHEDULES: list[ScheduleDefinition] = [after_department_deadline, after_government_deadline]
