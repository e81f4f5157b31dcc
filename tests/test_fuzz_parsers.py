"""Fuzzing the text and HTML parsers (hypothesis, bounded for CI).

For arbitrary bytes, report-shaped text and report-shaped HTML (template labels, numbers, markers,
tags and entities mixed at random): ``parse_bytes`` never raises, finishes within a per-example time
limit, and every cell it returns either traces to text in the input (its ``raw_text`` appears in the
decoded input, whitespace and HTML entities aside) or is marked blank (``is_blank`` with no value).
``XXGK_FUZZ_EXAMPLES`` raises the number of examples for a longer local run.
"""

from __future__ import annotations

import html
import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk.parsing import parse_bytes
from xxgk.parsing.model import ParsedReport

EXAMPLES = int(os.environ.get("XXGK_FUZZ_EXAMPLES", "200"))
PER_EXAMPLE_SECONDS = 5.0
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the wall-clock limit below is the hang guard (first examples import modules)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
    database=None,
)

LABELS = [
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果",
    "（一）予以公开", "（二）部分公开", "（三）不予公开", "1.属于国家秘密", "2.其他法律行政法规禁止公开",
    "（四）无法提供", "1.本机关不掌握相关政府信息", "（五）不予处理", "（六）其他处理", "（七）总计",
    "四、结转下年度继续办理", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织",
    "法律服务机构", "其他", "总计", "申请人情况", "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉",
    "结果维持", "结果纠正", "其他结果", "尚未审结", "规章", "规范性文件", "行政许可", "行政处罚",
    "政府信息公开工作年度报告", "2021年", "本機關不掌握", "總計",
]
TOKENS = st.one_of(
    st.sampled_from(LABELS),
    st.integers(min_value=-5, max_value=10**7).map(str),
    st.sampled_from(["/", "—", "-", "无", "0", "", " ", "\t", "\n", "\n\n", "１２", "3 4", "1,234", "5件", "万元"]),
    st.text(max_size=8),
)
TAGS = st.sampled_from(
    ["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<td rowspan=3>", "<td colspan=99999>", "<th>",
     "<p>", "</p>", "<br>", "<div>", "</div>", "<script>", "</script>", "<!--", "-->", "&nbsp;", "&amp;",
     "&#x4e00;", "&#0;", "&bogus;", "<![CDATA[", "<meta charset=gbk>", "<title>", "</title>", "<table><table>"]
)


def report_text() -> st.SearchStrategy[bytes]:
    return st.lists(TOKENS, max_size=120).map(lambda xs: "\n".join(("\t" + x) if i % 3 else x for i, x in
                                                                  enumerate(xs)).encode("utf-8"))


def report_html() -> st.SearchStrategy[bytes]:
    return st.lists(st.one_of(TOKENS, TAGS), max_size=200).map(lambda xs: "".join(xs).encode("utf-8"))


class _Hang(Exception):
    pass


@contextmanager
def _limit(seconds: float) -> Iterator[None]:
    def on_alarm(signum: int, frame: object) -> None:
        raise _Hang(f"parser ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_WS = re.compile(r"\s+")
_MARKUP = re.compile(r"<[^>]*>?|<!--.*?-->", re.S)


def _flat(text: str) -> str:
    return _WS.sub("", html.unescape(text)).replace("\xa0", "")


def _parse(data: bytes, name: str) -> ParsedReport:
    start = time.monotonic()
    with _limit(PER_EXAMPLE_SECONDS):
        report = parse_bytes(data, name)  # must not raise
    assert time.monotonic() - start < PER_EXAMPLE_SECONDS
    return report


def _assert_traceable(report: ParsedReport, data: bytes) -> None:
    decoded = data.decode("utf-8", "replace")
    # the text a reader sees: as written, or with the markup removed (a tag can split a run of digits)
    sources = (_flat(decoded), _flat(_MARKUP.sub("", decoded)))
    for c in report.cells:
        if c.is_blank:
            assert c.value is None, c
            continue
        raw = _flat(c.raw_text)
        assert raw, f"non-blank cell without raw text: {c}"
        assert any(raw in src or all(_flat(p) in src for p in c.raw_text.split()) for src in sources), (
            f"cell {c.code} raw_text {c.raw_text!r} not in the input"
        )
        if c.value is None:
            assert c.marker is not None or raw, c


@FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    report = _parse(data, "fuzz.bin")
    assert report.status in ("ok", "partial", "failed")
    _assert_traceable(report, data)


@FUZZ
@given(report_text())
def test_report_shaped_text(data: bytes) -> None:
    report = _parse(data, "fuzz.txt")
    _assert_traceable(report, data)
    if report.status == "failed":
        assert any(i.severity == "error" for i in report.issues)


@FUZZ
@given(report_html())
def test_report_shaped_html(data: bytes) -> None:
    report = _parse(data, "fuzz.html")
    _assert_traceable(report, data)
    if report.status == "failed":
        assert any(i.severity == "error" for i in report.issues)


@pytest.mark.parametrize("depth", [4000, 6000])
def test_deep_nesting_is_bounded(depth: int) -> None:
    data = ("<html><body>" + "<div>" * depth + "本年新收" + "</div>" * depth).encode()
    start = time.monotonic()
    report = _parse(data, "deep.html")
    assert time.monotonic() - start < 2.0
    if depth > 5000:
        assert [(i.stage, i.code) for i in report.issues] == [("read", "too_deeply_nested")]
