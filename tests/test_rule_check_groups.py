"""The catalogue checks' inputs read for every group at once equal those read group by group.

``rule_checks_inputs`` reads the persisted results once for all (sheets, severities) groups and fills
the report × rule matrices in NumPy; the reference below is the per-group reading it replaced (one
set of temp tables and summary queries per group, the matrix pivoted in DuckDB).
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd
import pytest

from assets.checks import CHECK_TARGETS, SEVERITY_GROUPS, rule_check_inputs, rule_checks_inputs
from xxgk.rules.catalogue import load_catalogue
from xxgk.rules.fixtures import build_warehouse, report
from xxgk.rules.store import update_findings

_REF_FAILS = """
CREATE OR REPLACE TEMP TABLE _ref_f AS
SELECT report_id, rule_id, sheet, any_value(agency) AS agency, any_value(year) AS year, count(*) AS n_fail
FROM check_findings
WHERE status = 'fail' AND list_contains($ids, rule_id) AND list_contains($sheets, sheet)
  AND list_contains($sevs, severity) AND ($every OR list_contains($years, year))
GROUP BY report_id, rule_id, sheet
"""
_REF_CHECKED = """
CREATE OR REPLACE TEMP TABLE _ref_c AS
SELECT c.report_id, c.rule_id, c.n_checked, coalesce(f.n_fail, 0) AS n_fail
FROM check_rule_coverage c
LEFT JOIN _ref_f f ON f.report_id = c.report_id AND f.rule_id = c.rule_id AND f.sheet = c.sheet
WHERE list_contains($ids, c.rule_id) AND list_contains($sheets, c.sheet)
  AND ($every OR list_contains($years, c.year))
"""


def _reference(con: duckdb.DuckDBPyConnection, sheets: list[str], sevs: list[str], years: list[int] | None
               ) -> tuple[pd.DataFrame, dict[str, Any]]:  # fmt: skip
    """(matrix, plain metadata) of one group, read the way the checks read it before (group by group)."""
    ids = [r.id for r in load_catalogue() if set(r.sheets) & set(sheets) and r.severity in sevs]
    params = {"ids": ids, "sheets": sheets, "sevs": sevs, "every": years is None, "years": list(years or [])}
    con.execute(_REF_FAILS, params)
    con.execute(_REF_CHECKED, {k: v for k, v in params.items() if k != "sevs"})
    cols = "".join(
        f", CAST(CASE WHEN sum(n_checked) FILTER (WHERE rule_id = '{i}') > 0 "
        f"THEN sum(n_fail) FILTER (WHERE rule_id = '{i}') END AS DOUBLE) AS \"{i}\""
        for i in ids
    )
    matrix = con.execute(f"SELECT report_id{cols} FROM _ref_c GROUP BY report_id ORDER BY report_id").df()
    counts = con.execute(
        "SELECT count(*) FILTER (WHERE status = 'fail'), count(*) FILTER (WHERE status = 'incomplete') "
        "FROM check_findings WHERE list_contains($ids, rule_id) AND list_contains($sheets, sheet) "
        "AND list_contains($sevs, severity) AND ($every OR list_contains($years, year))",
        params,
    ).fetchone()
    worst = con.execute(
        "SELECT report_id, any_value(agency), any_value(year), sum(n_fail) AS n FROM _ref_f "
        "GROUP BY report_id ORDER BY n DESC, report_id LIMIT 5"
    ).fetchall()
    meta = {
        "rule_ids": ids,
        "reports_checked": con.execute("SELECT count(DISTINCT report_id) FROM _ref_c").fetchone()[0],
        "failing_findings": counts[0],
        "incomplete_findings": counts[1],
        "reports_failing_by_rule": dict(
            con.execute("SELECT rule_id, count(DISTINCT report_id) FROM _ref_f GROUP BY 1 ORDER BY 1").fetchall()
        ),
        "worst_reports": [
            {"report_id": r, "agency": a, "year": None if y is None else int(y), "failing_findings": int(n)}
            for r, a, y, n in worst
        ],
    }
    return matrix, meta


def _plain(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: getattr(v, "value", v) for k, v in meta.items()}


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    """The rule tests' fixture warehouse, plus results the pipeline rarely writes: a failing finding
    downgraded to W, a coverage row without report id, a repeated coverage row, a NULL checked count."""
    c = build_warehouse(
        [
            report("clean", "2021"),
            report("bad", "2021", agency="乙局", agency_key=2, changes={"T4:AR:TOTAL": 0, "T3:3.2:TOTAL": 50}),
            report("zero", "2019", agency="丙局", agency_key=3, changes={"T3:3.1:TOTAL": None}),
        ]
    )
    update_findings(c, [2019, 2021], full=True)
    c.execute("UPDATE check_findings SET severity = 'W' WHERE status = 'fail' AND rule_id = 'R-T3-COLSUM'")
    c.execute(
        "INSERT INTO check_rule_coverage (report_id, rule_id, sheet, year, n_checked, n_fail, n_incomplete) "
        "VALUES (NULL, 'R-T3-BALANCE', 'T3', 2021, 1, 0, 0), ('bad', 'R-T4-SUM', 'T4', 2021, 1, 1, 0), "
        "('clean', 'P-BLANK-TOTAL', 'X', 2021, NULL, 0, 0)"
    )
    return c


_GROUPS: list[tuple[list[str], list[str]]] = [
    *([list(sheets), list(sevs)] for sheets in CHECK_TARGETS.values() for sevs in SEVERITY_GROUPS.values()),
    (["T3", "T3"], ["E", "E"]),  # repeated sheet and severity: nothing counted twice
    (["T2", "T3", "T4"], ["E"]),  # a rule on several sheets
]


@pytest.mark.parametrize("years", [None, [2021], [2019], [1999]])
def test_grouped_inputs_equal_the_per_group_ones(con: duckdb.DuckDBPyConnection, years: list[int] | None) -> None:
    grouped = rule_checks_inputs(con, _GROUPS, years)
    assert len(grouped) == len(_GROUPS)
    for (sheets, sevs), got in zip(_GROUPS, grouped, strict=True):
        matrix, meta = _reference(con, sheets, sevs, years)
        pd.testing.assert_frame_equal(got.matrix, matrix)
        assert _plain(got.meta) == meta, (sheets, sevs)
        assert got.failing == meta["failing_findings"] and got.severities == tuple(sevs)
        assert [r.id for r in got.rules] == meta["rule_ids"]
    assert not {"_rc_m", "_rc_f", "_rc_r"} & {r[0] for r in con.execute("SHOW TABLES").fetchall()}


def test_grouped_inputs_values(con: duckdb.DuckDBPyConnection) -> None:
    """The figures themselves: the T4 matrix counts the repeated coverage row's failure twice, the E check
    of T3 ignores the finding downgraded to W, the NULL report is a row but not a report checked."""
    t4, t3, x_warn, none = rule_checks_inputs(con, [(["T4"], ["E"]), (["T3"], ["E"]), (["X"], ["W", "I"]),
                                                    (["T4"], ["W", "I"])], [2021])  # fmt: skip
    assert t4.matrix.set_index("report_id")["R-T4-SUM"].to_dict() == {"bad": 2.0, "clean": 0.0}
    assert _plain(t4.meta)["worst_reports"] == [
        {"report_id": "bad", "agency": "乙局", "year": 2021, "failing_findings": 1}
    ]
    assert t3.matrix.report_id.tolist() == ["bad", "clean", None]
    assert _plain(t3.meta)["reports_checked"] == 2
    assert _plain(t3.meta)["reports_failing_by_rule"] == {"R-T3-OUTCOME": 1}  # R-T3-COLSUM's is a W now
    assert t3.failing == 1 and t3.matrix.set_index("report_id").loc["bad", "R-T3-COLSUM"] == 0.0
    assert pd.isna(x_warn.matrix.set_index("report_id").loc["clean", "P-BLANK-TOTAL"])  # checked count NULL
    assert none.rules == () and none.matrix.columns.tolist() == ["report_id"] and none.matrix.empty
    single = rule_check_inputs(con, ["T4"], ["E"], [2021])
    pd.testing.assert_frame_equal(single.matrix, t4.matrix)
    assert _plain(single.meta) == _plain(t4.meta)
