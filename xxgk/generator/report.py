"""The generated report as data: printed cells, their text, layout options and recorded defects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .agencies import Agency
from .numbers import YearValues

NUMBERING_STYLES = ("1.", "1、", "（1）")
ZERO_STYLES = ("0", "blank", "/", "—")
T4_LAYOUTS = ("row15", "matrix", "rows3")


@dataclass(frozen=True)
class Layout:
    """Presentation options (§8.5 layout variants). None of them changes a value."""

    t2_split: bool = False  # one table per 第二十条 block instead of a single table
    t4_layout: str = "row15"  # row15 | matrix (3×5) | rows3 (three separate rows)
    lp_sub: bool = False  # extra 法人或其他组织 小计 column (LP_SUB)
    numbering: str = "1."  # numbering of T3 sub-rows: '1.' | '1、' | '（1）'
    zero_style: str = "0"  # how zero T3/T4 cells are printed: '0' | 'blank' | '/' | '—'
    delta_sign: bool = True  # print V2019 本年增/减 with '+'


@dataclass(frozen=True)
class Quirks:
    """Real-world rendering quirks (issue 4), one switch each so a test can ask for one at a time.

    Value formats (every medium, applied to ``display`` by ``quirks.apply_quirks``; truth stays exact):
    ``units`` (件 on counts, 万元 on fees), ``fee_decimals`` (万元 amounts printed with 0–4 decimals),
    ``thousands`` ('1,234'), ``fullwidth`` ('１２３'). Structure (PDF/DOCX renderers): ``t3_break``
    (force a page break before this T3 body row index, counted from the first value row),
    ``cut_row`` (the break falls inside that row: its wrapped label continues on the next page),
    ``footer`` (page-number style, '{n}' replaced), ``vertical`` (三、本年度办理结果 written vertically),
    ``narrow_labels`` (label columns narrow enough that row labels and headers wrap mid-word),
    ``subtotals`` (a 小计 row closing each T3 group), ``single_other`` (a 2021 T3 with one （六）其他处理
    row; truth holds T3:3.6 instead of 3.6.1–3.6.3), ``typo`` (行政法复议: '' none, 'heading' in the
    section-four heading, 'table' in the heading and the T4 table).
    """

    units: bool = False
    fee_decimals: int | None = None
    thousands: bool = False
    fullwidth: bool = False
    t3_break: int | None = None
    cut_row: bool = False
    footer: str = "- {n} -"
    vertical: bool = True
    narrow_labels: bool = False
    subtotals: bool = False
    single_other: bool = False
    typo: str = ""


@dataclass
class GeneratedReport:
    """One agency-year report. ``cells`` are the printed values (None = blank or marker)."""

    agency: Agency
    year: int
    version: str  # printed template format: '2019' | '2021'
    clean: YearValues
    cells: dict[str, float | None]
    display: dict[str, str]
    layout: Layout
    published_date: dt.date
    markers: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    quotes: dict[str, int] = field(default_factory=dict)  # numbers the narrative states
    defects: list[dict[str, Any]] = field(default_factory=list)
    media: str = "html"
    encoding: str = "utf-8"
    path: str = ""  # relative path inside the inbox, set when written
    text_year: int | None = None  # year whose wording the narrative reuses (copied reports)
    quirks: Quirks = field(default_factory=Quirks)  # rendering quirks (PDF/DOCX structure, value formats)
    unobservable: dict[str, str] = field(default_factory=dict)  # cells the media destroyed → why (observe.py)

    @property
    def expected_version(self) -> str:
        return "2021" if self.year >= 2021 else "2019"

    @property
    def title(self) -> str:
        """'2019年X局政府信息公开工作年度报告' or 'X局2019年…'; aggregates use the bare region name."""
        a = self.agency
        name = a.name.removesuffix("人民政府") if a.scope == "aggregate" else a.name
        if sum(map(ord, a.agency_id)) % 3 == 0:
            return f"{self.year}年{name}政府信息公开工作年度报告"
        return f"{name}{self.year}年度政府信息公开工作年度报告"

    def text(self, code: str) -> str:
        """The text printed in a cell ('' for blank)."""
        return self.display.get(code, "")


def format_value(code: str, value: float | None, *, unit: str | None = None, delta_sign: bool = True,
                 decimals: int = 2) -> str:
    """Printed text of a value (None → '')."""
    if value is None:
        return ""
    col = code.rsplit(":", 1)[-1]
    if col == "fee_wan":
        return "0" if value == 0 else f"{value:.{decimals}f}"
    if col == "proc_amount":
        if value == 0:
            return "0"
        num = str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
        return num + (unit or "")
    text = str(int(value)) if float(value).is_integer() else str(value)
    if col == "delta" and delta_sign and value > 0:
        return "+" + text
    return text
