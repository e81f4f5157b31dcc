"""The inbox sensor: a run of ``annual_reports_job`` over the report years whose files appeared,
changed or disappeared since the last tick (one partition, or one run over a range of years).

Cheap by design: a tick walks the inbox (``xxgk.inbox.scan_inbox``: names, sizes, mtimes, manifests)
and reads at most the first 8 KB of a new or changed file. Nothing is parsed here; a file's report
year is guessed, in this order:

1. the ``year`` of its line in a ``manifest.csv``;
2. a year 2019… in the file name (``2023/report.html``, ``xx_2023_年报.pdf``);
3. ``20XX年…政府信息公开`` in the first 8 KB (the title of an HTML or text report);
4. otherwise the latest report year (PDF and DOCX files without a manifest year end here).

A guess that is wrong costs little: every run ingests the whole inbox (parse cache by content hash),
and the file's own year is rebuilt by the run that covers it.

The cursor is JSON ``{path: [size, mtime, year]}`` of the last tick, so a file is requested once:
an unchanged file never triggers again, and each run key names the year and the changes
(a repeated tick with the same changes is deduplicated by Dagster).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from pipelines.jobs import annual_reports_job
from pipelines.partitions import FIRST_REPORT_YEAR, report_year_partitions
from pipelines.resources import WarehouseResource
from pipelines.schedules import automation_on
from xxgk.inbox import InboxScan, scan_inbox

HEAD_BYTES = 8192
_NAME_YEAR = re.compile(r"(?<![0-9A-Za-z])(20[1-9][0-9])(?![0-9])")
_TITLE_YEAR = re.compile(r"(20[1-9][0-9])\s*年\s*度?[^\n<>]{0,40}?政府信息公开")

Cursor = dict[str, list]  # path -> [size_bytes, mtime, year]


def year_from_name(path: str) -> int | None:
    """The last plausible report year written in an inbox-relative path, if any."""
    years = [int(m) for m in _NAME_YEAR.findall(path) if FIRST_REPORT_YEAR <= int(m) <= 2099]
    return years[-1] if years else None


def year_from_head(abs_path: Path) -> int | None:
    """A year from the title in the first bytes of an HTML or text report (UTF-8 or GBK)."""
    try:
        with abs_path.open("rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = head.decode("utf-8", errors="ignore")
    match = _TITLE_YEAR.search(text)
    return int(match.group(1)) if match else None


def guess_year(scan: InboxScan, path: str, abs_path: Path) -> int | None:
    """The report year of one inbox file, from manifest, name or head (None: not known)."""
    entry = scan.manifest.get(path)
    if entry is not None and entry.year is not None:
        return entry.year
    return year_from_name(path) or year_from_head(abs_path)


def inbox_changes(scan: InboxScan, cursor: Cursor, latest_year: int) -> tuple[dict[int, list[str]], Cursor]:
    """Affected report years (year → changed paths) since ``cursor``, and the new cursor."""
    new_cursor: Cursor = {}
    affected: dict[int, list[str]] = {}

    def touch(year: int, change: str) -> None:
        affected.setdefault(year, []).append(change)

    for f in scan.files:
        before = cursor.get(f.path)
        manifest_year = scan.manifest[f.path].year if f.path in scan.manifest else None
        if before is not None and before[0] == f.size_bytes and before[1] == f.mtime:
            year = manifest_year or before[2]
            if year != before[2]:  # the manifest now states another year: both years change
                touch(before[2], f"{f.path}: year {before[2]} → {year}")
                touch(year, f"{f.path}: year {before[2]} → {year}")
        else:
            year = guess_year(scan, f.path, f.abs_path) or latest_year
            touch(year, f"{f.path}: {'changed' if before else 'new'} {f.size_bytes}@{f.mtime}")
        new_cursor[f.path] = [f.size_bytes, f.mtime, year]
    for path, (_, _, year) in cursor.items():
        if path not in new_cursor:
            touch(year, f"{path}: removed")
    return affected, new_cursor


def run_requests(affected: dict[int, list[str]], valid_years: set[int], latest_year: int) -> list[RunRequest]:
    """The run for the affected years: one partition, or one run over the range first…last.

    A range runs as one run (one writer, one publish, the inbox hashed once), as a UI backfill of
    a range does; years inside the range without changes are rebuilt identically. A year after the
    latest partition runs as the latest one; a year before 2019 has no partition and is skipped.
    """
    changes: list[str] = []
    years: set[int] = set()
    for year, year_changes in affected.items():
        if year < FIRST_REPORT_YEAR:
            continue
        years.add(year if year in valid_years else latest_year)
        changes.extend(year_changes)
    if not years:
        return []
    first, last = min(years), max(years)
    digest = hashlib.sha1("\n".join(sorted(changes)).encode("utf-8")).hexdigest()[:12]
    tags = {"xxgk/trigger": "sensor:inbox", "xxgk/changed_files": str(len(changes))}
    if first == last:
        return [RunRequest(run_key=f"inbox-{first}-{digest}", partition_key=str(first), tags=tags)]
    tags.update({ASSET_PARTITION_RANGE_START_TAG: str(first), ASSET_PARTITION_RANGE_END_TAG: str(last)})
    return [RunRequest(run_key=f"inbox-{first}-{last}-{digest}", tags=tags)]


@sensor(
    name="inbox_sensor",
    job=annual_reports_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING if automation_on() else DefaultSensorStatus.STOPPED,
    description="Every minute: walk the inbox (XXGK_INBOX) and request one run of annual_reports_job over "
    "the report years whose files are new, changed or removed since the last tick (a range runs as one "
    "run). The year comes from the manifest, the file name or the title in the first 8 KB, else the latest year. "
    "Cursor: {path: [size, mtime, year]} — nothing is ingested twice.",
)
def inbox_sensor(context: SensorEvaluationContext, warehouse: WarehouseResource) -> SensorResult | SkipReason:
    """Compare the inbox with the cursor; one RunRequest covering the affected years."""
    inbox = warehouse.settings.inbox
    if not inbox.is_dir():
        return SkipReason(f"inbox {inbox} does not exist")
    keys = report_year_partitions.get_partition_keys()
    valid = {int(k) for k in keys}
    latest = max(valid) if valid else FIRST_REPORT_YEAR
    cursor: Cursor = json.loads(context.cursor) if context.cursor else {}
    affected, new_cursor = inbox_changes(scan_inbox(inbox), cursor, latest)
    requests = run_requests(affected, valid, latest)
    cursor_text = json.dumps(new_cursor, ensure_ascii=False)
    if not requests:
        return SensorResult(skip_reason=SkipReason(f"no change in {inbox}"), cursor=cursor_text)
    context.log.info(f"inbox {inbox}: changes in report years {sorted(affected)}")
    return SensorResult(run_requests=requests, cursor=cursor_text)
