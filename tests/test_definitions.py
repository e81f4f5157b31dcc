"""The code location loads and has the shape the README promises."""

from __future__ import annotations

from dagster import AssetKey

from pipelines.definitions import defs
from pipelines.partitions import report_year_partitions


def test_definitions_load_with_table_named_assets() -> None:
    keys = {k.to_user_string() for k in defs.resolve_all_asset_keys()}
    for table in (
        "source_file",
        "stg_report",
        "stg_cell",
        "ingest_errors",
        "dim_agency",
        "dim_year",
        "dim_category",
        "dim_applicant_type",
        "dim_report",
        "fact_application",
        "fact_proactive_disclosure",
        "fact_review_litigation",
        "report_cells",
        "check_findings",
        "agg_t3_national",
        "agg_agency_year",
        "published_warehouse",
    ):
        assert table in keys


def test_every_asset_is_yearly_partitioned_from_2019_and_grouped_by_layer() -> None:
    graph = defs.resolve_asset_graph()
    groups = set()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.partitions_def == report_year_partitions, key
        groups.add(node.group_name)
    assert report_year_partitions.get_first_partition_key() == "2019"
    assert {"ingest", "warehouse", "checks", "published"} <= groups
    assert graph.get(AssetKey("fact_application")).group_name == "warehouse"


def test_job_is_defined_for_analysts() -> None:
    job = defs.resolve_job_def("annual_reports_job")
    assert job.partitions_def == report_year_partitions
