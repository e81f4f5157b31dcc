"""Which national format a report's tables follow, decided by anchors (report-format.md §8.1)."""

from __future__ import annotations

from xxgk.parsing.labels import norm_text
from xxgk.parsing.model import ParseIssue
from xxgk.template.model import expected_version

V2021_ANCHORS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "逾期不补正", "缴纳费用")
V2019_ANCHORS = (
    "本年新制作数量", "对外公开总数量", "上一年项目数量", "本年增/减", "政府集中采购", "其他对外管理服务事项",
)
LEGACY_ANCHORS = ("收费及减免", "依申请公开情况统计", "申请公开情况统计表")


def detect_format(text: str) -> tuple[str | None, dict[str, list[str]]]:
    """('2019' | '2021' | 'legacy' | None, anchors found per version)."""
    n = norm_text(text)
    hits = {
        "2021": [a for a in V2021_ANCHORS if a in n],
        "2019": [a for a in V2019_ANCHORS if a in n],
        "legacy": [a for a in LEGACY_ANCHORS if a in n],
    }
    if len(hits["2021"]) > len(hits["2019"]):
        return "2021", hits
    if hits["2019"]:
        return "2019", hits
    if hits["legacy"]:
        return "legacy", hits
    return None, hits


def version_issues(version: str | None, hits: dict[str, list[str]], year: int | None) -> list[ParseIssue]:
    """Mixed anchors, and a report using an older format than its year requires (未按新格式)."""
    issues: list[ParseIssue] = []
    if hits.get("2021") and hits.get("2019"):
        issues.append(ParseIssue("tables", "warning", "mixed_format_anchors",
                                 f"anchors of both formats: 2021 {hits['2021']}, 2019 {hits['2019']}"))
    if version is None:
        issues.append(ParseIssue("tables", "warning", "format_undetected", "no anchor of a known format"))
        return issues
    if year is not None and version in ("2019", "2021"):
        want = expected_version(year)
        if want is not None and want != version:
            issues.append(ParseIssue("tables", "warning", "format_year_mismatch",
                                     f"report year {year} expects format {want} but tables use {version}"
                                     + (" (未按新格式)" if want > version else "")))
    return issues
