"""Great Expectations 1.x: the ONE place that owns context → pandas datasource → batch → suite → validate.

The arithmetic runs in DuckDB (``xxgk.rules.evaluate``); GX asserts on its per-report result matrix:
one row per report, one column per rule holding the number of failing cell sets (NULL where the rule
could not be evaluated, e.g. only blank cells — GX ignores NULLs, so incomplete is neither pass nor
fail). Each rule becomes ``ExpectColumnValuesToBeBetween(0, 0)``. Findings-table integrity (unique
fingerprints, valid severities / statuses / rule ids) is a second suite over ``check_findings``.

GX is imported lazily (≈3–5 s) so importing ``xxgk.rules`` stays cheap; progress bars are disabled.
"""

from __future__ import annotations

import functools
import importlib
import logging
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from xxgk.rules.catalogue import Rule

DOCS_SITE = "xxgk_rules"

_gx_import: threading.Thread | None = None


def _import_gx() -> None:
    """Import the GX modules validation uses (~2-3 s of Python, ~120 MB)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ("great_expectations", "great_expectations.checkpoint", "great_expectations.expectations"):
            importlib.import_module(name)


def import_gx_in_background() -> None:
    """Start importing GX (~3 s of Python) in a thread, so a step overlaps it with database work.

    Every function here that uses GX waits for that import first (:func:`wait_for_gx`): GX is then
    imported by one thread only.
    """
    global _gx_import
    if _gx_import is None:
        _gx_import = threading.Thread(target=_import_gx, name="gx-import", daemon=True)
        _gx_import.start()


def wait_for_gx() -> None:
    """Join the background GX import, if one was started."""
    if _gx_import is not None:
        _gx_import.join()


_templates_shared = False


def _share_compiled_templates() -> None:
    """Let GX's Data Docs views share compiled jinja templates within this process.

    GX builds a new jinja ``Environment`` for every view it renders, so each Data Docs page compiled
    the same templates again (~0.1 s of CPU a page; a run writes eight pages). A bytecode cache shared
    by those environments compiles each template once. Left alone if GX no longer builds them this way.
    """
    global _templates_shared
    if _templates_shared:
        return
    _templates_shared = True
    import jinja2
    from great_expectations.render.view import view

    if getattr(view, "Environment", None) is not jinja2.Environment:
        return

    class _Compiled(jinja2.BytecodeCache):
        def __init__(self) -> None:
            self._code: dict[str, bytes] = {}
            self._lock = threading.Lock()

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with self._lock:
                code = self._code.get(bucket.key)
            if code is not None:
                bucket.bytecode_from_string(code)

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with self._lock:
                self._code[bucket.key] = bucket.bytecode_to_string()

    view.Environment = functools.partial(jinja2.Environment, bytecode_cache=_Compiled())


def _skip_batch_fingerprint() -> None:
    """Stop GX hashing every pandas batch it is given (the ``pandas_data_fingerprint`` batch marker).

    GX hashes each whole frame below ``HASH_THRESHOLD`` bytes (1 GB) only to label the batch; nothing
    here reads that label, and the rule checks' frames have a row per report (~0.15 s of CPU a
    validation at 100,000 reports, seven validations a run). The figures validated are unchanged.
    Left alone if GX no longer has the threshold.
    """
    from great_expectations.execution_engine import pandas_execution_engine as engine

    if isinstance(getattr(engine, "HASH_THRESHOLD", None), (int, float)):
        engine.HASH_THRESHOLD = 0


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result: which rule, how many rows failed, a few offending ids."""

    rule_id: str
    severity: str
    expectation: str
    column: str
    success: bool
    element_count: int
    unexpected_count: int
    offending: tuple[str, ...] = ()


@dataclass(frozen=True)
class ValidationSummary:
    """Summary of one GX validation run."""

    suite_name: str
    success: bool
    row_count: int
    outcomes: tuple[ExpectationOutcome, ...]
    docs_index: str | None = None
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def failed(self, severity: str | None = None) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and (severity is None or o.severity == severity)]

    def as_metadata(self) -> dict[str, Any]:
        """Flat JSON-friendly dict (for Dagster metadata or logs)."""
        return {
            "suite": self.suite_name,
            "success": self.success,
            "rows": self.row_count,
            "failed_expectations": {o.rule_id: o.unexpected_count for o in self.outcomes if not o.success},
            "offending": {o.rule_id: list(o.offending) for o in self.outcomes if not o.success},
            "docs_index": self.docs_index,
            "seconds": round(self.seconds, 3),
        }


def validate_frame(
    df: pd.DataFrame,
    suite_name: str,
    expectations: list[Any],
    id_column: str = "report_id",
    docs_dir: str | Path | None = None,
    offending_count: int = 5,
) -> ValidationSummary:
    """Validate ``df`` against ``expectations`` (GX expectation objects) in an ephemeral context.

    Each expectation's ``meta`` may carry ``rule_id`` and ``severity``. With ``docs_dir`` the GX Data
    Docs site (static HTML) of this validation is written there and its ``index.html`` returned.
    """
    t0 = time.perf_counter()
    wait_for_gx()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations as gx
        from great_expectations.checkpoint import UpdateDataDocsAction
        from great_expectations.data_context.types.base import ProgressBarsConfig

        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        _share_compiled_templates()
        _skip_batch_fingerprint()
        ctx = gx.get_context(mode="ephemeral")
        ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        actions = []
        docs_index = None
        if docs_dir is not None:
            docs = Path(docs_dir).resolve()
            docs.mkdir(parents=True, exist_ok=True)
            ctx.add_data_docs_site(
                DOCS_SITE,
                {
                    "class_name": "SiteBuilder",
                    "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs)},
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
            actions.append(UpdateDataDocsAction(name="docs", site_names=[DOCS_SITE]))
            docs_index = str(docs / "index.html")
        asset = ctx.data_sources.add_pandas("xxgk").add_dataframe_asset(suite_name)
        batch_def = asset.add_batch_definition_whole_dataframe("all")
        suite = ctx.suites.add(gx.ExpectationSuite(name=suite_name))
        for exp in expectations:
            suite.add_expectation(exp)
        vd = ctx.validation_definitions.add(gx.ValidationDefinition(name=suite_name, data=batch_def, suite=suite))
        result_format = {
            "result_format": "SUMMARY",
            "unexpected_index_column_names": [id_column] if id_column in df.columns else [],
            "partial_unexpected_count": offending_count,
        }
        cp = ctx.checkpoints.add(
            gx.Checkpoint(name=suite_name, validation_definitions=[vd], actions=actions, result_format=result_format)
        )
        result = cp.run(batch_parameters={"dataframe": df})
    vres = next(iter(result.run_results.values()))
    outcomes = []
    for er in vres.results:
        cfg = er.expectation_config
        meta = cfg.meta or {}
        res = er.result or {}
        idx = res.get("partial_unexpected_index_list") or []
        ids = tuple(str(i.get(id_column)) for i in idx if isinstance(i, dict) and id_column in i)[:offending_count]
        outcomes.append(
            ExpectationOutcome(
                rule_id=str(meta.get("rule_id", cfg.kwargs.get("column", cfg.type))),
                severity=str(meta.get("severity", "E")),
                expectation=cfg.type,
                column=str(cfg.kwargs.get("column", "")),
                success=bool(er.success),
                element_count=int(res.get("element_count", len(df)) or 0),
                unexpected_count=int(res.get("unexpected_count", 0) or 0),
                offending=ids,
            )
        )
    return ValidationSummary(
        suite_name, bool(vres.success), len(df), tuple(outcomes), docs_index, time.perf_counter() - t0
    )


def rule_expectations(rules: tuple[Rule, ...]) -> list[Any]:
    """One ``ExpectColumnValuesToBeBetween(0, 0)`` per rule (column = rule id)."""
    wait_for_gx()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations.expectations as gxe
    return [
        gxe.ExpectColumnValuesToBeBetween(
            column=r.id, min_value=0, max_value=0,
            meta={"rule_id": r.id, "severity": r.severity, "message_en": r.message_en},
        )
        for r in rules
    ]


def findings_integrity_expectations(rule_ids: list[str]) -> list[Any]:
    """Expectations on the ``check_findings`` table itself (what must hold before publishing)."""
    wait_for_gx()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations.expectations as gxe
    meta = {"severity": "E"}
    return [
        gxe.ExpectColumnValuesToBeUnique(column="finding_id", meta=meta | {"rule_id": "finding_id unique"}),
        gxe.ExpectColumnValuesToNotBeNull(column="finding_id", meta=meta | {"rule_id": "finding_id not null"}),
        gxe.ExpectColumnValuesToNotBeNull(column="report_id", meta=meta | {"rule_id": "report_id not null"}),
        gxe.ExpectColumnValuesToBeInSet(column="severity", value_set=["E", "W", "I"],
                                        meta=meta | {"rule_id": "severity valid"}),
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["fail", "incomplete"],
                                        meta=meta | {"rule_id": "status valid"}),
        gxe.ExpectColumnValuesToBeInSet(column="rule_id", value_set=list(rule_ids),
                                        meta=meta | {"rule_id": "rule_id in catalogue"}),
    ]
