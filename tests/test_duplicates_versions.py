"""Duplicates and versions: the same report as two files, and two versions of one agency-year.

Both are kept with provenance (dim_report.source_files; one row per version), one version is chosen
as current by the documented rule (xxgk/warehouse/star.py: best parse status, latest published date,
latest file mtime, report_id), the other stays visible in report_cells, and X-DUPLICATE-VERSION
findings are raised (W on the superseded version, I on content published under several names).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import fields
from pathlib import Path

import pytest

from tests.pipeline_helpers import add_seed, query, run_years
from xxgk.generator import write_inbox
from xxgk.generator.defects import DefectRates

pytestmark = pytest.mark.slow


def test_same_report_twice_and_corrected_republication(tmp_env: dict[str, Path]) -> None:
    inbox, db, root = tmp_env["inbox"], tmp_env["db"], tmp_env["root"]
    add_seed(inbox)
    (inbox / "mirror").mkdir()
    shutil.copy(inbox / "seed" / "000_7f3569336a1c441f.txt", inbox / "mirror" / "copy_of_seed.txt")
    clean = DefectRates(**{f.name: 0.0 for f in fields(DefectRates)})
    [original] = write_inbox(root / "gen", seed=5, n_agencies=1, years=[2019], media_mix={"html": 1.0},
                             defect_rates=clean)
    text = original.read_text("utf-8")
    dates = set(re.findall(r"2020-\d\d-\d\d", text))
    assert dates, "generated report states its publication date"
    corrected = text
    for d in dates:
        corrected = corrected.replace(d, "2020-06-30")
    (inbox / "v1").mkdir()
    (inbox / "v2").mkdir()
    (inbox / "v1" / "report.html").write_text(text, encoding="utf-8")
    (inbox / "v2" / "report_corrected.html").write_text(corrected + "<p>（更正版）</p>", encoding="utf-8")

    run_years(2019)

    seed = query(db, "SELECT report_id, source_file, source_files, is_current FROM dim_report "
                     "WHERE list_contains(source_files, 'mirror/copy_of_seed.txt')")
    assert len(seed) == 1
    seed_id, first, files, current = seed[0]
    assert first == "mirror/copy_of_seed.txt" and sorted(files) == [
        "mirror/copy_of_seed.txt", "seed/000_7f3569336a1c441f.txt"] and current

    versions = query(db, "SELECT report_id, source_file, is_current, published_date, n_cells FROM dim_report "
                         "WHERE source_file IN ('v1/report.html', 'v2/report_corrected.html') ORDER BY source_file")
    assert len(versions) == 2, versions
    (old_id, _, old_current, _, old_cells), (new_id, _, new_current, new_date, new_cells) = versions
    assert (old_current, new_current) == (False, True)  # the later publication date wins
    assert new_date == "2020-06-30" and old_cells == new_cells > 0
    visible = dict(query(db, "SELECT report_id, count(*) FROM report_cells WHERE report_id IN (?, ?) GROUP BY ALL",
                         [old_id, new_id]))
    assert visible[old_id] == visible[new_id] == old_cells

    findings = query(db, "SELECT report_id, severity, status, evidence FROM check_findings "
                         "WHERE rule_id = 'X-DUPLICATE-VERSION' ORDER BY report_id, severity")
    by_report = {(r, s) for r, s, _st, _e in findings}
    assert (old_id, "W") in by_report and (seed_id, "I") in by_report
    assert not any(r == new_id for r, _s, _st, _e in findings)
    old_evidence = next(e for r, s, _st, e in findings if r == old_id)
    assert new_id in old_evidence and "v2/report_corrected.html" in old_evidence
    seed_evidence = next(e for r, s, _st, e in findings if r == seed_id)
    assert "mirror/copy_of_seed.txt" in seed_evidence

    run_years(2019)  # idempotent: same findings after a re-run
    assert query(db, "SELECT report_id, severity, status, evidence FROM check_findings "
                     "WHERE rule_id = 'X-DUPLICATE-VERSION' ORDER BY report_id, severity") == findings
