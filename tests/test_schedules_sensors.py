"""The yearly schedules and the inbox sensor: which runs they request, and that nothing runs twice."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dagster import (
    DagsterInstance,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
)
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from pipelines.definitions import defs
from pipelines.partitions import report_year_partitions
from pipelines.resources import WarehouseResource
from pipelines.schedules import after_department_deadline, after_government_deadline
from pipelines.sensors import inbox_sensor, year_from_head, year_from_name
from tests.pipeline_helpers import add_seed

BEIJING = ZoneInfo("Asia/Shanghai")
LATEST = report_year_partitions.get_last_partition_key()


def test_schedules_and_sensor_are_registered_on_the_job() -> None:
    for name in ("after_department_deadline", "after_government_deadline"):
        assert defs.resolve_schedule_def(name).job_name == "annual_reports_job"
    assert defs.resolve_sensor_def("inbox_sensor").job_name == "annual_reports_job"
    assert after_government_deadline.cron_schedule == "0 6 1 4 *"
    assert after_department_deadline.cron_schedule == "0 6 1 2 *"
    assert after_government_deadline.execution_timezone == "Asia/Shanghai"
    if os.environ.get("XXGK_AUTOMATION") is None:  # on by default: the yearly ingestion runs by itself
        assert after_government_deadline.default_status == DefaultScheduleStatus.RUNNING
        assert inbox_sensor.default_status == DefaultSensorStatus.RUNNING


def test_schedule_after_the_deadlines_requests_the_previous_year() -> None:
    ctx = _schedule_context(datetime(2026, 4, 1, 6, tzinfo=BEIJING))
    req = after_government_deadline.evaluate_tick(ctx).run_requests
    assert len(req) == 1 and req[0].partition_key == "2025" and req[0].run_key == "mar31-2025"
    ctx = _schedule_context(datetime(2024, 2, 1, 6, tzinfo=BEIJING))
    req = after_department_deadline.evaluate_tick(ctx).run_requests
    assert req[0].partition_key == "2023" and req[0].tags["xxgk/trigger"] == "schedule:jan31"


def test_schedule_before_the_first_report_year_skips() -> None:
    ctx = _schedule_context(datetime(2019, 4, 1, 6, tzinfo=BEIJING))
    data = after_government_deadline.evaluate_tick(ctx)
    assert not data.run_requests and "before 2019" in (data.skip_message or "")


def test_year_guesses_from_name_and_title(tmp_path: Path) -> None:
    assert year_from_name("2023/report.html") == 2023
    assert year_from_name("xx_2021_年报.pdf") == 2021
    assert year_from_name("000_7f3569336a1c441f.txt") is None
    assert year_from_name("a2022b.html") is None  # inside a hex name, not a year
    gbk = tmp_path / "r.html"
    gbk.write_bytes("<title>某县财政局2022年度政府信息公开工作年度报告</title>".encode("gbk"))
    assert year_from_head(gbk) == 2022
    assert year_from_head(tmp_path / "missing.txt") is None


def _schedule_context(when: datetime) -> ScheduleEvaluationContext:
    return build_schedule_context(scheduled_execution_time=when, repository_def=defs.get_repository_def())


def _tick(instance: DagsterInstance, inbox: Path, cursor: str | None) -> tuple[list[RunRequest], str | None]:
    ctx = build_sensor_context(
        instance=instance, cursor=cursor, resources={"warehouse": WarehouseResource(inbox=str(inbox))}
    )
    result = inbox_sensor(ctx)
    if isinstance(result, SkipReason):
        return [], cursor
    return list(result.run_requests or []), result.cursor


def test_sensor_requests_each_affected_year_once(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    add_seed(inbox)  # the manifest says 2019
    instance = DagsterInstance.ephemeral()

    requests, cursor = _tick(instance, inbox, None)
    assert [r.partition_key for r in requests] == ["2019"]
    first_key = requests[0].run_key
    assert "seed/000_7f3569336a1c441f.txt" in json.loads(cursor or "{}")

    # nothing changed: no run, cursor kept
    again, cursor2 = _tick(instance, inbox, cursor)
    assert again == [] and json.loads(cursor2 or "{}") == json.loads(cursor or "{}")

    # a new report titled 2021, and one whose year cannot be guessed (→ the latest year)
    (inbox / "new").mkdir()
    (inbox / "new" / "a.html").write_text("<h1>某市教育局2021年政府信息公开工作年度报告</h1>", encoding="utf-8")
    (inbox / "new" / "b.pdf").write_bytes(b"%PDF-1.4 binary")
    requests, cursor3 = _tick(instance, inbox, cursor2)
    assert len(requests) == 1 and requests[0].partition_key is None  # one run over the range
    assert requests[0].tags[ASSET_PARTITION_RANGE_START_TAG] == "2021"
    assert requests[0].tags[ASSET_PARTITION_RANGE_END_TAG] == LATEST

    # the seed changes (size and mtime): only 2019 again, with a new run key
    seed = inbox / "seed" / "000_7f3569336a1c441f.txt"
    seed.write_bytes(seed.read_bytes() + b"\n")
    os.utime(seed, (1_700_000_000, 1_700_000_000))
    requests, cursor4 = _tick(instance, inbox, cursor3)
    assert [r.partition_key for r in requests] == ["2019"]
    assert requests[0].run_key != first_key

    # a file removed: its year from the cursor
    (inbox / "new" / "a.html").unlink()
    requests, _ = _tick(instance, inbox, cursor4)
    assert [r.partition_key for r in requests] == ["2021"]


def test_sensor_skips_when_inbox_is_missing(tmp_path: Path) -> None:
    requests, cursor = _tick(DagsterInstance.ephemeral(), tmp_path / "nope", None)
    assert requests == [] and cursor is None
