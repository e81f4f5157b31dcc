"""Checks layer: every rule of the catalogue evaluated on the run's years, stored as findings."""

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import duckdb
from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, MetadataValue, multi_asset

from assets.checks import (
    INTEGRITY_CHECK_SPEC,
    docs_base,
    findings_integrity_check,
    results_fingerprint,
    rule_check_snapshot_dir,
    write_rule_check_snapshot,
)
from assets.metadata import table_metadata
from pipelines.partitions import WAREHOUSE_POOL, report_year_partitions, single_run
from pipelines.resources import WarehouseResource
from xxgk.rules.aggregates import refresh_aggregates
from xxgk.rules.catalogue import DEFAULT_PATH
from xxgk.rules.gx_validation import import_gx_in_background, wait_for_gx
from xxgk.rules.reviews import ensure_reviews
from xxgk.rules.store import ensure_tables, update_findings
from xxgk.warehouse import build_state
from xxgk.warehouse.db import cursor

T = TypeVar("T")

_INPUTS = ["report_cells", "report_text", "dim_report"]
# Not read by the rules: an ordering edge. This step and ``aggregates`` both hold the single-writer pool
# and both wait only for the star schema; started together, the one left out retries its pool claim
# after Dagster's back-off (≥ 1 s, ×1.1 per attempt) instead of starting when the other ends.
_AFTER = ["agg_agency_year"]

FINDINGS_SPECS = [
    AssetSpec(
        "check_findings",
        group_name="checks",
        deps=[*_INPUTS, *_AFTER],
        description="One row per (report, rule, cell set) that fails ('fail') or cannot be checked because "
        "cells are blank ('incomplete'): finding_id (stable fingerprint), rule_id (expectations/rules.yaml), "
        "severity E/W/I, cells, expected, actual, message (en/zh), evidence. Review decisions "
        "(finding_reviews) are keyed by finding_id and survive re-runs.",
    ),
    AssetSpec(
        "check_rule_coverage",
        group_name="checks",
        deps=_INPUTS,
        description="One row per (report, rule, sheet) evaluated: cell sets checked, failing, incomplete — "
        "the denominator of violation rates.",
    ),
    AssetSpec(
        "agg_findings_agency_year",
        group_name="published",
        deps=["check_findings"],
        description="One row per report (agency-year): failing findings by severity, incomplete, reviewed "
        "(dismissed findings excluded).",
    ),
    AssetSpec(
        "agg_rule_violation_rates",
        group_name="published",
        deps=["check_findings", "check_rule_coverage"],
        description="One row per rule × year × region: reports checked, reports violating, violation rate.",
    ),
]


def findings_fingerprints(con: duckdb.DuckDBPyConnection, years: list[int]) -> dict[int, str]:
    """Per year, what the rules read: the star schema of that year and every earlier one (previous-year
    and history rules), the rule code and catalogue, and the review decisions (the aggregates)."""
    ensure_reviews(con)  # an absent table and an empty one are the same input
    star = build_state.recorded_all(con, "star")
    catalogue = build_state.file_digest(os.environ.get("XXGK_RULES_PATH") or DEFAULT_PATH)
    code = build_state.code_digest("rules", "template")
    reviews = build_state.table_digest(con, "finding_reviews")
    return {
        y: build_state.combine(star.get(y), build_state.history(star, y), catalogue, code, reviews) for y in years
    }


@multi_asset(
    specs=FINDINGS_SPECS,
    check_specs=[INTEGRITY_CHECK_SPEC],
    partitions_def=report_year_partitions,
    backfill_policy=single_run,
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def check_findings(context: AssetExecutionContext, warehouse: WarehouseResource) -> Iterator[MaterializeResult]:
    """Evaluate the rule catalogue set-wise in DuckDB for the run's years.

    Incremental (``xxgk.rules.store.update_findings``): only the reports whose inputs changed since the
    last evaluation — and those reading them: same agency in other years, X-COPY sentence partners — are
    evaluated again and their rows replaced; a new catalogue or rule code re-evaluates the year whole.

    Then, side by side, the findings' aggregates, the catalogue checks' snapshot and the blocking
    integrity check (GX) on the stored findings: if it fails, nothing downstream runs.
    After an incremental update it validates only the rows the update can have made invalid, when the
    findings before it passed (``findings_integrity_check``). GX is imported in a thread meanwhile (the
    evaluation runs in DuckDB, which releases the GIL).
    """
    years = sorted(int(k) for k in context.partition_keys)
    in_years = "list_contains(?::INTEGER[], year)"
    base = docs_base(warehouse.settings.published_dir)
    with warehouse.connect() as con:
        fingerprints = findings_fingerprints(con, years)
        skipped = build_state.unchanged(con, "findings", fingerprints)
        ensure_tables(con)
        before = results_fingerprint(con, years, base)  # what the integrity check may have validated last
        replaced: list[str] | None = []
        if skipped:
            written = None
            context.log.info(f"years {years}: star schema, catalogue and reviews unchanged; findings kept")
        else:
            import_gx_in_background()  # the integrity check will validate new findings
            update = update_findings(con, years)
            written, replaced = update.pop("findings_written"), update.pop("replaced_reports")
            n_replaced = "all" if replaced is None else len(replaced)
            context.log.info(f"years {years}: {update}; reports replaced: {n_replaced}; findings written: {written}")
        # Three independent tails: the findings' aggregates (a write), the snapshot the catalogue rule
        # checks of this run read (so they never wait for the database) and the blocking integrity
        # check (GX: Python). The first two run in DuckDB, which releases the GIL, on connections of
        # their own while GX validates here.
        snapshot = rule_check_snapshot_dir(warehouse.settings.work_dir, context.run_id)
        with ThreadPoolExecutor(max_workers=2) as pool:
            refreshed = None if skipped else pool.submit(_on_own_connection, cursor(con), refresh_aggregates)
            snapshotted = pool.submit(
                _on_own_connection, cursor(con), write_rule_check_snapshot, years, base, snapshot, with_data=not skipped
            )
            try:
                integrity = findings_integrity_check(con, years, base, changed=(before, replaced))
            finally:
                wait_for_gx()  # no import thread outlives the step
            if refreshed is not None:
                refreshed.result()
            snapshotted.result()
        if not skipped:
            build_state.record(con, "findings", fingerprints)  # only once the aggregates are refreshed too
        by_severity = dict(
            con.execute(
                f"SELECT severity || '/' || status, count(*) FROM check_findings WHERE {in_years} "
                "GROUP BY ALL ORDER BY ALL",
                [years],
            ).fetchall()
        )
        context.log.info(f"years {years}: {written} findings {by_severity}")
        for spec in FINDINGS_SPECS:
            name = spec.key.to_user_string()
            meta = table_metadata(con, name, in_years, [years])
            meta["unchanged"] = skipped
            if name == "check_findings":
                meta["by_severity_status"] = MetadataValue.json(by_severity)
            yield MaterializeResult(asset_key=spec.key, metadata=meta)
        yield integrity


def _on_own_connection(own: duckdb.DuckDBPyConnection, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(own, *args, **kwargs)``, then close ``own``: a connection opened (``cursor``) by the thread that
    owns the step's connection, for a worker thread."""
    try:
        return fn(own, *args, **kwargs)
    finally:
        own.close()
