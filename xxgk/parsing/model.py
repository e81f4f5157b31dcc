"""What a parser returns: one report with its cells, metadata and located problems.

Pure data; no I/O. The warehouse loader turns these into rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PARSER_VERSION = "0.2.1"

Media = Literal["html", "txt", "pdf", "docx", "unknown"]
ParseStatus = Literal["ok", "partial", "failed"]
Scope = Literal["agency", "aggregate", "unknown"]


@dataclass(slots=True)
class ParsedCell:
    """One cell of T2/T3/T4 as printed.

    ``raw_text`` is the source text of the cell exactly ('' when the cell is empty).
    ``value`` is the number printed, None when the cell is blank, a marker ("/", "—", "无") or unreadable.
    A printed number is never changed to make a sum work.
    """

    table_code: str  # T2 | T3 | T4
    row_code: str  # T3 row ('3.3.1'), T4 block ('AR'), T2 row ('20.1.2')
    col_code: str  # T3 column ('NP'), T4 column ('TOTAL'), T2 column ('valid')
    raw_text: str
    value: float | None
    is_blank: bool
    marker: str | None = None  # '/', '—', '-', '无', '不适用' when printed instead of a number
    unit: str | None = None  # '元', '万元', '件' when printed in the cell
    confidence: float = 1.0  # 1.0 read directly; lower when recovered (glued digits, position)
    alternatives: tuple[float, ...] = ()  # other readings of the same text that also fit

    @property
    def code(self) -> str:
        return f"{self.table_code}:{self.row_code}:{self.col_code}"


@dataclass
class ParseIssue:
    """A located problem found while reading a file (stored in ``ingest_errors``)."""

    stage: str  # read | decode | extract | tables | metadata | cells
    severity: Literal["error", "warning", "info"]
    code: str  # machine-readable reason, e.g. 'missing_table', 'ambiguous_glued_digits'
    message: str
    location: str = ""  # where: 'T3 row 3.7', 'page 3', 'line 120', 'byte 0'


@dataclass
class ParsedReport:
    """One report read from one file."""

    media: Media
    encoding: str | None = None
    title: str | None = None
    agency: str | None = None
    region: str | None = None  # the most specific region name, e.g. '海安市'
    province: str | None = None
    city: str | None = None
    county: str | None = None
    year: int | None = None
    format_version: str | None = None  # '2019' | '2021' | 'legacy' | None
    scope: Scope = "unknown"
    published_date: str | None = None  # ISO date when the source states it
    published_date_source: str | None = None
    metadata_sources: dict[str, str] = field(default_factory=dict)  # field -> 'title'|'body'|'manifest'...
    cells: list[ParsedCell] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    narrative: dict[str, str] = field(default_factory=dict)  # section code (S1, S5, S6) -> text
    text: str = ""  # the whole plain text (for narrative checks and copy detection)
    parser_version: str = PARSER_VERSION

    @property
    def status(self) -> ParseStatus:
        if not self.cells:
            return "failed"
        if any(i.severity == "error" for i in self.issues):
            return "partial"
        return "ok"

    def cell(self, code: str) -> ParsedCell | None:
        for c in self.cells:
            if c.code == code:
                return c
        return None

    def values(self) -> dict[str, float | None]:
        return {c.code: c.value for c in self.cells}
