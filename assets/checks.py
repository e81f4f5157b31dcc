"""Asset checks built from the rule catalogue: GX 1.x validation of DuckDB-computed rule results.

``build_rule_asset_checks`` makes, per target asset, one check for its E rules (severity ERROR) and
one for its W / I rules (severity WARN), plus a findings-integrity check on ``check_findings``.

Blocking: only the integrity check is blocking. A report that breaks an arithmetic rule is a fact
about that report — recording it in ``check_findings`` and publishing it *is* the product — so data
rule checks must never stop publication (real reports such as 洪泽 2023 do break R-T4-SUM). What must
stop publication is a broken findings table (duplicate or null fingerprints, unknown rule ids,
invalid severities or statuses): the published aggregates and the analysts' review decisions, keyed
by ``finding_id``, would be wrong.
"""


import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    MetadataValue,
    PartitionsDefinition,
    asset_check,
)

from xxgk.rules.catalogue import load_catalogue
from xxgk.rules.evaluate import run_rules
from xxgk.rules.gx_validation import ValidationSummary, findings_integrity_expectations, validate_frame, validate_rules
from xxgk.settings import Settings

# target asset key -> the sheets whose rules it owns (X = cross-table, cross-year and narrative rules)
CHECK_TARGETS: Mapping[str, tuple[str, ...]] = {
    "fact_application": ("T3",),
    "fact_review_litigation": ("T4",),
    "fact_proactive_disclosure": ("T2",),
    "check_findings": ("X",),
}
SEVERITY_GROUPS: Mapping[str, tuple[str, ...]] = {"error": ("E",), "warn": ("W", "I")}


def default_docs_dir() -> Path:
    """Where Data Docs go: ``$XXGK_DATA_DOCS_DIR``, else ``data_docs/`` beside the published outputs."""
    explicit = os.environ.get("XXGK_DATA_DOCS_DIR")
    return Path(explicit) if explicit else Settings.from_env().published_dir / "data_docs"


def _docs_base(context: AssetCheckExecutionContext) -> Path:
    """Data Docs folder of the run's warehouse (resolved when the check runs, not at import)."""
    explicit = os.environ.get("XXGK_DATA_DOCS_DIR")
    return Path(explicit) if explicit else context.resources.warehouse.settings.published_dir / "data_docs"


def _docs_metadata(summary: ValidationSummary) -> dict[str, Any]:
    if not summary.docs_index:
        return {}
    return {
        "data_docs": MetadataValue.url(Path(summary.docs_index).as_uri()),
        "data_docs_path": MetadataValue.path(summary.docs_index),
    }


def _worst_reports(findings: Any, limit: int = 5) -> list[dict[str, Any]]:
    fails = findings[findings["status"] == "fail"]
    if fails.empty:
        return []
    top = (
        fails.groupby(["report_id", "agency", "year"], dropna=False).size().sort_values(ascending=False).head(limit)
    )
    return [
        {"report_id": rid, "agency": ag, "year": None if yr != yr else int(yr), "failing_findings": int(n)}
        for (rid, ag, yr), n in top.items()
    ]


def rule_check_result(
    con: duckdb.DuckDBPyConnection,
    sheets: Sequence[str],
    severities: Sequence[str],
    years: list[int] | None = None,
    docs_dir: str | Path | None = None,
    suite_name: str = "rules",
) -> AssetCheckResult:
    """Evaluate the catalogue's rules of ``sheets`` × ``severities`` and validate them with GX."""
    rules = tuple(r for r in load_catalogue() if set(r.sheets) & set(sheets) and r.severity in severities)
    run = run_rules(con, years, [r.id for r in rules], sheets=list(sheets))
    summary = validate_rules(run.coverage, rules, suite_name, docs_dir)
    findings = run.findings
    # W-severity X-T3-CARRY findings (renamed agency) must not fail the E check.
    findings = findings[findings["severity"].isin(list(severities))]
    failing = findings[findings["status"] == "fail"]
    by_rule = failing.groupby("rule_id")["report_id"].nunique().to_dict()
    severity = AssetCheckSeverity.ERROR if "E" in severities else AssetCheckSeverity.WARN
    meta: dict[str, Any] = {
        "rule_ids": MetadataValue.json([r.id for r in rules]),
        "reports_checked": int(run.coverage["report_id"].nunique()),
        "failing_findings": len(failing),
        "incomplete_findings": int((findings["status"] == "incomplete").sum()),
        "reports_failing_by_rule": MetadataValue.json({k: int(v) for k, v in by_rule.items()}),
        "worst_reports": MetadataValue.json(_worst_reports(findings)),
        "gx_unexpected_by_rule": MetadataValue.json({o.rule_id: o.unexpected_count for o in summary.outcomes}),
        "gx_seconds": round(summary.seconds, 3),
        **_docs_metadata(summary),
    }
    return AssetCheckResult(passed=summary.success and failing.empty, severity=severity, metadata=meta)


def findings_integrity_result(
    con: duckdb.DuckDBPyConnection, years: list[int] | None = None, docs_dir: str | Path | None = None
) -> AssetCheckResult:
    """GX integrity suite over the stored ``check_findings`` slice of ``years``."""
    df = con.execute(
        "SELECT finding_id, report_id, rule_id, severity, status FROM check_findings"
        " WHERE ? OR list_contains(?, year)",
        [years is None, list(years or [])],
    ).df()
    ids = [r.id for r in load_catalogue()]
    exps = findings_integrity_expectations(ids)
    summary = validate_frame(df, "check_findings_integrity", exps, "finding_id", docs_dir)
    meta = {
        "rows": len(df),
        "failed_expectations": MetadataValue.json({o.rule_id: o.unexpected_count for o in summary.failed()}),
        "offending": MetadataValue.json({o.rule_id: list(o.offending) for o in summary.failed()}),
        **_docs_metadata(summary),
    }
    return AssetCheckResult(passed=summary.success, severity=AssetCheckSeverity.ERROR, metadata=meta)


def _years(context: AssetCheckExecutionContext) -> list[int] | None:
    if context.has_partition_key:
        return sorted({int(k) for k in context.partition_keys})
    return None


def _make_rule_check(
    asset_key: str, sheets: tuple[str, ...], group: str, severities: tuple[str, ...],
    docs_dir: Path | None, partitions_def: PartitionsDefinition | None,
) -> AssetChecksDefinition:
    name = f"rules_{group}"
    ids = [r.id for r in load_catalogue() if set(r.sheets) & set(sheets) and r.severity in severities]

    @asset_check(
        asset=asset_key,
        name=name,
        description=f"Catalogue rules {', '.join(ids)} (severity {'/'.join(severities)}) validated with GX.",
        blocking=False,
        required_resource_keys={"warehouse"},
        partitions_def=partitions_def,
    )
    def _check(context: AssetCheckExecutionContext) -> AssetCheckResult:
        base = docs_dir or _docs_base(context)
        with context.resources.warehouse.connect() as con:
            return rule_check_result(
                con, sheets, severities, _years(context), base / asset_key / name, f"{asset_key}.{name}"
            )

    return _check


def build_rule_asset_checks(
    docs_dir: str | Path | None = None,
    partitions_def: PartitionsDefinition | None = None,
    targets: Mapping[str, tuple[str, ...]] = CHECK_TARGETS,
) -> list[AssetChecksDefinition]:
    """Asset checks for ``targets``: E rules (ERROR), W/I rules (WARN), and the blocking integrity check.

    Each check opens the working database through the ``warehouse`` resource (``connect()`` context
    manager) and writes GX Data Docs under ``docs_dir/<asset>/<check>/index.html``.
    """
    docs = Path(docs_dir) if docs_dir is not None else None
    checks: list[AssetChecksDefinition] = []
    cat = load_catalogue()
    for asset_key, sheets in targets.items():
        for group, sevs in SEVERITY_GROUPS.items():
            if any(set(r.sheets) & set(sheets) and r.severity in sevs for r in cat):
                checks.append(_make_rule_check(asset_key, sheets, group, sevs, docs, partitions_def))

    @asset_check(
        asset="check_findings",
        name="findings_integrity",
        description="Blocking: finding_id unique and not null, severities/statuses valid, rule ids in the catalogue.",
        blocking=True,
        required_resource_keys={"warehouse"},
        partitions_def=partitions_def,
    )
    def findings_integrity(context: AssetCheckExecutionContext) -> AssetCheckResult:
        with context.resources.warehouse.connect() as con:
            base = docs or _docs_base(context)
            return findings_integrity_result(con, _years(context), base / "check_findings" / "integrity")

    checks.append(findings_integrity)
    return checks
