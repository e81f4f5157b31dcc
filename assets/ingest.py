"""Ingest layer: the inbox scanned, hashed and parsed into the staging tables (the parse cache).

A graph-backed multi-asset of three ops, so parsing scales out on Dagster's own executors:

* ``ingest_scan`` (pool ``xxgk_warehouse``): walk the inbox, hash only files whose (path, size,
  mtime) changed, list the contents not yet parsed and emit them as dynamic shards (≤ 12,500 files,
  path order);
* ``ingest_parse_shard`` (no pool, one step per shard, run in parallel by the multiprocess, celery or
  k8s executor): parse the shard's files and write Parquet files under the run's shard folder;
* ``ingest_load`` (pool ``xxgk_warehouse``, the one writer): load every shard into the staging
  tables in one transaction (delete-then-insert by sha256), then drop the shard files.
"""

import time
from collections.abc import Iterator
from pathlib import Path

from dagster import (
    AssetOut,
    DynamicOut,
    DynamicOutput,
    MetadataValue,
    Nothing,
    OpExecutionContext,
    Out,
    Output,
    graph_multi_asset,
    op,
)

from assets.metadata import table_metadata
from pipelines.partitions import WAREHOUSE_POOL, report_year_partitions, single_run
from pipelines.resources import WarehouseResource
from xxgk.warehouse.shards import IngestPlan, ShardSpec, load_run, parse_shard, plan_ingest, remove_run_dir
from xxgk.warehouse.staging import shards_root, summarize

INGEST_ASSETS: dict[str, str] = {
    "source_file": "One row per (inbox path, content sha256) seen. A renamed or copied file adds a path, "
    "never a report. `present` says whether the path is in the inbox now.",
    "stg_report": "The parse cache: one row per distinct file content parsed by the current parser "
    "version (metadata, template version, parse status). Unchanged content is never parsed again.",
    "stg_cell": "One row per (content sha256, table, row, column): every cell as printed — raw text, "
    "value (NULL when blank or a marker such as '/'), blank flag, confidence, alternative readings.",
    "ingest_errors": "One row per located problem met while reading the inbox: file, stage, reason, "
    "where. Broken, hostile or non-report files end here; the run goes on.",
}


@op(
    pool=WAREHOUSE_POOL,
    out={"plan": Out(IngestPlan), "shards": DynamicOut(ShardSpec)},
    description="Scan the inbox: stat every file, hash changed ones, shard the contents to parse.",
)
def ingest_scan(context: OpExecutionContext, warehouse: WarehouseResource) -> Iterator[Output | DynamicOutput]:
    settings = warehouse.settings
    run_dir = shards_root(settings) / context.run_id
    with warehouse.connect() as con:
        plan = plan_ingest(
            con,
            settings.inbox,
            run_dir,
            max_file_bytes=settings.max_file_bytes,
            parse_seconds=settings.parse_seconds,
        )
    context.log.info(f"inbox {settings.inbox}: {plan.to_json()}")
    yield Output(
        plan,
        "plan",
        metadata={
            "files_seen": plan.files_seen,
            "files_hashed": plan.files_hashed,
            "contents_to_parse": plan.contents_to_parse,
            "shards": len(plan.shards),
        },
    )
    # Always at least one shard (possibly empty), so the collecting load step runs on a no-op re-run.
    specs = plan.shards or (ShardSpec(0, plan.run_dir, (), settings.max_file_bytes, settings.parse_seconds),)
    for spec in specs:
        yield DynamicOutput(spec, output_name="shards", mapping_key=f"shard_{spec.index:05d}")


@op(out=Out(str), description="Parse one shard of files into Parquet staging files (pure; no database).")
def ingest_parse_shard(context: OpExecutionContext, spec: ShardSpec) -> Output:
    counts = parse_shard(spec)
    context.log.info(f"shard {spec.index}: {len(spec.items)} files → {counts}")
    return Output(str(spec.out_dir), metadata={"files": len(spec.items), **counts})


@op(
    pool=WAREHOUSE_POOL,
    out={name: Out(Nothing) for name in INGEST_ASSETS},
    description="Load every shard into the staging tables in one transaction (the one writer).",
)
def ingest_load(
    context: OpExecutionContext, warehouse: WarehouseResource, plan: IngestPlan, shard_dirs: list[str]
) -> Iterator[Output]:
    run_dir = Path(plan.run_dir)
    t0 = time.perf_counter()
    with warehouse.connect() as con:
        t1 = time.perf_counter()
        loaded = load_run(con, run_dir, [Path(d) for d in sorted(shard_dirs)])
        summary = summarize(con, plan)
        context.log.info(f"loaded {loaded}; {summary}; open {t1 - t0:.2f} s, load {time.perf_counter() - t1:.2f} s")
        for name in INGEST_ASSETS:
            meta = table_metadata(con, name)
            meta.update(
                {
                    "inbox": MetadataValue.path(str(warehouse.settings.inbox)),
                    "files_seen": summary.files_seen,
                    "files_parsed": summary.files_parsed,
                    "files_unchanged": summary.files_unchanged,
                    "files_rejected": summary.files_rejected,
                    "shards": len(shard_dirs),
                }
            )
            yield Output(None, name, metadata=meta)
        t2 = time.perf_counter()
    context.log.info(f"metadata {t2 - t1:.2f} s; closed (checkpoint) in {time.perf_counter() - t2:.2f} s")
    remove_run_dir(run_dir)


@graph_multi_asset(
    outs={name: AssetOut(description=desc, dagster_type=Nothing) for name, desc in INGEST_ASSETS.items()},
    group_name="ingest",
    partitions_def=report_year_partitions,
    backfill_policy=single_run,
    can_subset=False,
)
def ingest_inbox() -> dict:
    """Scan the inbox (XXGK_INBOX), hash changed files, parse new content in parallel shards, load.

    The inbox is read whole whatever the partition: a file's report year is known only once it is
    parsed. Downstream assets load only the partition's years.
    """
    plan, shards = ingest_scan()
    shard_dirs = shards.map(ingest_parse_shard)
    return ingest_load(plan, shard_dirs.collect())
