"""Narrative-vs-table rules know the report scope: region-wide figures (全市/全区/全县/全省…) quoted in an
agency-scope report are not that agency's counts — a mismatch is informational (I), not a W violation;
in the region's aggregate report they are its own figures and a mismatch stays W."""

from __future__ import annotations

import pytest

from xxgk.rules.fixtures import clean_cells, evaluate, fails, report

REGION_WIDE = "全市共收到政府信息公开申请{n}件，办结{n}件。全市行政复议{r}件。"
OWN = "本机关共收到政府信息公开申请{n}件。行政复议{r}件。"


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_region_wide_quote_in_agency_report_is_informational(version: str) -> None:
    text = {"S1": REGION_WIDE.format(n=1234, r=56)}
    run = evaluate([report("office", version, agency="某市人民政府办公室", text=text, scope="agency")])
    f = fails(run.findings)
    n = f[f["rule_id"].isin(["N-T3", "N-T4"])]
    assert len(n) == 3 and set(n["severity"]) == {"I"}, n[["rule_id", "severity", "evidence"]]
    assert all("region-wide" in e for e in n["evidence"])
    assert f[f["severity"].isin(["E", "W"]) & f["rule_id"].str.startswith("N-")].empty


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_region_wide_quote_in_aggregate_report_stays_a_warning(version: str) -> None:
    text = {"S1": REGION_WIDE.format(n=1234, r=56)}
    run = evaluate([report("city", version, agency="某市人民政府", text=text, scope="aggregate")])
    n = fails(run.findings)
    n = n[n["rule_id"].isin(["N-T3", "N-T4"])]
    assert len(n) == 3 and set(n["severity"]) == {"W"}


def test_own_figure_mismatch_in_agency_report_stays_a_warning() -> None:
    run = evaluate([report("office", "2021", text={"S1": OWN.format(n=999, r=77)}, scope="agency")])
    n = fails(run.findings)
    n = n[n["rule_id"].isin(["N-T3", "N-T4"])]
    assert len(n) == 2 and set(n["severity"]) == {"W"}


def test_region_wide_quote_matching_the_table_passes() -> None:
    cells = clean_cells("2021")
    text = {"S1": f"全市共收到政府信息公开申请{int(cells['T3:1:TOTAL'])}件。"}
    run = evaluate([report("office", "2021", text=text, scope="agency")])
    assert fails(run.findings, "N-T3").empty
