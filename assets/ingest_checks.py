"""Asset check on the ingest step: every file of the inbox accounted for (see xxgk/warehouse/accounting.py).

``ingest_accounting`` runs right after ``ingest_inbox`` and before the star schema (it is blocking):
it classifies every present file as loaded, rejected or unchanged for this run, records the run in
``ingest_runs`` (and the per-file outcome in ``ingest_file_status``), and fails — stopping the
publication of this run — when ``files_seen ≠ reports_loaded + files_rejected + files_unchanged``,
i.e. when a file was silently dropped, or when a rejected file has no error row explaining it.
"""

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from pipelines.partitions import WAREHOUSE_POOL, report_year_partitions
from xxgk.warehouse.accounting import account_run, file_status


@asset_check(
    asset="source_file",
    name="ingest_accounting",
    description="Blocking: files seen = reports loaded + files rejected + files unchanged, nothing missing, "
    "every rejected file explained by an ingest_errors row. Records the run in ingest_runs.",
    blocking=True,
    required_resource_keys={"warehouse"},
    partitions_def=report_year_partitions,
    pool=WAREHOUSE_POOL,
)
def ingest_accounting(context: AssetCheckExecutionContext) -> AssetCheckResult:
    """Account this run's files and check the balance."""
    warehouse = context.resources.warehouse
    with warehouse.connect() as con:
        account = account_run(con, context.run.run_id, str(warehouse.settings.inbox))
        missing = [p for p, _o, _r in file_status(con, "missing")][:20]
        rejected = {p: r for p, _o, r in file_status(con, "rejected")}
    context.log.info(f"ingest accounting: {account.as_dict()}")
    reasons: dict[str, int] = {}
    for r in rejected.values():
        reasons[r or "(unexplained)"] = reasons.get(r or "(unexplained)", 0) + 1
    return AssetCheckResult(
        passed=account.balanced,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "files_seen": account.files_seen,
            "reports_loaded": account.reports_loaded,
            "files_rejected": account.files_rejected,
            "files_unchanged": account.files_unchanged,
            "files_missing": account.files_missing,
            "rejected_unexplained": account.rejected_unexplained,
            "distinct_reports_loaded": account.distinct_reports_loaded,
            "rejected_by_reason": MetadataValue.json(dict(sorted(reasons.items()))),
            "missing_files": MetadataValue.json(missing),
            "equation": f"{account.files_seen} = {account.reports_loaded} + {account.files_rejected} "
            f"+ {account.files_unchanged} (missing {account.files_missing})",
        },
    )
