"""Registry parsing and validation, deadlines as data, publication dates of the real corpus."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from xxgk.compliance.deadlines import DeadlineError, deadline_for, parse_deadlines
from xxgk.compliance.registry import alias_map, parse_registry
from xxgk.warehouse.star import agency_key

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def test_registry_rename_resolves_to_latest_name() -> None:
    reg = parse_registry(
        "id,name,aliases,valid_from,valid_to\n"
        "k,海安市科学技术局,海安科技局,2019,2020-12-31\n"
        "k,海安市科技创新局,,2021,\n"
    )
    assert reg.problems == []
    aliases = alias_map(reg)
    new = agency_key("海安市科技创新局", aliases)
    assert agency_key("海安市科技局", aliases) == agency_key("海安市科学技术局", aliases) == new
    assert agency_key("海安市科技局") != new  # without the registry: two agencies
    old, cur = sorted(reg.periods, key=lambda p: p.valid_from)
    assert old.covers_year(2020) and not old.covers_year(2021) and cur.covers_year(2021)


@pytest.mark.parametrize(
    "row, code",
    [
        ("a,X市科技局,,2021,2019", "registry_bad_period"),
        ("a,X市科技局,,20xx,", "registry_bad_date"),
        ("a,,,2019,", "registry_empty_name"),
    ],
)
def test_registry_rejects_bad_rows(row: str, code: str) -> None:
    reg = parse_registry("id,name,aliases,valid_from,valid_to\n" + row + "\n")
    assert [p.code for p in reg.problems] == [code] and reg.periods == []


def test_registry_overlap_and_alias_clash_reported() -> None:
    reg = parse_registry(
        "id,name,aliases,valid_from,valid_to\na,南通市科技局,,2019,\na,南通市科技创新局,,2020,\n"
        "b,南通市教育局,南通市科技局,2019,\n"
    )
    assert {p.code for p in reg.problems} == {"registry_overlap", "registry_alias_clash"}
    assert parse_registry("foo\n1\n").problems[0].code == "registry_no_name_column"


def test_deadlines_national_and_override() -> None:
    assert deadline_for("department", "county", 2019) == (dt.date(2020, 1, 31), "national")
    assert deadline_for("government", "prefecture", 2023)[0] == dt.date(2024, 3, 31)
    assert deadline_for(None, None, 2023)[0] == dt.date(2024, 3, 31)  # unknown kind: lenient
    assert deadline_for("department", "prefecture", 2021, ("湖南省", "怀化市", None))[0] == dt.date(2022, 1, 28)
    assert deadline_for("department", "prefecture", 2022, ("湖南省", "怀化市", None))[0] == dt.date(2023, 1, 31)
    with pytest.raises(DeadlineError):
        parse_deadlines({"national": {"department": "13-01", "unknown": "03-31"}})
    with pytest.raises(DeadlineError):
        parse_deadlines({"national": {"department": "01-31"}})


@pytest.mark.slow
def test_corpus_publication_dates_and_scope(tmp_env: dict[str, Path]) -> None:
    """平潭 pages carry 发布时间; Shanghai 2019 was published 2020-01-31 (manifest); the PDFs carry none."""
    if not (CORPUS / "reports").is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (CI places ../shared beside the clone)")
    from tests.pipeline_helpers import query, run_years

    inbox = tmp_env["inbox"]
    shutil.copytree(CORPUS / "reports", inbox / "reports")
    (inbox / "manifest.csv").write_text(
        "file,published_date\nreports/shanghai_szfbgt_2019.html,2020-01-31\n", encoding="utf-8"
    )
    run_years(2019, 2025)
    got = {
        f: (d, s, sc)
        for f, d, s, sc in query(
            tmp_env["db"], "SELECT source_file, published_date, published_date_source, scope FROM dim_report"
        )
    }
    assert got["reports/pingtan_2019.txt"][:2] == ("2020-01-20", "page_meta")
    assert got["reports/pingtan_2021.txt"][:2] == ("2022-02-08", "page_meta")
    assert got["reports/pingtan_2023.txt"][:2] == ("2024-03-08", "page_meta")
    assert got["reports/pingtan_2025.txt"][:2] == ("2026-03-10", "page_meta")
    assert got["reports/shanghai_szfbgt_2019.html"][:2] == ("2020-01-31", "manifest")
    for pdf in ("hongze_2023.pdf", "hongze_2024.pdf", "huaian_2024.pdf"):
        assert got[f"reports/{pdf}"][:2] == (None, None)
    cal = {
        (a, y): (st, late)
        for a, y, st, late in query(
            tmp_env["db"],
            "SELECT printed_name, year, status, days_late FROM compliance_calendar WHERE report_id IS NOT NULL",
        )
    }
    # 平潭 2023 published 2024-03-08, on time for a government (3月31日); Shanghai's office on 1月31日 itself
    assert cal[("平潭综合实验区", 2023)] == ("published", 0)
    assert cal[("上海市人民政府办公厅", 2019)] == ("published", 0)
    # undated PDFs are never judged late; no year without reports is declared missing
    missing = query(tmp_env["db"], "SELECT agency_name, year FROM compliance_calendar WHERE status = 'missing'")
    assert all(y in (2019, 2021, 2023, 2024, 2025) for _, y in missing)


def test_registry_fingerprint_follows_agencies_and_names_not_facts(tmp_path: Path) -> None:
    """The registry tables are rebuilt when an agency or a printed agency name changes, not when only the
    figures of a report do (a 1 % re-run of revised copies keeps them)."""
    import duckdb

    from assets.compliance import registry_fingerprint

    con = duckdb.connect()
    con.execute("CREATE TABLE dim_agency (agency_key BIGINT, agency_name VARCHAR, province VARCHAR)")
    con.execute("CREATE TABLE dim_report (report_id VARCHAR, agency VARCHAR, n_cells INTEGER)")
    con.execute("INSERT INTO dim_agency VALUES (1, '海安市科技局', '江苏省')")
    con.execute("INSERT INTO dim_report VALUES ('r1', '海安市科技局', 200)")
    first = registry_fingerprint(con, tmp_path)
    con.execute("UPDATE dim_report SET report_id = 'r2', n_cells = 161")  # a revised copy, same agency
    assert registry_fingerprint(con, tmp_path) == first
    con.execute("INSERT INTO dim_report VALUES ('r3', '海安市科学技术局', 200)")  # a new printed name
    second = registry_fingerprint(con, tmp_path)
    assert second != first
    con.execute("UPDATE dim_agency SET province = '江苏'")
    third = registry_fingerprint(con, tmp_path)
    assert third != second
    (tmp_path / "registry.csv").write_text("id,name,aliases,valid_from,valid_to\nk,海安市科技局,,2019,\n")
    assert registry_fingerprint(con, tmp_path) != third
