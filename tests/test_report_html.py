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
