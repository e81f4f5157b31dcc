"""The truth records what a medium lets a reader see (xxgk.generator.observe): a glued text copy loses
the position of blank cells in a row that also prints numbers, so defects resting on such a row are kept
but marked unobservable, with the reason; other media keep every defect observable."""

from __future__ import annotations

from xxgk.generator import DefectRates, generate_reports
from xxgk.generator.observe import annotate_truth, destroyed_cells, mark_history_unobservable, mark_unobservable
from xxgk.generator.truth import truth_dict

T3_ROW1 = [f"T3:1:{c}" for c in ("NP", "LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH", "TOTAL")]


def _cells() -> dict[str, float | None]:
    cells: dict[str, float | None] = dict.fromkeys(T3_ROW1, 0)
    return cells | {"T3:1:NP": 2, "T3:1:TOTAL": 2}


def test_vanished_blank_destroys_its_row_only_in_glued_text() -> None:
    cells = _cells()
    cells["T3:1:TOTAL"] = None  # '200000': six digits for seven cells
    gone = destroyed_cells(cells, {}, "txt-glued", "2021", "row15")
    assert set(gone) == set(T3_ROW1) and "vanished" in gone["T3:1:TOTAL"]
    assert destroyed_cells(cells, {}, "html", "2021", "row15") == {}
    assert destroyed_cells(cells, {"T3:1:TOTAL": "/"}, "txt-glued", "2021", "row15") == {}  # a marker shows
    all_blank = dict.fromkeys(T3_ROW1)
    assert destroyed_cells(all_blank, {}, "txt-glued", "2021", "row15") == {}  # an empty row reads as blank


def test_defects_are_kept_and_marked_with_the_reason() -> None:
    cells = _cells()
    cells["T3:1:TOTAL"] = None
    gone = destroyed_cells(cells, {}, "txt-glued", "2021", "row15")
    defects = [{"rule": "P-BLANK-TOTAL", "cells": ["T3:1:TOTAL"], "note": "", "status": "warn"},
               {"rule": "R-T4-SUM", "cells": ["T4:AR:TOTAL"], "note": "", "status": "fail"}]
    mark_unobservable(defects, gone, cells, "2021")
    assert defects[0]["observable"] is False and "T3 row 1" in defects[0]["unobservable_reason"]
    assert "observable" not in defects[1]


def test_generated_glued_truth_records_what_the_copy_destroyed() -> None:
    rates = DefectRates.only(blank_total=0.6, blank_zero=0.3, outcome_break=0.2)
    reps = generate_reports(seed=5, n_agencies=40, years=[2023], defect_rates=rates,
                            media_mix={"txt-glued": 1.0})
    marked = 0
    for rep in reps:
        truth = truth_dict(rep, 5)
        assert truth["meta"]["unobservable_cells"] == rep.unobservable
        assert annotate_truth(truth)["meta"]["unobservable_cells"] == rep.unobservable  # idempotent
        hidden = [d for d in rep.defects if d.get("observable") is False]
        marked += len(hidden)
        assert all(d["unobservable_reason"] for d in hidden)
    assert marked > 0


class _Rep:
    """The fields of a generated report that mark_history_unobservable reads."""

    def __init__(self, cells: dict[str, float | None], unobservable: dict[str, str], defects: list[dict]) -> None:
        self.cells, self.unobservable, self.defects = cells, unobservable, defects


def test_zero_drop_after_years_whose_non_zero_cells_were_destroyed_is_unobservable() -> None:
    earlier_cells = _cells()
    earlier_cells["T3:1:LP_COM"] = None  # '22' in a glued copy: the row's numbers cannot be placed
    earlier = _Rep(earlier_cells, destroyed_cells(earlier_cells, {}, "txt-glued", "2021", "row15"), [])
    zero = _Rep(dict.fromkeys(T3_ROW1, 0), {}, [{"rule": "P-ZERO-DROP", "cells": [], "status": "warn"}])
    mark_history_unobservable(zero, earlier, [earlier])
    assert zero.defects[0]["observable"] is False and "destroyed" in zero.defects[0]["unobservable_reason"]
    readable = _Rep(_cells(), {}, [])  # the same non-zero year printed in HTML: the drop shows
    zero.defects = [{"rule": "P-ZERO-DROP", "cells": [], "status": "warn"}]
    mark_history_unobservable(zero, readable, [earlier, readable])
    assert "observable" not in zero.defects[0]


def test_copy_of_empty_tables_is_no_evidence_of_copying() -> None:
    prev = _Rep(dict.fromkeys(T3_ROW1, 0), {}, [])
    copy = _Rep(dict(prev.cells), {}, [{"rule": "X-COPY", "cells": T3_ROW1, "status": "warn"}])
    mark_history_unobservable(copy, prev, [prev])
    assert copy.defects[0]["observable"] is False and "0 non-zero" in copy.defects[0]["unobservable_reason"]
    busy = {c: float(i + 1) for i, c in enumerate(T3_ROW1)} | {f"T3:2:{c[5:]}": 1.0 for c in T3_ROW1}
    prev, copy = _Rep(busy, {}, []), _Rep(dict(busy), {}, [{"rule": "X-COPY", "cells": [], "status": "warn"}])
    mark_history_unobservable(copy, prev, [prev])
    assert "observable" not in copy.defects[0]
