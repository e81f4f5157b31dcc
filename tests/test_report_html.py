"""The static HTML report: charts present, CSV downloads, agency pages, offline, escaped."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import duckdb
import pytest

from tests.pipeline_helpers import add_seed, run_years
from xxgk.report.html import write_report

HOSTILE = '<script>alert("x")</script>县科技局'


def _published(tmp_env: dict[str, Path]) -> Path:
    inbox = tmp_env["inbox"]
    add_seed(inbox)
    seed = inbox / "seed" / "000_7f3569336a1c441f.txt"
    (inbox / "seed" / "001.txt").write_bytes(seed.read_bytes() + b"\n")
    (inbox / "seed" / "002.txt").write_bytes(seed.read_bytes() + b"\n\n")
    with (inbox / "manifest.csv").open("a", encoding="utf-8") as f:
        f.write("seed/001.txt,如皋市科技局,如皋市,county,2020\n")
        f.write(f'seed/002.txt,"{HOSTILE.replace(chr(34), chr(34) * 2)}",海安市,county,2020\n')
    run_years(2019, 2020)
    return tmp_env["db"].parent / "published"


@pytest.mark.slow
def test_published_report_has_charts_csv_and_agency_pages(tmp_env: dict[str, Path]) -> None:
    published = _published(tmp_env)
    page = (published / "report.html").read_text(encoding="utf-8")
    for anchor in ("volume", "rates", "rules", "zero", "coverage", "agencies"):
        assert f'id="{anchor}"' in page, anchor
    assert page.count("<svg") >= 4
    assert "Applications received" in page and "Outcomes of concluded requests" in page
    # offline: no external resource (only the SVG namespace names a URL)
    assert not re.search(r'(src|href)="https?://', page)
    # every table has a CSV download whose content is the table's data
    links = re.findall(r'download="([^"]+)\.csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', page)
    assert {"by_year", "agencies"} <= {name for name, _ in links}
    by_year = base64.b64decode(dict(links)["by_year"]).decode("utf-8")
    assert by_year.lstrip("\ufeff").splitlines()[0].startswith("year,reports,received")
    assert len(by_year.strip().splitlines()) == 3  # header + 2019 + 2020
    # agency pages, linked from the index, with their findings section
    pages = sorted((published / "agencies").glob("*.html"))
    assert len(pages) == 3
    assert all(f'href="agencies/{p.name}"' in page for p in pages)
    agency = pages[0].read_text(encoding="utf-8")
    assert "Findings (" in agency and 'href="../report.html"' in agency
    # a hostile agency name is shown as text, never as markup
    everything = page + "".join(p.read_text(encoding="utf-8") for p in pages)
    assert "<script>" not in everything
    assert "&lt;script&gt;" in everything


def test_report_on_an_empty_warehouse_still_writes(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    try:
        path = write_report(con, tmp_path / "out" / "report.html")
    finally:
        con.close()
    text = path.read_text(encoding="utf-8")
    assert "no reports yet" in text and (tmp_path / "out" / "agencies").is_dir()


def test_rewrite_replaces_agency_pages(tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    stale = out.parent / "agencies" / "stale.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    con = duckdb.connect()
    try:
        write_report(con, out)
    finally:
        con.close()
    assert not stale.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temporary left behind


def test_zero_filled_and_rule_rates_count_reports() -> None:
    """Zero-filled: current reports whose every printed T3 number is 0 (blank cells ignored; nothing printed
    is not zero-filled). Rule rates: reports with a checked / a failing cell set, once per report."""
    from xxgk.report.queries import rule_rates, zero_filled

    con = duckdb.connect()
    con.execute("CREATE TABLE dim_report (report_id VARCHAR, year INTEGER, is_current BOOLEAN)")
    con.execute(
        "INSERT INTO dim_report VALUES ('zeros', 2021, true), ('mixed', 2021, true), ('blank', 2021, true), "
        "('old-zeros', 2021, false), ('z20', 2020, true)"
    )
    con.execute("CREATE TABLE fact_application (report_id VARCHAR, value DOUBLE)")
    con.execute(
        "INSERT INTO fact_application VALUES ('zeros', 0), ('zeros', NULL), ('zeros', 0), ('mixed', 0), "
        "('mixed', 3), ('blank', NULL), ('old-zeros', 0), ('z20', 0)"
    )
    assert zero_filled(con).values.tolist() == [[2020, 1, 1, 1.0], [2021, 3, 1, 1 / 3]]
    con.execute(
        "CREATE TABLE check_rule_coverage (rule_id VARCHAR, year INTEGER, report_id VARCHAR, "
        "n_checked INTEGER, n_fail INTEGER)"
    )
    con.execute(
        "INSERT INTO check_rule_coverage VALUES ('R1', 2021, 'a', 2, 1), ('R1', 2021, 'a', 1, 1), "
        "('R1', 2021, 'b', 3, 0), ('R1', 2021, 'c', 0, 0), ('R2', 2021, 'a', 1, 0)"
    )
    assert rule_rates(con).values.tolist() == [["R1", 2021, 2, 1, 0.5], ["R2", 2021, 1, 0, 0.0]]
