"""Typed view of ``template_schema.json``: rows, columns and cells of T2, T3 and T4 per format."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

FormatVersion = Literal["2019", "2021"]
FORMAT_VERSIONS: tuple[FormatVersion, ...] = ("2019", "2021")

T3_COLUMNS: tuple[str, ...] = ("NP", "LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH", "TOTAL")
T3_APPLICANT_COLUMNS: tuple[str, ...] = T3_COLUMNS[:-1]
T4_BLOCKS: tuple[str, ...] = ("AR", "AL_D", "AL_R")
T4_COLUMNS: tuple[str, ...] = ("MAINTAIN", "CORRECT", "OTHER", "PENDING", "TOTAL")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table: its stable code, verbatim label and value type."""

    code: str
    label: str
    value_type: str = "count"  # count | signed_count | money_unit_in_cell | money_wanyuan
    parent: str | None = None


@dataclass(frozen=True)
class RowSpec:
    """One template row (a category): T2 item rows and block captions, T3 rows, T4 blocks."""

    table: str
    code: str
    label: str
    kind: str  # data | leaf | group | total | header | block
    parent: str | None
    columns: tuple[ColumnSpec, ...]
    order: int

    @property
    def has_cells(self) -> bool:
        return bool(self.columns)


@dataclass(frozen=True)
class CellSpec:
    """One numeric cell of a format: ``T3:3.3.1:NP``."""

    table: str
    row: str
    col: str
    value_type: str

    @property
    def code(self) -> str:
        return cell_code(self.table, self.row, self.col)


def cell_code(table: str, row: str, col: str) -> str:
    return f"{table}:{row}:{col}"


@dataclass(frozen=True)
class FormatModel:
    """All rows and cells of one national format version."""

    version: FormatVersion
    rows: tuple[RowSpec, ...]

    def table_rows(self, table: str) -> tuple[RowSpec, ...]:
        return tuple(r for r in self.rows if r.table == table)

    def row(self, table: str, code: str) -> RowSpec:
        for r in self.rows:
            if r.table == table and r.code == code:
                return r
        raise KeyError(f"{table}:{code} is not a row of format {self.version}")

    @property
    def cells(self) -> tuple[CellSpec, ...]:
        return tuple(
            CellSpec(r.table, r.code, c.code, c.value_type) for r in self.rows for c in r.columns
        )

    @property
    def cell_codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.cells)

    def t3_numeric_rows(self) -> tuple[RowSpec, ...]:
        return tuple(r for r in self.table_rows("T3") if r.has_cells)

    def t3_outcome_leaves(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.table_rows("T3") if r.kind == "leaf")

    def t3_groups(self) -> dict[str, tuple[str, ...]]:
        """Group row code -> its leaf rows (3.3, 3.4, 3.5, and 3.6 in 2021)."""
        groups = {r.code: () for r in self.table_rows("T3") if r.kind == "group"}
        out: dict[str, tuple[str, ...]] = {}
        for g in groups:
            out[g] = tuple(r.code for r in self.table_rows("T3") if r.parent == g)
        return out


@cache
def _schema() -> dict[str, Any]:
    text = resources.files("xxgk.template").joinpath("template_schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def load_format(version: str) -> FormatModel:
    """The model of format ``version`` ('2019' or '2021')."""
    if version not in FORMAT_VERSIONS:
        raise ValueError(f"unknown template version {version!r}; known: {FORMAT_VERSIONS}")
    schema = _schema()
    rows: list[RowSpec] = []

    def add(table: str, code: str, label: str, kind: str, parent: str | None, cols: tuple) -> None:
        rows.append(RowSpec(table, code, label, kind, parent, cols, len(rows)))

    for block in schema["T2"][version]:
        cols = tuple(ColumnSpec(c["code"], c["label"], c.get("type", "count")) for c in block["columns"])
        add("T2", block["code"], block["caption"], "block", None, ())
        for r in block["rows"]:
            add("T2", r["code"], r["label"], "data", block["code"], cols)

    t3_cols = tuple(ColumnSpec(c["code"], c["label"], "count", c.get("parent")) for c in schema["T3"]["columns"])
    for r in schema["T3"]["rows"][version]:
        numeric = r["kind"] in ("data", "leaf", "total")
        add("T3", r["code"], r["label"], r["kind"], r.get("parent"), t3_cols if numeric else ())

    t4 = schema["T4"]
    t4_cols = tuple(ColumnSpec(c["code"], c["label"]) for c in t4["columns"])
    for b in t4["blocks"]:
        add("T4", b["code"], b["label"], "block", b.get("parent"), t4_cols)
    return FormatModel(version, tuple(rows))  # type: ignore[arg-type]


def expected_version(report_year: int) -> FormatVersion | None:
    """The format a report of ``report_year`` must use (None before 2019: legacy)."""
    if report_year >= 2021:
        return "2021"
    if report_year >= 2019:
        return "2019"
    return None
