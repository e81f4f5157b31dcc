"""Inline SVG charts and colour-scaled tables for the static report (no JavaScript, works offline)."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

PALETTE = ("#3a6ea5", "#7fb069", "#e4a03b", "#c8553d", "#8d6a9f", "#6b7b8c", "#2a9d8f", "#b5838d")


def _num(v: float | None) -> float:
    return 0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _svg(title: str, width: int, height: int, body: str) -> str:
    t = html.escape(title)
    return (
        f'<svg class="chart" role="img" aria-label="{t}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" font-size="12" '
        f'font-family="sans-serif"><title>{t}</title>'
        f'<text x="0" y="16" font-weight="bold">{t}</text>{body}</svg>'
    )


def bar_chart(labels: Sequence[str], values: Sequence[float | None], title: str, fmt: str = "{:,.0f}") -> str:
    """Horizontal bars, one per label; a missing value is drawn as '—'."""
    if not values:
        return f'<p class="empty">{html.escape(title)}: no data</p>'
    width, bar_h, label_w = 680, 22, 190
    top = max(max(_num(v) for v in values), 1e-9)
    rows = []
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        w = (width - label_w - 90) * _num(v) / top
        y = 28 + i * bar_h
        text = "—" if v is None or (isinstance(v, float) and math.isnan(v)) else fmt.format(v)
        rows.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{html.escape(str(label))}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 6}" fill="{PALETTE[0]}">'
            f"<title>{html.escape(f'{label}: {text}')}</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}">{html.escape(text)}</text>'
        )
    return _svg(title, width, 36 + bar_h * len(values), "".join(rows))


def stacked_columns(
    categories: Sequence[str], series: dict[str, Sequence[float | None]], title: str, fmt: str = "{:,.0f}"
) -> str:
    """Vertical stacked columns (one per category, e.g. a year) with a legend."""
    if not categories:
        return f'<p class="empty">{html.escape(title)}: no data</p>'
    width, height, left, top_pad, bottom = 680, 300, 60, 50, 40
    totals = [sum(_num(s[i]) for s in series.values()) for i in range(len(categories))]
    top = max(max(totals), 1e-9)
    plot_h = height - top_pad - bottom
    step = (width - left - 10) / len(categories)
    col_w = min(60.0, step * 0.7)
    parts = []
    for k, name in enumerate(series):
        x = left + k * 110
        parts.append(
            f'<rect x="{x}" y="26" width="10" height="10" fill="{PALETTE[k % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="35">{html.escape(name)}</text>'
        )
    for i, cat in enumerate(categories):
        x = left + i * step + (step - col_w) / 2
        y = height - bottom
        for k, (name, values) in enumerate(series.items()):
            h = plot_h * _num(values[i]) / top
            y -= h
            tip = html.escape(f"{cat} {name}: {fmt.format(_num(values[i]))}")
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{tip}</title></rect>'
            )
        parts.append(
            f'<text x="{x + col_w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
            f"{html.escape(str(cat))}</text>"
            f'<text x="{x + col_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11">'
            f"{html.escape(fmt.format(totals[i]))}</text>"
        )
    parts.append(
        f'<line x1="{left - 4}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#999"/>'
    )
    return _svg(title, width, height, "".join(parts))


def heat_color(v: float | None, top: float) -> str:
    """White → dark red as ``v`` goes 0 → ``top``; grey when missing."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "#eeeeee"
    t = max(0.0, min(1.0, float(v) / top)) if top > 0 else 0.0
    r, g, b = 255, int(255 - 180 * t), int(255 - 200 * t)
    return f"#{r:02x}{g:02x}{b:02x}"


def heat_table(
    rows: Sequence[str], cols: Sequence[str], cells: dict[tuple[str, str], float | None], title: str, table_id: str
) -> str:
    """A rows × columns table of rates, each cell coloured by its value (shared scale)."""
    present = [v for v in cells.values() if v is not None and not (isinstance(v, float) and math.isnan(v))]
    top = max(present) if present else 1.0
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
    body = []
    for r in rows:
        tds = []
        for c in cols:
            v = cells.get((r, c))
            text = "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.1%}"
            tds.append(f'<td style="background:{heat_color(v, top)}">{text}</td>')
        body.append(f"<tr><th>{html.escape(str(r))}</th>{''.join(tds)}</tr>")
    return (
        f'<table class="heat" id="{html.escape(table_id)}"><caption>{html.escape(title)}</caption>'
        f"<thead><tr><th></th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
