"""Deterministic generator of 政府信息公开工作年度报告 (sample inbox, tests, benchmarks).

Pure Python (no Dagster). Main entry points:

* ``write_inbox(out_dir, *, seed, n_agencies, years, media_mix, defect_rates) -> list[Path]``
* ``generate_reports(...)`` — the same reports as data (``GeneratedReport``), not written;
* ``build_agencies(seed, n_agencies)`` — the agency hierarchy;
* ``DefectRates`` — per-kind injection rates; ``render`` — bytes of one report.
"""

from .agencies import Agency, build_agencies
from .defects import DefectRates
from .inbox import generate_reports, parse_years, render, write_inbox
from .report import GeneratedReport, Layout
from .truth import truth_dict

__all__ = [
    "Agency",
    "DefectRates",
    "GeneratedReport",
    "Layout",
    "build_agencies",
    "generate_reports",
    "parse_years",
    "render",
    "truth_dict",
    "write_inbox",
]
