"""Report section: timeliness by region × year × level, late and missing agencies, format adoption."""

from __future__ import annotations

import duckdb

from xxgk.report import queries as q
from xxgk.report.svg import bar_chart, stacked_columns


def section_timeliness(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Coverage and timeliness (agg_compliance_region_year), the late list, template adoption."""
    from xxgk.report.html import frame_table

    have = q.tables(con)
    if "agg_compliance_region_year" not in have or "compliance_calendar" not in have:
        return []
    by_year = con.execute(
        "SELECT year, sum(expected) AS expected, sum(reported) AS reported, sum(on_time) AS on_time, "
        "sum(late) AS late, sum(undated) AS undated, sum(missing) AS missing, "
        "round(sum(on_time) / nullif(sum(on_time) + sum(late), 0), 3) AS on_time_rate "
        "FROM agg_compliance_region_year GROUP BY year ORDER BY year"
    ).df()
    regions = con.execute(
        "SELECT year, province, level, expected, reported, on_time, late, undated, missing, coverage, "
        "on_time_rate, mean_days_late, max_days_late FROM agg_compliance_region_year "
        "ORDER BY year DESC, province, level"
    ).df()
    late = con.execute(
        "SELECT year, agency_key, agency_name AS agency, province, city, county, level, status, deadline, "
        "published_date, published_date_source, days_late FROM compliance_calendar "
        "WHERE status IN ('late', 'format_mismatch') ORDER BY year DESC, days_late DESC NULLS LAST, agency_name"
    ).df()
    parts = [
        '<h2 id="timeliness">Timeliness: who published late</h2>',
        '<p class="note">Deadlines: 1月31日 for departments, 3月31日 for governments\' own reports '
        "(and provincial overrides); a report without a publication date is never judged late.</p>",
        stacked_columns(
            [str(y) for y in by_year.year],
            {
                "on time": by_year.on_time.fillna(0).tolist(),
                "late": by_year.late.fillna(0).tolist(),
                "undated": by_year.undated.fillna(0).tolist(),
                "missing": by_year.missing.fillna(0).tolist(),
            },
            "Expected reports by outcome",
        ),
        frame_table(by_year, "timeliness_by_year"),
        "<h3>By province and level</h3>",
        frame_table(regions, "timeliness_by_region"),
        "<h3>Late or on the wrong template</h3>",
        frame_table(late, "late_agencies", links={"agency": "agencies/{agency_key}.html"}),
    ]
    if "agg_format_adoption" in have:
        adoption = con.execute(
            "SELECT year, format_version, sum(reports) AS reports FROM agg_format_adoption "
            "GROUP BY ALL ORDER BY year, format_version"
        ).df()
        on_new = adoption[adoption.format_version == "2021"].set_index("year").reports
        totals = adoption.groupby("year").reports.sum()
        share = [(on_new.get(y, 0) / totals[y]) if totals[y] else 0.0 for y in totals.index]
        parts += [
            '<h3 id="formats">Template adoption</h3>',
            bar_chart([str(y) for y in totals.index], share, "Share of reports on the 2021 template", "{:.1%}"),
            frame_table(adoption, "format_adoption"),
        ]
    return parts
