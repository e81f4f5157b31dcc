"""The static HTML report (``published/report.html``): works offline, charts as inline SVG."""

from __future__ import annotations

import html
import os
import uuid
from pathlib import Path

import duckdb
import pandas as pd


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[
            0
        ]
    )


def _bar_chart(labels: list[str], values: list[float], title: str, fmt: str = "{:,.0f}") -> str:
    """A horizontal bar chart as inline SVG."""
    if not values:
        return f"<p><em>{html.escape(title)}: no data</em></p>"
    width, bar_h, label_w = 640, 22, 170
    top = max(max(values), 1e-9)
    rows = []
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        w = (width - label_w - 80) * (v / top if v == v else 0)
        y = 28 + i * bar_h
        rows.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{html.escape(str(label))}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 6}" fill="#3a6ea5"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}">{html.escape(fmt.format(v) if v == v else "—")}</text>'
        )
    height = 36 + bar_h * len(values)
    return (
        f'<svg class="chart" role="img" aria-label="{html.escape(title)}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="sans-serif">'
        f'<text x="0" y="16" font-weight="bold">{html.escape(title)}</text>{"".join(rows)}</svg>'
    )


def _frame_table(frame: pd.DataFrame, table_id: str) -> str:
    return (
        f'<div class="tbl"><a download="{table_id}.csv" href="data:text/csv;charset=utf-8,'
        f'{html.escape(_csv_uri(frame))}">CSV</a>'
        + frame.to_html(index=False, table_id=table_id, na_rep="—", float_format=lambda v: f"{v:,.3g}")
        + "</div>"
    )


def _csv_uri(frame: pd.DataFrame) -> str:
    from urllib.parse import quote

    return quote("\ufeff" + frame.to_csv(index=False))


def build_report_html(con: duckdb.DuckDBPyConnection) -> str:
    parts: list[str] = ["<h1>政府信息公开工作年度报告 · 数据报告</h1>"]
    if _table_exists(con, "agg_agency_year"):
        by_year = con.execute(
            "SELECT year, count(*) AS reports, sum(received) AS received, sum(concluded) AS concluded, "
            "sum(disclosed) AS disclosed, sum(refused) AS refused, sum(reviews) AS reviews, "
            "sum(lawsuits) AS lawsuits FROM agg_agency_year GROUP BY year ORDER BY year"
        ).df()
        parts.append("<h2>Volume and outcomes by year</h2>")
        parts.append(
            _bar_chart(
                [str(y) for y in by_year.year],
                by_year.received.fillna(0).tolist(),
                "Applications received (T3 row 1, 总计)",
            )
        )
        parts.append(_frame_table(by_year, "by_year"))
    if _table_exists(con, "agg_region_year"):
        regions = con.execute(
            "SELECT year, province, reports, received, refusal_rate, review_correction_rate "
            "FROM agg_region_year ORDER BY year, province"
        ).df()
        latest = regions[regions.year == regions.year.max()] if len(regions) else regions
        parts.append("<h2>Refusal rate by province (latest year)</h2>")
        parts.append(
            _bar_chart(
                latest.province.tolist(),
                latest.refusal_rate.fillna(0).tolist(),
                "Refused / concluded",
                "{:.1%}",
            )
        )
        parts.append(_frame_table(regions, "by_region"))
    if _table_exists(con, "check_findings"):
        rules = con.execute(
            "SELECT rule_id, severity, count(*) AS findings, count(DISTINCT report_id) AS reports "
            "FROM check_findings WHERE status = 'fail' GROUP BY ALL ORDER BY findings DESC"
        ).df()
        parts.append("<h2>Rule violations</h2>")
        parts.append(
            _bar_chart(
                rules.rule_id.tolist(), rules.reports.astype(float).tolist(), "Reports breaking each rule"
            )
        )
        parts.append(_frame_table(rules, "rules"))
    if _table_exists(con, "ingest_errors"):
        errors = con.execute(
            "SELECT stage, code, count(*) AS n FROM ingest_errors WHERE severity = 'error' GROUP BY ALL "
            "ORDER BY n DESC"
        ).df()
        parts.append("<h2>Files that could not be read fully</h2>")
        parts.append(_frame_table(errors, "ingest_errors"))
    style = (
        "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px}"
        ".tbl{margin:1em 0}.tbl a{font-size:12px;float:right}"
    )
    return (
        '<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>xxgk report</title>'
        f"<style>{style}</style></head><body>{''.join(parts)}</body></html>"
    )


def write_report(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Write the report atomically to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex[:8]}.tmp"
    tmp.write_text(build_report_html(con), encoding="utf-8")
    os.replace(tmp, path)
    return path
