"""In-memory warehouse fixtures for rule tests: ``report_cells``, ``dim_report``, ``report_text``.

``make_report`` turns a ``{cell code: value}`` dict into report_cells rows. A value of ``None`` is a
blank cell; a string is a marker ('/', '—', '无') with a NULL value. Helpers also fill a full clean
report of either format, and build reports from the hand-checked corpus truth files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from xxgk.template.model import T3_APPLICANT_COLUMNS, load_format

CellValues = dict[str, float | int | str | None]

_CELLS_DDL = """
CREATE TABLE IF NOT EXISTS report_cells (
    report_id VARCHAR, source_file VARCHAR, agency VARCHAR, region VARCHAR, year INTEGER,
    format_version VARCHAR, table_code VARCHAR, row_code VARCHAR, col_code VARCHAR, value DOUBLE,
    raw_text VARCHAR, is_blank BOOLEAN, marker VARCHAR, confidence DOUBLE)
"""
_DIM_DDL = """
CREATE TABLE IF NOT EXISTS dim_report (
    report_id VARCHAR, agency VARCHAR, agency_key BIGINT, region VARCHAR, province VARCHAR, city VARCHAR,
    county VARCHAR, level VARCHAR, sector VARCHAR, year INTEGER, format_version VARCHAR,
    expected_version VARCHAR, scope VARCHAR, parse_status VARCHAR, is_current BOOLEAN, source_file VARCHAR,
    source_files VARCHAR[])
"""
_TEXT_DDL = "CREATE TABLE IF NOT EXISTS report_text (report_id VARCHAR, section VARCHAR, text VARCHAR)"


@dataclass
class FixtureReport:
    """One report of a fixture warehouse."""

    report_id: str
    agency: str
    year: int
    format_version: str
    cells: CellValues
    region: str = "测试省测试市"
    agency_key: int | None = None
    level: str | None = "prefecture"
    sector: str | None = "人民政府"
    is_current: bool = True
    text: dict[str, str] = field(default_factory=dict)
    scope: str = "agency"  # dim_report.scope: 'agency' | 'aggregate' | 'unknown'
    raw: dict[str, str] = field(default_factory=dict)


def cell_rows(rep: FixtureReport) -> list[dict[str, Any]]:
    """report_cells rows of one fixture report."""
    out = []
    for code, v in rep.cells.items():
        table, row, col = code.split(":")
        marker = v if isinstance(v, str) else None
        value = None if v is None or isinstance(v, str) else float(v)
        raw = rep.raw.get(code, marker if marker is not None else ("" if v is None else str(v)))
        out.append(
            {
                "report_id": rep.report_id, "source_file": f"{rep.report_id}.txt", "agency": rep.agency,
                "region": rep.region, "year": rep.year, "format_version": rep.format_version,
                "table_code": table, "row_code": row, "col_code": col, "value": value, "raw_text": raw,
                "is_blank": v is None, "marker": marker, "confidence": 1.0,
            }
        )
    return out


def build_warehouse(
    reports: list[FixtureReport], con: duckdb.DuckDBPyConnection | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection (in memory unless given) holding the three contract tables."""
    con = con or duckdb.connect()
    for ddl in (_CELLS_DDL, _DIM_DDL, _TEXT_DDL):
        con.execute(ddl)
    rows = [r for rep in reports for r in cell_rows(rep)]
    if rows:
        con.register("_fx_cells", pd.DataFrame(rows))
        con.execute("INSERT INTO report_cells BY NAME SELECT * FROM _fx_cells")
        con.unregister("_fx_cells")
    for rep in reports:
        key = rep.agency_key if rep.agency_key is not None else abs(hash(rep.agency)) % (2**62)
        con.execute(
            "INSERT INTO dim_report (report_id, agency, agency_key, region, level, sector, year, format_version,"
            " expected_version, scope, parse_status, is_current, source_file, source_files)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ok', ?, ?, ?)",
            [rep.report_id, rep.agency, key, rep.region, rep.level, rep.sector, rep.year, rep.format_version,
             rep.format_version, rep.scope, rep.is_current, f"{rep.report_id}.txt", [f"{rep.report_id}.txt"]],
        )
        for section, text in rep.text.items():
            con.execute("INSERT INTO report_text VALUES (?, ?, ?)", [rep.report_id, section, text])
    return con


def clean_cells(
    version: str, t3_np: dict[str, int] | None = None, t4: dict[str, tuple[int, ...]] | None = None
) -> CellValues:
    """A complete, internally consistent report of ``version`` (every template cell present).

    ``t3_np`` gives natural-person counts per outcome leaf (row 1 and 3.7 follow; LP_COM gets 1 in 3.1).
    """
    fm = load_format(version)
    leaves = fm.t3_outcome_leaves()
    np_ = {leaf: 0 for leaf in leaves} | (t3_np or {"3.1": 5, "3.2": 2, leaves[-1]: 1})
    cells: CellValues = {}
    per_row: dict[str, dict[str, int]] = {r.code: dict.fromkeys(T3_APPLICANT_COLUMNS, 0) for r in fm.t3_numeric_rows()}
    for leaf, n in np_.items():
        per_row[leaf]["NP"] = n
    per_row["3.1"]["LP_COM"] = 1
    for col in T3_APPLICANT_COLUMNS:
        total = sum(per_row[leaf][col] for leaf in leaves)
        per_row["3.7"][col] = total
        per_row["2"][col] = 1 if col == "NP" else 0
        per_row["4"][col] = 1 if col == "NP" else 0
        per_row["1"][col] = total + per_row["4"][col] - per_row["2"][col]
    for row, vals in per_row.items():
        for col, v in vals.items():
            cells[f"T3:{row}:{col}"] = v
        cells[f"T3:{row}:TOTAL"] = sum(vals.values())
    blocks = t4 or {"AR": (2, 1, 0, 1), "AL_D": (1, 0, 0, 0), "AL_R": (0, 0, 0, 1)}
    for b, parts in blocks.items():
        for col, v in zip(("MAINTAIN", "CORRECT", "OTHER", "PENDING"), parts, strict=True):
            cells[f"T4:{b}:{col}"] = v
        cells[f"T4:{b}:TOTAL"] = sum(parts)
    for c in fm.cells:
        if c.table == "T2":
            cells[c.code] = 3
    if version == "2019":
        cells["T2:20.1.1:new_made"] = cells["T2:20.1.1:new_pub"] = 0
        cells["T2:20.1.1:total_pub"] = 0
        cells["T2:20.1.2:total_pub"] = 10
    else:
        cells["T2:20.1.1:made"] = cells["T2:20.1.1:repealed"] = cells["T2:20.1.1:valid"] = 0
        cells["T2:20.8.1:fee_wan"] = 12.5
    return cells


def truth_report(path: Path, report_id: str | None = None) -> FixtureReport:
    """A fixture report from a hand-checked corpus truth file (only the cells it lists)."""
    d = json.loads(path.read_text(encoding="utf-8"))
    return FixtureReport(
        report_id=report_id or path.name.split(".")[0],
        agency=d["agency"],
        year=int(d["year"]),
        format_version=str(d["format"]),
        cells=dict(d["cells"]),
        region=d["region"],
        level=None,
        sector=None,
    )


# --- test helpers: build, evaluate and filter in one line -------------------------------------------

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
TRUTH = CORPUS / "truth"


def report(
    rid: str, version: str = "2021", year: int | None = None, agency: str = "测试市人民政府",
    changes: CellValues | None = None, **kw: Any,
) -> FixtureReport:
    """A clean report of ``version`` with ``changes`` applied to its cells (None = blank)."""
    cells = clean_cells(version)
    cells.update(changes or {})
    return FixtureReport(rid, agency, year or (2021 if version == "2021" else 2019), version, cells, **kw)


def evaluate(reports: list[FixtureReport], years: list[int] | None = None, rule_ids: list[str] | None = None) -> Any:
    """``run_rules`` on a fresh in-memory warehouse holding ``reports``."""
    from xxgk.rules.evaluate import run_rules

    return run_rules(build_warehouse(reports), years, rule_ids)


def fails(findings: pd.DataFrame, rule_id: str | None = None, report_id: str | None = None) -> pd.DataFrame:
    """The 'fail' findings, optionally of one rule and / or one report."""
    f = findings[findings["status"] == "fail"]
    if rule_id:
        f = f[f["rule_id"] == rule_id]
    if report_id:
        f = f[f["report_id"] == report_id]
    return f


def cellsets(findings: pd.DataFrame) -> set[str]:
    """The findings' cell sets as comma-joined strings."""
    return {",".join(c) for c in findings["cells"]}
