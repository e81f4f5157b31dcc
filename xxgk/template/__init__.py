"""The national report templates (2019 trial format, 2021 format) as data.

Everything that names a cell — the parser, the warehouse schema, the rules — uses this one model.
Codes are those of docs/report-format.md: ``T3:<row>:<col>``, ``T4:<block>:<col>``, ``T2:<row>:<col>``.
"""

from xxgk.template.model import (
    FORMAT_VERSIONS,
    T3_COLUMNS,
    T4_BLOCKS,
    T4_COLUMNS,
    CellSpec,
    FormatModel,
    RowSpec,
    cell_code,
    expected_version,
    load_format,
)

__all__ = [
    "FORMAT_VERSIONS",
    "T3_COLUMNS",
    "T4_BLOCKS",
    "T4_COLUMNS",
    "CellSpec",
    "FormatModel",
    "RowSpec",
    "cell_code",
    "expected_version",
    "load_format",
]
