"""Asset checks built from the rule catalogue: GX 1.x validation of the persisted rule results.

``build_rule_asset_checks`` makes, per target asset, one check for its E rules (severity ERROR) and one
for its W / I rules (severity WARN); ``INTEGRITY_CHECK_SPEC`` is the findings-integrity check on
``check_findings``, run by the ``check_findings`` step itself. The rule checks never evaluate the rules
again: they validate what the ``check_findings`` step persisted (``check_rule_coverage`` and
``check_findings`` for the partition's years), so they depend on those assets. All rule checks run in
ONE step (a ``multi_asset_check``): one process, one GX import, one read of the persisted slice.

Blocking: only the integrity check is blocking. A report that breaks an arithmetic rule is a fact
about that report — recording it in ``check_findings`` and publishing it *is* the product — so data
rule checks must never stop publication (real reports such as 洪泽 2023 do break R-T4-SUM). What must
stop publication is a broken findings table (duplicate or null fingerprints, unknown rule ids,
invalid severities or statuses): the published aggregates and the analysts' review decisions, keyed
by ``finding_id``, would be wrong.
"""

import json
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    PartitionsDefinition,
    multi_asset_check,
)

from xxgk.compliance.findings import RULE_IDS as COMPLIANCE_RULE_IDS
from xxgk.rules.catalogue import DEFAULT_PATH, load_catalogue
from xxgk.rules.gx_validation import (
    ValidationSummary,
    findings_integrity_expectations,
    import_gx_in_background,
    rule_expectations,
    validate_frame,
)
from xxgk.rules.store import ensure_tables, results_version
from xxgk.warehouse import build_state
from xxgk.warehouse.db import sql_path

# target asset key -> the sheets whose rules it owns (X = cross-table, cross-year and narrative rules)
CHECK_TARGETS: Mapping[str, tuple[str, ...]] = {
    "fact_application": ("T3",),
    "fact_review_litigation": ("T4",),
    "fact_proactive_disclosure": ("T2",),
    "check_findings": ("X",),
}
SEVERITY_GROUPS: Mapping[str, tuple[str, ...]] = {"error": ("E",), "warn": ("W", "I")}


def docs_base(published_dir: Path) -> Path:
    """Data Docs folder of the run's warehouse (resolved when the check runs, not at import)."""
    explicit = os.environ.get("XXGK_DATA_DOCS_DIR")
    return Path(explicit) if explicit else published_dir / "data_docs"


def _docs_metadata(summary: ValidationSummary) -> dict[str, Any]:
    if not summary.docs_index:
        return {}
    return {
        "data_docs": MetadataValue.url(Path(summary.docs_index).as_uri()),
        "data_docs_path": MetadataValue.path(summary.docs_index),
    }


# What the rule checks of several groups (sheets × severities) validate, read in one pass over the results.
# ``_rc_m``: which finding rows count in which group, one row per group × rule × sheet × severity, with the
# rule's column in the group's matrix (``pos``); ``_rc_f``: the failing findings of every group, per
# group × report × rule × sheet; ``_rc_r``: the reports evaluated, numbered in report_id order (NULL last).
_MEMBERS_SQL = """
CREATE OR REPLACE TEMP TABLE _rc_m AS
SELECT unnest($grp::INTEGER[]) AS grp, unnest($pos::INTEGER[]) AS pos, unnest($rule::VARCHAR[]) AS rule_id,
       unnest($sheet::VARCHAR[]) AS sheet, unnest($sev::VARCHAR[]) AS severity
"""
_FAILS_SQL = """
CREATE OR REPLACE TEMP TABLE _rc_f AS
SELECT m.grp, f.report_id, f.rule_id, f.sheet, any_value(f.agency) AS agency, any_value(f.year) AS year,
       count(*) AS n_fail
FROM check_findings f JOIN _rc_m m ON m.rule_id = f.rule_id AND m.sheet = f.sheet AND m.severity = f.severity
WHERE f.status = 'fail' AND ($every OR list_contains($years, f.year))
GROUP BY m.grp, f.report_id, f.rule_id, f.sheet
"""
_REPORTS_SQL = """
CREATE OR REPLACE TEMP TABLE _rc_r AS
SELECT report_id, (row_number() OVER (ORDER BY report_id) - 1)::INTEGER AS code
FROM (SELECT DISTINCT report_id FROM check_rule_coverage WHERE $every OR list_contains($years, year))
"""
# every evaluated (group, report, rule) row of the coverage with its failing count
_CELLS_SQL = """
SELECT m.grp, r.code, m.pos, coalesce(c.n_checked, 0)::DOUBLE AS checked, coalesce(f.n_fail, 0)::DOUBLE AS failed
FROM check_rule_coverage c
JOIN (SELECT DISTINCT grp, pos, rule_id, sheet FROM _rc_m) m ON m.rule_id = c.rule_id AND m.sheet = c.sheet
JOIN _rc_r r ON r.report_id IS NOT DISTINCT FROM c.report_id
LEFT JOIN _rc_f f ON f.grp = m.grp AND f.report_id = c.report_id AND f.rule_id = c.rule_id AND f.sheet = c.sheet
WHERE $every OR list_contains($years, c.year)
"""
# per group: failing and incomplete findings (counted per rule × sheet × severity first: one small aggregate)
_COUNTS_SQL = """
WITH n AS (
    SELECT rule_id, sheet, severity, count(*) FILTER (WHERE status = 'fail') AS fail,
           count(*) FILTER (WHERE status = 'incomplete') AS incomplete
    FROM check_findings WHERE $every OR list_contains($years, year) GROUP BY ALL)
SELECT m.grp, sum(n.fail), sum(n.incomplete)
FROM n JOIN _rc_m m ON m.rule_id = n.rule_id AND m.sheet = n.sheet AND m.severity = n.severity
GROUP BY m.grp
"""
_BY_RULE_SQL = "SELECT grp, rule_id, count(DISTINCT report_id) FROM _rc_f GROUP BY grp, rule_id ORDER BY grp, rule_id"
_WORST_SQL = """
SELECT grp, report_id, any_value(agency), any_value(year), sum(n_fail) AS n FROM _rc_f GROUP BY grp, report_id
QUALIFY row_number() OVER (PARTITION BY grp ORDER BY n DESC, report_id) <= 5
ORDER BY grp, n DESC, report_id
"""


@dataclass(frozen=True)
class RuleCheckInputs:
    """What one rule check validates, read from the warehouse: the report × rule matrix and the figures."""

    rules: tuple[Any, ...]
    severities: tuple[str, ...]
    matrix: pd.DataFrame
    meta: dict[str, Any]
    failing: int


#: One rule check's selection: (sheets, severities).
CheckGroup = tuple[Sequence[str], Sequence[str]]


def _group_rules(groups: Sequence[CheckGroup]) -> list[tuple[Any, ...]]:
    """The catalogue's rules of each group: one of the group's sheets and one of its severities."""
    cat = load_catalogue()
    return [tuple(r for r in cat if set(r.sheets) & set(sheets) and r.severity in sevs) for sheets, sevs in groups]


def _members(groups: Sequence[CheckGroup], rules: Sequence[tuple[Any, ...]]) -> dict[str, list[Any]]:
    """Parameters of ``_MEMBERS_SQL``: each (group index, rule column, rule id, sheet, severity) a finding may
    have to count in that group — once each (a repeated sheet or severity must not count a finding twice)."""
    rows = sorted(
        {(k, j, r.id, sheet, sev) for k, ((sheets, sevs), rs) in enumerate(zip(groups, rules, strict=True))
         for j, r in enumerate(rs) for sheet in sheets for sev in sevs}
    )  # fmt: skip
    return {name: [row[i] for row in rows] for i, name in enumerate(("grp", "pos", "rule", "sheet", "sev"))}


def _rule_matrix(report_ids: np.ndarray, cells: Mapping[str, np.ndarray], ids: Sequence[str]) -> pd.DataFrame:
    """Report × rule matrix of failing cell sets (NaN where the rule was not evaluated), one row per report in
    report_id order: a rule's value for a report is the sum of its ``failed`` counts if the sum of its
    ``checked`` counts is positive (SQL: NULL checked counts are ignored, none is not positive). ``cells``:
    one group's rows of ``_CELLS_SQL``; ``report_ids``: the report id of each code."""
    codes, width = cells["code"], len(ids)
    present = np.bincount(codes, minlength=len(report_ids)) > 0
    row = np.cumsum(present) - 1  # a report code's matrix row
    shape = (int(present.sum()), width)
    flat = row[codes] * width + cells["pos"]
    checked = np.bincount(flat, weights=cells["checked"], minlength=shape[0] * width).reshape(shape)
    failed = np.bincount(flat, weights=cells["failed"], minlength=shape[0] * width).reshape(shape)
    values = np.where(checked > 0, failed, np.nan)
    return pd.DataFrame({"report_id": report_ids[present], **{i: values[:, j] for j, i in enumerate(ids)}})


def _group_matrices(con: duckdb.DuckDBPyConnection, rules: Sequence[tuple[Any, ...]], window: dict[str, Any]
                    ) -> list[pd.DataFrame]:  # fmt: skip
    """Each group's report × rule matrix, from one read of the coverage (``_rc_m``, ``_rc_f`` in place)."""
    con.execute(_REPORTS_SQL, window)
    report_ids = np.array([r for (r,) in con.execute("SELECT report_id FROM _rc_r ORDER BY code").fetchall()],
                          dtype=object)  # fmt: skip
    cells = con.execute(_CELLS_SQL, window).fetchnumpy()
    order = np.argsort(cells["grp"], kind="stable")  # each group's cells together
    cells = {k: np.asarray(v)[order] for k, v in cells.items()}
    bounds = np.searchsorted(cells["grp"], np.arange(len(rules) + 1))
    return [
        _rule_matrix(report_ids, {k: v[bounds[g] : bounds[g + 1]] for k, v in cells.items()}, [r.id for r in rs])
        for g, rs in enumerate(rules)
    ]


def _group_figures(
    con: duckdb.DuckDBPyConnection, window: dict[str, Any]
) -> tuple[dict[int, tuple[int, int]], dict[int, dict[str, int]], dict[int, list[dict[str, Any]]]]:
    """Per group index (groups without rows absent): (failing, incomplete) findings, reports failing by rule,
    the five reports with most failing findings — read from ``_rc_m`` and ``_rc_f``."""
    counts = {int(g): (int(f), int(i)) for g, f, i in con.execute(_COUNTS_SQL, window).fetchall()}
    by_rule: dict[int, dict[str, int]] = {}
    for g, rule_id, n in con.execute(_BY_RULE_SQL).fetchall():
        by_rule.setdefault(int(g), {})[rule_id] = int(n)
    worst: dict[int, list[dict[str, Any]]] = {}
    for g, rid, ag, yr, n in con.execute(_WORST_SQL).fetchall():
        worst.setdefault(int(g), []).append(
            {"report_id": rid, "agency": ag, "year": None if yr is None else int(yr), "failing_findings": int(n)}
        )
    return counts, by_rule, worst


def rule_checks_inputs(
    con: duckdb.DuckDBPyConnection, groups: Sequence[CheckGroup], years: list[int] | None = None
) -> list[RuleCheckInputs]:
    """Read what the rule check of each (sheets, severities) group validates, in the order of ``groups``.

    Reads ``check_rule_coverage`` and ``check_findings`` (written by the ``check_findings`` step) for
    ``years`` (None: all) once for all groups; the rules are not evaluated again. A failing cell set
    counts against a check only if its finding has one of the check's severities (an X-T3-CARRY
    downgraded to W for a renamed agency does not fail the E check). The figures are computed in
    DuckDB; the report × rule matrices GX validates are filled in NumPy from one sorted read of the
    evaluated (group, report, rule) cells (report ids as numbers: each id reaches Python once).
    """
    ensure_tables(con)
    rules = _group_rules(groups)
    window = {"every": years is None, "years": list(years or [])}
    con.execute(_MEMBERS_SQL, _members(groups, rules))
    try:
        con.execute(_FAILS_SQL, window)
        matrices = _group_matrices(con, rules, window)
        counts, by_rule, worst = _group_figures(con, window)
    finally:
        for table in ("_rc_r", "_rc_f", "_rc_m"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    out = []
    for k, ((_, sevs), rs) in enumerate(zip(groups, rules, strict=True)):
        failing, incomplete = counts.get(k, (0, 0))
        meta: dict[str, Any] = {
            "rule_ids": MetadataValue.json([r.id for r in rs]),
            "reports_checked": int(matrices[k].report_id.notna().sum()),  # count(DISTINCT report_id)
            "failing_findings": failing,
            "incomplete_findings": incomplete,
            "reports_failing_by_rule": MetadataValue.json(by_rule.get(k, {})),
            "worst_reports": MetadataValue.json(worst.get(k, [])),
        }
        out.append(RuleCheckInputs(rs, tuple(sevs), matrices[k], meta, failing))
    return out


def rule_check_inputs(
    con: duckdb.DuckDBPyConnection, sheets: Sequence[str], severities: Sequence[str], years: list[int] | None = None
) -> RuleCheckInputs:
    """Read what the rule check of ``sheets`` × ``severities`` validates (the GX part needs no connection):
    ``rule_checks_inputs`` for one group."""
    return rule_checks_inputs(con, [(sheets, severities)], years)[0]


def rule_check_validate(
    inputs: RuleCheckInputs, docs_dir: str | Path | None = None, suite_name: str = "rules"
) -> AssetCheckResult:
    """GX validation of a rule check's matrix (no database connection held)."""
    summary = validate_frame(inputs.matrix, suite_name, rule_expectations(inputs.rules), "report_id", docs_dir)
    severity = AssetCheckSeverity.ERROR if "E" in inputs.severities else AssetCheckSeverity.WARN
    meta = {
        **inputs.meta,
        "gx_unexpected_by_rule": MetadataValue.json({o.rule_id: o.unexpected_count for o in summary.outcomes}),
        "gx_seconds": round(summary.seconds, 3),
        **_docs_metadata(summary),
    }
    return AssetCheckResult(passed=summary.success and inputs.failing == 0, severity=severity, metadata=meta)


def rule_check_result(
    con: duckdb.DuckDBPyConnection,
    sheets: Sequence[str],
    severities: Sequence[str],
    years: list[int] | None = None,
    docs_dir: str | Path | None = None,
    suite_name: str = "rules",
) -> AssetCheckResult:
    """Validate with GX the persisted results of the catalogue's rules of ``sheets`` × ``severities``."""
    return rule_check_validate(rule_check_inputs(con, sheets, severities, years), docs_dir, suite_name)


def integrity_frame(
    con: duckdb.DuckDBPyConnection, years: list[int] | None = None, reports: Sequence[str] | None = None
) -> pd.DataFrame:
    """The columns of the stored ``check_findings`` slice of ``years`` that the integrity suite checks.

    With ``reports``: only the rows a change to those reports can make invalid — their rows, every row
    sharing a finding id with one of them (a duplicate across old and new rows), and the compliance rows
    (rewritten by every compliance step, whatever report changed).
    """
    sql = (
        "SELECT finding_id, report_id, rule_id, severity, status FROM check_findings "
        "WHERE ($every OR list_contains($years, year))"
    )
    params: dict[str, Any] = {"every": years is None, "years": list(years or [])}
    if reports is not None:
        sql += (
            " AND (list_contains($reports, report_id) OR list_contains($compliance, rule_id) OR finding_id IN ("
            "SELECT finding_id FROM check_findings WHERE list_contains($reports, report_id)))"
        )
        params |= {"reports": list(reports), "compliance": list(COMPLIANCE_RULE_IDS)}
    df = con.execute(sql, params).df()
    # Repetitive columns as categories: GX hashes the frame and tests each value; on a national year
    # (~1M findings) this halves the validation (2.7 → 1.2 s). Unique finding ids stay strings.
    return df.astype({c: "category" for c in ("report_id", "rule_id", "severity", "status")})


def integrity_validate(df: pd.DataFrame, docs_dir: str | Path | None = None) -> AssetCheckResult:
    """GX integrity suite over a findings frame (no database connection held)."""
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


# ── recorded outcomes: validating an unchanged findings slice again would give the same answer ──
#
# Each check's outcome is recorded in a JSON file beside its Data Docs page (``<docs>/outcome.json``:
# years validated, fingerprint of what was validated, passed, metadata), not in the warehouse: the rule
# checks then need the single-writer database only to read their inputs, never after GX (publication
# may hold the file by then), and an outcome is replayed only with the very page it links to.

_OUTCOME_FILE = "outcome.json"
_METADATA_TYPES: Mapping[str, Callable[[Any], MetadataValue]] = {
    "JsonMetadataValue": MetadataValue.json,
    "UrlMetadataValue": MetadataValue.url,
    "PathMetadataValue": MetadataValue.path,
    "MarkdownMetadataValue": MetadataValue.md,
    "TextMetadataValue": MetadataValue.text,
}


def results_fingerprint(con: duckdb.DuckDBPyConnection, years: list[int] | None, docs_dir: Path) -> str:
    """Digest of what the rule checks validate: the persisted findings and coverage of ``years``, the
    catalogue, the rule/validation code, and where the Data Docs go. (A recorded outcome is replayed only
    while its Data Docs page exists: ``cached_result``.)"""
    # The compliance findings are written into check_findings by compliance_calendar, which runs after
    # these checks (the integrity check blocks it): they are left out of the digest, else every first
    # re-run would see "new" rows that the run being replayed never validated.
    # The results are identified by the token their writer records (xxgk.rules.store.bump_version) and
    # their row counts — a scan-free digest, so a re-run on unchanged results costs a few lookups.
    every, ys = years is None, list(years or [])
    counts = con.execute(
        "SELECT (SELECT count(*) FROM check_findings t WHERE (? OR list_contains(?::INTEGER[], t.year))"
        " AND NOT list_contains(?::VARCHAR[], t.rule_id)),"
        " (SELECT count(*) FROM check_rule_coverage t WHERE ? OR list_contains(?::INTEGER[], t.year))",
        [every, ys, list(COMPLIANCE_RULE_IDS), every, ys],
    ).fetchone()
    return build_state.combine(
        results_version(con, years),
        counts,
        build_state.table_digest(con, "finding_reviews"),
        build_state.file_digest(os.environ.get("XXGK_RULES_PATH") or DEFAULT_PATH),
        build_state.code_digest("rules"),
        docs_dir,
    )


def _years_key(years: list[int] | None) -> str:
    return "*" if years is None else ",".join(map(str, years))


def cached_result(docs: Path, years: list[int] | None, fingerprint: str) -> tuple[bool, dict[str, Any]] | None:
    """(passed, metadata) recorded in ``docs`` for ``years`` with this fingerprint, else None — also None
    when the Data Docs page the outcome links to is gone (then the check runs again and rewrites it)."""
    if not (docs / "index.html").is_file():
        return None
    try:
        recorded = json.loads((docs / _OUTCOME_FILE).read_text(encoding="utf-8"))
        if recorded["years"] != _years_key(years) or recorded["fingerprint"] != fingerprint:
            return None
        passed, metadata = bool(recorded["passed"]), dict(recorded["metadata"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    meta: dict[str, Any] = {}
    for key, (kind, value) in metadata.items():
        meta[key] = _METADATA_TYPES[kind](value) if kind in _METADATA_TYPES else value
    return passed, {**meta, "cached": True}


def record_result(docs: Path, years: list[int] | None, fingerprint: str, res: AssetCheckResult) -> None:
    """Record the outcome of the check whose Data Docs are in ``docs`` for ``years`` and this fingerprint
    (written to a temporary file renamed over the old one: a concurrent reader sees one or the other)."""
    meta = {}
    for key, value in (res.metadata or {}).items():
        kind = type(value).__name__
        meta[key] = [kind, value.value] if kind in _METADATA_TYPES else ["raw", getattr(value, "value", value)]
    record = {"years": _years_key(years), "fingerprint": fingerprint, "passed": bool(res.passed), "metadata": meta}
    docs.mkdir(parents=True, exist_ok=True)
    tmp = docs / f".{_OUTCOME_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(record, default=str), encoding="utf-8")
    os.replace(tmp, docs / _OUTCOME_FILE)


# ── the rule checks' inputs, snapshotted by the check_findings step of the same run ──
#
# The catalogue rule checks start when check_findings ends, beside compliance_calendar (a single-writer
# step on the critical path to publication). Reading their inputs from the working database made
# compliance wait for the lock; instead check_findings, which holds it anyway, writes the two slices
# the checks read (and the fingerprint they are keyed on) to Parquet, and the checks run on those.

_SNAPSHOT_TABLES = {
    "check_findings": "report_id, rule_id, sheet, severity, status, agency, year",
    "check_rule_coverage": "report_id, rule_id, sheet, year, n_checked",
}


def rule_check_snapshot_dir(work_dir: Path, run_id: str) -> Path:
    return work_dir / "rule_check_inputs" / run_id


def write_rule_check_snapshot(
    con: duckdb.DuckDBPyConnection, years: list[int] | None, base: Path, out: Path, with_data: bool
) -> None:
    """Write what the rule checks of this run read to ``out`` (snapshot.json: years and fingerprint; with
    ``with_data``, the slices of check_findings and check_rule_coverage as Parquet). Snapshots of other
    runs are removed."""
    shutil.rmtree(out.parent, ignore_errors=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.mkdir(parents=True)
    if with_data:
        where = "WHERE $every OR list_contains($years, year)"
        for table, cols in _SNAPSHOT_TABLES.items():
            con.execute(
                f"COPY (SELECT {cols} FROM {table} {where}) TO {sql_path(tmp / f'{table}.parquet')} (FORMAT parquet)",
                {"every": years is None, "years": list(years or [])},
            )
    record = {"years": _years_key(years), "fingerprint": results_fingerprint(con, years, base)}
    (tmp / "snapshot.json").write_text(json.dumps(record), encoding="utf-8")
    tmp.rename(out)


def read_rule_check_snapshot(
    folder: Path, years: list[int] | None
) -> tuple[str, duckdb.DuckDBPyConnection | None] | None:
    """(fingerprint, an in-memory database holding the snapshot's tables — None when it has no data) of
    the snapshot in ``folder`` for ``years``, or None when there is none."""
    try:
        record = json.loads((folder / "snapshot.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("years") != _years_key(years):
        return None
    if not all((folder / f"{t}.parquet").is_file() for t in _SNAPSHOT_TABLES):
        return str(record["fingerprint"]), None
    mem = duckdb.connect()
    for table in _SNAPSHOT_TABLES:
        mem.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet({sql_path(folder / f'{table}.parquet')})")
    return str(record["fingerprint"]), mem


def _years(context: AssetCheckExecutionContext) -> list[int] | None:
    if context.has_partition_key:
        return sorted({int(k) for k in context.partition_keys})
    return None


_RESULT_TABLES = ("check_findings", "check_rule_coverage")


def _rule_check_groups(
    targets: Mapping[str, tuple[str, ...]],
) -> list[tuple[str, tuple[str, ...], str, tuple[str, ...], list[str]]]:
    """(asset key, sheets, group, severities, rule ids) of every rule check with at least one rule."""
    cat = load_catalogue()
    out = []
    for asset_key, sheets in targets.items():
        for group, sevs in SEVERITY_GROUPS.items():
            ids = [r.id for r in cat if set(r.sheets) & set(sheets) and r.severity in sevs]
            if ids:
                out.append((asset_key, sheets, group, sevs, ids))
    return out


def _make_rule_checks(
    targets: Mapping[str, tuple[str, ...]], docs_dir: Path | None, partitions_def: PartitionsDefinition | None
) -> AssetChecksDefinition:
    """One step for every rule check: validates the persisted results of the partition's years."""
    groups = _rule_check_groups(targets)
    specs = [
        AssetCheckSpec(
            f"rules_{group}",
            asset=asset_key,
            description=f"Catalogue rules {', '.join(ids)} (severity {'/'.join(sevs)}) validated with GX "
            "on the persisted check_findings / check_rule_coverage.",
            additional_deps=[t for t in _RESULT_TABLES if t != asset_key],
            blocking=False,
            partitions_def=partitions_def,
        )
        for asset_key, _, group, sevs, ids in groups
    ]

    @multi_asset_check(
        name="catalogue_rule_checks",
        specs=specs,
        can_subset=True,
        required_resource_keys={"warehouse"},
        description="The catalogue's rule checks (E: ERROR, W/I: WARN) of every fact table and of "
        "check_findings, validated with GX from the persisted results (the rules are not run again).",
    )
    def _checks(context: AssetCheckExecutionContext) -> Iterator[AssetCheckResult]:
        warehouse = context.resources.warehouse
        base = docs_dir or docs_base(warehouse.settings.published_dir)
        selected = context.selected_asset_check_keys
        years = _years(context)
        wanted = [g for g in groups if AssetCheckKey(AssetKey(g[0]), f"rules_{g[2]}") in selected]
        todo: list[tuple[str, str, RuleCheckInputs]] = []
        reads: list[tuple[str, str, CheckGroup]] = []
        # 1. replay recorded outcomes, read what the others validate: from the snapshot check_findings
        # wrote in this run (no lock), else from the working database
        settings = getattr(warehouse, "settings", None)
        folder = rule_check_snapshot_dir(settings.work_dir, context.run.run_id) if settings is not None else None
        snapshot = read_rule_check_snapshot(folder, years) if folder is not None else None
        with ExitStack() as stack:
            if snapshot is not None:
                fingerprint, con = snapshot
            else:
                con = stack.enter_context(warehouse.connect())
                ensure_tables(con)
                fingerprint = results_fingerprint(con, years, base)
            for asset_key, sheets, group, sevs, _ in wanted:
                name = f"rules_{group}"
                severity = AssetCheckSeverity.ERROR if "E" in sevs else AssetCheckSeverity.WARN
                cached = cached_result(base / asset_key / name, years, fingerprint)
                if cached is not None:
                    yield AssetCheckResult(
                        asset_key=asset_key,
                        check_name=name,
                        passed=cached[0],
                        severity=severity,
                        metadata=cached[1],
                    )
                    continue
                import_gx_in_background()  # GX is needed: import it while the inputs are read
                reads.append((asset_key, name, (sheets, sevs)))
            if reads:  # every check to validate read at once (one pass over the results)
                if con is None:  # a snapshot without data (the results had not changed): read the database
                    con = stack.enter_context(warehouse.connect())
                inputs = rule_checks_inputs(con, [sel for _, _, sel in reads], years)
                todo = [(a, n, i) for (a, n, _), i in zip(reads, inputs, strict=True)]
            if snapshot is not None and snapshot[1] is not None:
                snapshot[1].close()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)  # read: a cache of nothing
        if not todo:
            return
        # 2. GX without holding the database (other steps may write meanwhile), 3. record the outcomes
        results = [(a, n, rule_check_validate(inputs, base / a / n, f"{a}.{n}")) for a, n, inputs in todo]
        for asset_key, name, res in results:
            record_result(base / asset_key / name, years, fingerprint, res)
        for asset_key, name, res in results:
            yield AssetCheckResult(
                asset_key=asset_key,
                check_name=name,
                passed=res.passed,
                severity=res.severity,
                metadata=res.metadata,
            )

    return _checks


def build_rule_asset_checks(
    docs_dir: str | Path | None = None,
    partitions_def: PartitionsDefinition | None = None,
    targets: Mapping[str, tuple[str, ...]] = CHECK_TARGETS,
) -> list[AssetChecksDefinition]:
    """Asset checks for ``targets``: E rules (ERROR) and W/I rules (WARN) (the blocking integrity check
    is :data:`INTEGRITY_CHECK_SPEC`, run by the ``check_findings`` step).

    The rule checks are one ``multi_asset_check`` step reading the persisted results; it opens
    the working database through the ``warehouse`` resource (``connect()`` context manager) and writes
    GX Data Docs under ``docs_dir/<asset>/<check>/index.html``.
    """
    docs = Path(docs_dir) if docs_dir is not None else None
    return [_make_rule_checks(targets, docs, partitions_def)]


#: The blocking integrity check. It runs in the ``check_findings`` step itself (``assets.findings``),
#: right after the findings are written: GX is imported while the rules are evaluated, and publication
#: waits for one step fewer.
INTEGRITY_CHECK_SPEC = AssetCheckSpec(
    "findings_integrity",
    asset="check_findings",
    description="Blocking: finding_id unique and not null, severities/statuses valid, rule ids in the catalogue "
    "(GX suite check_findings_integrity on the partition's findings).",
    blocking=True,
)


def findings_integrity_check(
    con: duckdb.DuckDBPyConnection,
    years: list[int] | None,
    base: Path,
    changed: tuple[str, Sequence[str] | None] | None = None,
) -> AssetCheckResult:
    """The integrity check's outcome on the stored findings of ``years``: replayed while the findings and
    their Data Docs page are unchanged, else validated with GX (Data Docs under ``base``) and recorded.

    ``changed``: (results fingerprint before this step wrote, reports whose rows it replaced — None when
    it rewrote the slice). When the findings as they were before passed this check (their outcome is
    recorded), only the rows the change can make invalid are validated (``integrity_frame`` with
    ``reports``): the other rows passed then and did not change. Otherwise the whole slice is validated.
    """
    ensure_tables(con)
    fingerprint = results_fingerprint(con, years, base)
    docs = base / "check_findings" / "integrity"
    cached = cached_result(docs, years, fingerprint)
    if cached is not None:
        return AssetCheckResult(
            asset_key="check_findings", check_name="findings_integrity", passed=cached[0],
            severity=AssetCheckSeverity.ERROR, metadata=cached[1],
        )  # fmt: skip
    before = cached_result(docs, years, changed[0]) if changed is not None and changed[1] is not None else None
    if before is not None and before[0]:
        frame = integrity_frame(con, years, reports=changed[1])  # type: ignore[index]
        scope = "rows of the reports re-evaluated by this run (the others passed the previous validation)"
    else:
        frame, scope = integrity_frame(con, years), "every row of the slice"
    res = integrity_validate(frame, docs)
    res = AssetCheckResult(
        passed=res.passed, severity=res.severity, metadata={**(res.metadata or {}), "validated": scope}
    )
    record_result(docs, years, fingerprint, res)
    return AssetCheckResult(
        asset_key="check_findings", check_name="findings_integrity", passed=res.passed, severity=res.severity,
        metadata=res.metadata,
    )  # fmt: skip
