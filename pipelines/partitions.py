"""Report-year partitions shared by every asset, job and schedule."""

from __future__ import annotations

from dagster import BackfillPolicy, TimeWindowPartitionsDefinition

FIRST_REPORT_YEAR = 2019

# One partition per report year from 2019; the last is the most recent complete year.
report_year_partitions = TimeWindowPartitionsDefinition(
    start=str(FIRST_REPORT_YEAR), fmt="%Y", cron_schedule="0 0 1 1 *"
)

# A range of years runs as one run (one writer, one publish), from the CLI or a UI backfill.
single_run = BackfillPolicy.single_run()

# All steps that write the working database share this pool; dagster.yaml limits it to 1.
WAREHOUSE_POOL = "xxgk_warehouse"
