"""Report metadata from the text: agency, region, report year, scope and publication date.

:func:`extract_metadata` is called by the table parser with the whole plain text, the title (may be
None), page metadata (HTML ``<meta>``, a text header block, PDF properties) and the file name. It
returns ParsedReport field values plus ``metadata_sources`` (field → 'title' | 'preamble' | 'body' |
'filename' | 'page_meta' | 'header' | 'signature'; a publication date may also come from a
CMS file name 't20200120_80576.htm'). It never guesses wildly: a value without clear
evidence is None (the ingest layer may fill it from a manifest). Pure Python.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import PurePath
from typing import Any

from xxgk.parsing.paths import file_name
from xxgk.regions import Region, gazetteer

# ---------------------------------------------------------------------------------------------------
# text preparation
_FW_DIGITS = str.maketrans("０１２３４５６７８９　", "0123456789 ")
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "0": 0,
             "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_YEAR = re.compile(r"([〇○零Ｏ一二三四五六七八九]{4})(?=\s*年)")
_CN_SMALL = r"(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_CN_MD = re.compile(rf"(\d{{4}}年)({_CN_SMALL})月(?:({_CN_SMALL})日)?")


def _cn_small(s: str) -> int:
    """'二十' → 20, '十一' → 11, '三十一' → 31, '九' → 9."""
    if "十" not in s:
        return _CN_DIGIT[s]
    tens, _, ones = s.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


_FW_CHARS = "０１２３４５６７８９　"  # the full-width digits and space that _FW_DIGITS folds
_SP_BEFORE_DATE_WORD = re.compile(r"(?<=\d)[ \t]+(?=[年月日])")
_SP_AFTER_DATE_WORD = re.compile(r"(?<=[年月])[ \t]+(?=\d)")


@lru_cache(maxsize=32)
def prepare_text(text: str) -> str:
    """Arabic digits everywhere dates are read: full-width digits, 二〇一九年 → 2019年,
    2020年一月二十日 → 2020年1月20日, and no spaces inside dates ('2023 年 1 月' → '2023年1月')."""
    # eleven finds of one character each: faster than one scan for a class (tested at every character)
    s = text
    for c in _FW_CHARS:  # a loop, not any(<generator>): prepare_text runs several times per report
        if c in text:
            s = text.translate(_FW_DIGITS)
            break
    if "年" not in s and "月" not in s and "日" not in s:
        return s  # every rewrite below needs 年, 月 or 日
    # each rewrite runs only when its necessary substring is present (cheap finds; same result)
    if _cn_year_possible(s):
        s = _CN_YEAR.sub(lambda m: "".join(str(_CN_DIGIT[c]) for c in m.group(1)), s)
    if _CN_MD_NEED.search(s):
        s = _CN_MD.sub(
            lambda m: f"{m.group(1)}{_cn_small(m.group(2))}月"
            + (f"{_cn_small(m.group(3))}日" if m.group(3) else ""),
            s,
        )
    if " " in s or "\t" in s:
        before_space, before_tab = _SP_BEFORE_NEED
        if before_space.search(s) or before_tab.search(s):
            s = _SP_BEFORE_DATE_WORD.sub("", s)
        after_year, after_month = _SP_AFTER_NEED
        if after_year.search(s) or after_month.search(s):
            s = _SP_AFTER_DATE_WORD.sub("", s)
    return s


_CN_YEAR_DIGITS = frozenset("〇○零Ｏ一二三四五六七八九")
# one scan each instead of a find per pair: '年' + a Chinese numeral, a space or tab before 年/月/日, after 年/月.
# Each pattern starts with one literal character: the regex engine skips to it fast, while a leading class
# ('[ \t][年月日]') is tested at every character, ~10x slower on Chinese text.
_CN_MD_NEED = re.compile("年[一二三四五六七八九十]")
_SP_BEFORE_NEED = (re.compile(" [年月日]"), re.compile("\t[年月日]"))
_SP_AFTER_NEED = (re.compile("年[ \t]"), re.compile("月[ \t]"))


# 年 right after a Chinese digit, and 年 right after whitespace: the literal 年 first (the engine skips to it
# fast), then a lookbehind at it; a pattern starting with the lookbehind would be tried at every character
_CN_DIGIT_YEAR = re.compile("年(?<=[" + "".join(sorted(_CN_YEAR_DIGITS)) + "]年)")
_SPACE_YEAR = re.compile(r"年(?<=\s年)")


def _cn_year_possible(s: str) -> bool:
    """Whether some 年 is preceded (whitespace skipped) by a Chinese digit — needed by _CN_YEAR."""
    if _CN_DIGIT_YEAR.search(s):
        return True
    if not _SPACE_YEAR.search(s):
        return False  # no 年 after whitespace: the digit would have been right before it
    i = s.find("年")
    while i >= 0:
        j = i - 1
        while j >= 0 and s[j].isspace():
            j -= 1
        if j >= 0 and s[j] in _CN_YEAR_DIGITS:
            return True
        i = s.find("年", i + 1)
    return False


# ---------------------------------------------------------------------------------------------------
# title
TITLE_CORE = re.compile(r"政府信息(?:与政务)?公开(?:工作)?(?:年度)?(?:报告|年报)")
_YEAR = r"(?:19|20)\d{2}"
_PUB_YEAR = re.compile(rf"[（(]?({_YEAR})年?(?:度)?(?:发布|公布|印发)[）)]?")
_TITLE_YEAR = re.compile(rf"({_YEAR})\s*年度?(?:的)?")
_TITLE_META_KEYS = ("标题", "title", "articletitle", "dc.title", "og:title", "subject")
# the title core broken over two lines by a PDF conversion ('…政府信息公开' / '工作年度报告')
_BROKEN_CORE = re.compile(r"政府信息(?:与政务)?公开(?:工作)?(?:年度)?\n(?:工作)?(?:年度)?(?:报告|年报)")
_STOP_BEFORE_TITLE = set(' \t\r\n。，；：:、！？“”"《》|>')


_FIELD_LABEL = re.compile(r"^(?:标题|名称|题名|文件名称|文章标题|信息名称|主题)[:：]")


def parse_title(title: str) -> dict[str, Any]:
    """Year, publication year and agency of a report title.

    '2019年上海市人民政府办公厅政府信息公开工作年度报告' → year 2019, agency 上海市人民政府办公厅;
    'XX局政府信息公开工作年度报告（2020年发布）' → year None, published_year 2020, agency XX局.
    A field label copied with the title ('标题：…', '名称：…') and markdown heading marks are dropped.
    """
    return dict(_parse_title(title))  # a report's title, page title and text title are often one string


@lru_cache(maxsize=64)
def _parse_title(title: str) -> dict[str, Any]:
    """:func:`parse_title` (cached; callers get a copy)."""
    t = prepare_text(title).strip()
    t = re.sub(r"\s+", "", t)
    t = _FIELD_LABEL.sub("", t.lstrip("#"))
    out: dict[str, Any] = {"year": None, "published_year": None, "agency": None}
    m = _PUB_YEAR.search(t)
    if m:
        out["published_year"] = int(m.group(1))
        t = t[: m.start()] + t[m.end() :]
    core = TITLE_CORE.search(t)
    head = t[: core.start()] if core else t
    m = _TITLE_YEAR.search(head)
    if m:
        out["year"] = int(m.group(1))
        head = head[: m.start()] + head[m.end() :]
    head = re.sub(r"^(?:关于)|(?:关于|的|本级)$", "", head).strip("-_—：:，,、 ")
    if head and not re.fullmatch(r"[\d年度]*", head):
        out["agency"] = head
    return out


def title_from_text(text: str) -> str | None:
    """The report title as printed at the top of the text (first ~1500 characters), or None.

    Handles a title split over two lines as PDFs print it ('洪泽区人民政府' / '2023年政府…年度报告')
    and ignores document names quoted in the preamble (《…关于编制…年度报告有关事项的通知》).
    """
    head = prepare_text(text[:1500])
    if "\n" in head:
        head = _BROKEN_CORE.sub(lambda m: m.group().replace("\n", ""), head)
    for m in TITLE_CORE.finditer(head):
        start = m.start()
        while start > 0 and head[start - 1] not in _STOP_BEFORE_TITLE:
            start -= 1
        cand = head[start : m.end()]
        before = head[start - 1] if start else ""
        if (before and before in '《“"') or "关于" in cand or "通知" in cand:
            continue
        after = re.match(r"\s*[（(][^（()）\n]{1,14}[)）]", head[m.end() :])
        if after:
            cand += after.group(0).strip()
        pre = cand[: m.start() - start]
        if re.fullmatch(rf"(?:{_YEAR}年度?)?", pre) and before in ("", "\n"):
            lines = head[:start].rstrip("\n").split("\n")
            prev = lines[-1].strip() if lines else ""
            if prev and len(prev) <= 30 and not re.search(r"[。，；：:]", prev):
                cand = re.sub(r"\s+", "", prev) + cand
        return cand
    return None


# ---------------------------------------------------------------------------------------------------
# year
_PERIOD = re.compile(rf"({_YEAR})年\s*1月\s*1日\s*(?:起)?\s*(?:至|到|—|－|-|~|～)\s*(?:({_YEAR})年)?\s*12月\s*31日")
_BODY_YEAR = re.compile(rf"(?<![\d〔\[（(第])({_YEAR})年(?!\s*\d{{1,2}}月)(度)?")
_FUTURE = re.compile(r"^[^。；]{0,12}?(?:将|计划|拟|力争|预计|下一步)")


def year_from_preamble(text: str) -> int | None:
    """The report year from the statistical period '统计期限…YYYY年1月1日至(YYYY年)12月31日'."""
    m = _PERIOD.search(text[:6000])
    if not m:
        return None
    y1 = int(m.group(1))
    if m.group(2) and int(m.group(2)) != y1:
        return None
    return y1


def year_from_body(text: str, published_year: int | None = None) -> int | None:
    """The report year from years cited in the narrative ('2019年，我局…').

    Each 'YYYY年' counts once (twice for 'YYYY年度' or when it opens a sentence); a year followed by
    plans ('2020年，我们将…') or a full date (publication '2020年1月20日') does not count. Ties go to
    the earlier year; years not before the publication year are dropped when it is known.
    """
    scores: dict[int, int] = {}
    for m in _BODY_YEAR.finditer(text):
        y = int(m.group(1))
        if not 2000 <= y <= date.today().year + 1:
            continue
        if published_year and y >= published_year:
            continue
        if _FUTURE.match(text, m.end()):
            continue
        prefix = text[max(0, m.start() - 1) : m.start()]
        weight = 1 + (m.group(2) is not None) + (prefix in ("", "\n", "。", " ", "\t"))
        scores[y] = scores.get(y, 0) + weight
    if not scores:
        return None
    return max(sorted(scores), key=lambda y: scores[y])


# ---------------------------------------------------------------------------------------------------
# header block, publication date
_HEADER_LINE = re.compile(r"^\s*([^\s:：]{1,12})\s*[:：]\s*(.*?)\s*$")
_DATE = re.compile(rf"({_YEAR})\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})\s*日?")
_PUB_META_KEYS = (
    "发布日期", "发布时间", "pubdate", "publishdate", "publish_date", "publishtime", "firstpublishedtime",
    "article:published_time", "dc.date", "dcterms.issued", "发文日期", "成文日期",
)  # fmt: skip
_PUB_TEXT = re.compile(r"(?:发布日期|发布时间|发文日期|成文日期|信息时间|时间|日期)\s*[:：]\s*")


def parse_header_block(text: str) -> dict[str, str]:
    """'key: value' lines heading a crawler's text copy (平潭: 标题 / 发布时间 / 原文链接 …) as a dict.

    Reading stops at a '====' line or the first line that is not 'key: value'; {} when none.
    """
    out: dict[str, str] = {}
    # the first 20 lines from a head of the text when it holds more than 20 (splitting all of it costs more)
    lines = text[:2000].splitlines()
    lines = lines[:20] if len(lines) > 20 else text.splitlines()[:20]
    for line in lines:
        if line.startswith("===") or not line.strip():
            break
        m = _HEADER_LINE.match(line)
        if not m:
            break
        out[m.group(1)] = m.group(2)
    return out if len(out) >= 2 else {}


def _iso(m: re.Match[str]) -> str | None:
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def date_from_meta(meta: dict[str, str]) -> str | None:
    """ISO publication date from page metadata keys (PubDate, publishdate, 发布日期, 发布时间 …)."""
    low = {k.strip().lower(): v for k, v in meta.items() if isinstance(v, str)}
    for key in _PUB_META_KEYS:
        val = low.get(key)
        if val:
            m = _DATE.search(prepare_text(val))
            if m and (iso := _iso(m)):
                return iso
    return None


def date_from_header(text: str) -> str | None:
    """ISO date of a '发布日期：2020-01-31' / '时间：2022-02-08 16:34' line near the top of the text."""
    head = prepare_text(text[:1500])
    for m in _PUB_TEXT.finditer(head):
        d = _DATE.match(head, m.end())
        if d and (iso := _iso(d)):
            return iso
    return None


def date_from_signature(text: str) -> str | None:
    """ISO date of the signature at the end of the report ('2020年1月20日', '二〇二〇年一月二十日')."""
    tail = prepare_text(text[-300:])
    found = list(re.finditer(rf"({_YEAR})年(\d{{1,2}})月(\d{{1,2}})日", tail))
    if not found:
        return None
    m = found[-1]
    rest = tail[m.end() :].strip()
    if len(rest) > 40:  # a date inside the narrative, not a signature
        return None
    return _iso(m)


_FILENAME_DATE = re.compile(r"^t((?:19|20)\d{2})(\d{2})(\d{2})_\d+\.\w+$")


def date_from_filename(filename: str, year: int | None = None) -> str | None:
    """ISO date of a CMS article file name ('t20200120_80576.htm': the page's publication date), or None.

    Only the TRS-style ``t<YYYYMMDD>_<id>`` name counts; a date not after the report year is ignored.
    """
    m = _FILENAME_DATE.match(file_name(filename)) if filename else None
    if not m:
        return None
    iso = _iso(m)
    if iso and year is not None and int(iso[:4]) <= year:
        return None
    return iso


# ---------------------------------------------------------------------------------------------------
# agency and region
_SHORT_FOLLOWERS = r"(?:人民)?政府|门户|[\u4e00-\u9fff]{0,6}?(?:局|委员会|办公室|厅|中心)"
_COUNTY_LIKE = ("区",)


def _complete_from_body(agency: str, text: str) -> tuple[str, Region] | None:
    """A region for an agency title without one (科技局 + body '海安科技局' → 海安市科技局), or None."""
    gz = gazetteer()
    counts = gz.mentions(text, short_followers=_SHORT_FOLLOWERS)
    direct = {n for n in counts if f"{n}{agency}" in text}
    regions: dict[Region, int] = {}
    strong: set[Region] = set()
    for name, n in counts.items():
        reg = gz.resolve(name, text)
        if reg is None:
            continue
        regions[reg] = regions.get(reg, 0) + n
        if name in direct:
            strong.add(reg)
    if not regions:
        return None
    # keep the most specific regions: drop those containing another mentioned region
    leaves = [r for r in regions if not any(o != r and gz.is_within(o, r) for o in regions)]
    pick: Region | None = None
    if len(strong) == 1:
        pick = next(iter(strong))
    elif len(leaves) == 1 and regions[leaves[0]] >= 3 and leaves[0].level != "province":
        pick = leaves[0]  # one place named again and again, no other: still evidence, weaker
    if pick is None or (len(leaves) > 1 and pick not in strong):
        return None
    return pick.name + agency, pick


# characters that OCR and PDF conversion confuse in place names (both directions are tried)
_CONFUSABLE = {"沐": "沭", "沭": "沐", "洒": "泗", "泗": "洒", "汨": "汩", "汩": "汨", "毫": "亳", "亳": "毫"}


def _confusable_region(agency: str, text: str) -> tuple[str, Region] | None:
    """'沐阳县人民政府' (not a place) → ('沭阳县人民政府', 沭阳县) when exactly one single-character swap of
    a confusable character in the leading name gives a known region; None otherwise."""
    gz = gazetteer()
    found: dict[str, tuple[str, Region]] = {}
    for i, ch in enumerate(agency[:6]):
        alt = _CONFUSABLE.get(ch)
        if alt is None:
            continue
        fixed = agency[:i] + alt + agency[i + 1 :]
        region, prefix, _ = gz.split_prefix(fixed, text)
        if region is not None and len(prefix) > i:
            found[fixed] = (fixed, region)
    return next(iter(found.values())) if len(found) == 1 else None


def _extend_district(agency: str, prefix: str, region: Region, text: str) -> str:
    """洪泽区人民政府 → 淮安市洪泽区人民政府 when the text itself names it with its city."""
    if region.level != "county" or not region.city or not prefix.endswith(_COUNTY_LIKE):
        return agency
    if region.city in prefix or region.province == prefix:
        return agency
    if f"{region.city}{agency}" in text or f"{region.city}{prefix}" in text:
        return region.city + agency
    return agency


# ---------------------------------------------------------------------------------------------------
# scope
_AGG_PREAMBLE = re.compile(
    r"汇总[^。]{0,60}编制|本级政府及所属部门|所属部门[及和、]?[^。]{0,10}(?:乡镇|街道)[^。]{0,20}(?:汇总|编制)"
)
_AGG_BODY = re.compile(r"全(?:省|市|区|县|州|旗)[^。]{0,12}(?:受理|收到|共收到|办理)[^。]{0,10}申请")
_GOV_REST = re.compile(r"(?:人民政府|^政府|管委会|管理委员会|行政公署)$")


def scope_of(agency: str | None, text: str, agency_rest: str | None) -> tuple[str, str | None]:
    """('aggregate'|'agency'|'unknown', source): a regional roll-up vs one agency's report.

    In order: the preamble says it was compiled by summing ('汇总…编制', '本级政府及所属部门') →
    aggregate; the title names a department, an office or a township → agency; the title names a
    bare region ('平潭综合实验区…年度报告') → aggregate; a 人民政府 title whose narrative counts
    applications region-wide ('全区受理…申请') → aggregate; otherwise unknown.
    """
    head = prepare_text(text[:8000])
    # every branch of _AGG_PREAMBLE holds 汇总 or 所属部门: two finds spare a search tried at every character
    if ("汇总" in head or "所属部门" in head) and _AGG_PREAMBLE.search(head):
        return "aggregate", "preamble"
    if agency is None or agency_rest is None:
        return "unknown", None
    if agency_rest == "":
        return "aggregate", "title"
    if _GOV_REST.search(agency_rest):
        if _AGG_BODY.search(head):
            return "aggregate", "body"
        return "unknown", None
    return "agency", "title"


# ---------------------------------------------------------------------------------------------------
def extract_metadata(text: str, title: str | None, meta: dict[str, str], filename: str) -> dict[str, Any]:
    """Metadata of one report, as ParsedReport field values.

    Keys: agency, region, province, city, county, year, scope, published_date,
    published_date_source, metadata_sources (field → 'title'|'preamble'|'body'|'filename'|'page_meta'…),
    and title (the title used, when found).
    """
    gz = gazetteer()
    meta = dict(meta or {})
    header = parse_header_block(text)
    for k, v in header.items():
        meta.setdefault(k, v)
    sources: dict[str, str] = {}
    out: dict[str, Any] = {
        "title": None, "agency": None, "region": None, "province": None, "city": None, "county": None,
        "year": None, "scope": "unknown", "published_date": None, "published_date_source": None,
        "metadata_sources": sources,
    }  # fmt: skip

    # ---- title
    low = {k.strip().lower(): v for k, v in meta.items() if isinstance(v, str)}
    candidates: list[tuple[str, str]] = []
    if title:
        candidates.append((title, "title"))
    candidates += [(low[k], "page_meta") for k in _TITLE_META_KEYS if low.get(k)]
    from_text = title_from_text(text)
    if from_text:
        candidates.append((from_text, "title"))
    parsed: dict[str, Any] | None = None
    for cand, src in candidates:
        p = parse_title(cand)
        if TITLE_CORE.search(re.sub(r"\s+", "", cand)) and (p["agency"] or p["year"]):
            if parsed is None:
                parsed, out["title"] = {**p, "source": src}, cand.strip()
            else:  # fill what the first title lacked
                for key in ("year", "published_year", "agency"):
                    if parsed[key] is None and p[key] is not None:
                        parsed[key] = p[key]
    if parsed is None and title:
        out["title"] = title
    stem = file_name(filename) if filename else ""
    if parsed is None and stem and TITLE_CORE.search(stem):
        parsed = {**parse_title(re.sub(r"^\d+_", "", PurePath(stem).stem)), "source": "filename"}

    prepped = prepare_text(text)

    # ---- publication date
    pub = date_from_meta(meta)
    if pub:
        src = (
            "header"
            if header
            and date_from_meta(header) == pub
            and not date_from_meta({k: v for k, v in meta.items() if k not in header})
            else "page_meta"
        )
        out["published_date"], out["published_date_source"] = pub, src
    elif (pub := date_from_header(text)) is not None:
        out["published_date"], out["published_date_source"] = pub, "header"
    elif (pub := date_from_signature(text)) is not None:
        out["published_date"], out["published_date_source"] = pub, "signature"
    pub_year = int(out["published_date"][:4]) if out["published_date"] else None
    if parsed and parsed.get("published_year"):
        pub_year = pub_year or parsed["published_year"]

    # ---- year
    t_year = parsed["year"] if parsed else None
    p_year = year_from_preamble(prepped)
    if t_year and p_year and t_year != p_year and t_year == p_year + 1:
        out["year"], sources["year"] = p_year, "preamble"
    elif t_year:
        out["year"], sources["year"] = t_year, parsed["source"]  # type: ignore[index]
    elif p_year:
        out["year"], sources["year"] = p_year, "preamble"
    elif (b_year := year_from_body(prepped, pub_year)) is not None:
        out["year"], sources["year"] = b_year, "body"
    elif parsed and parsed.get("published_year"):
        out["year"], sources["year"] = parsed["published_year"] - 1, "title"
    else:
        m = re.search(rf"(?<!\d)({_YEAR})(?!\d)", stem)
        if m:
            out["year"], sources["year"] = int(m.group(1)), "filename"

    if out["published_date"] is None and (pub := date_from_filename(filename, out["year"])) is not None:
        out["published_date"], out["published_date_source"] = pub, "filename"

    # ---- agency and region
    agency = parsed["agency"] if parsed else None
    rest: str | None = None
    if agency:
        sources["agency"] = parsed["source"]  # type: ignore[index]
        region, prefix, rest = gz.split_prefix(agency, text)
        if region is None and not prefix:
            done = _complete_from_body(agency, text)
            fixed = None if done else _confusable_region(agency, text)
            if done:
                agency, region = done
                sources["agency"] = "body"
                sources["region"] = "body"
            elif fixed:
                agency, region = fixed
                _, prefix, rest = gz.split_prefix(agency, text)
                sources["agency"] = sources["region"] = "title_confusable"
        else:
            if region is not None:
                agency = _extend_district(agency, prefix, region, text)
                if agency.startswith(region.city or "\0") and not prefix.startswith(region.city or "\0"):
                    sources["agency"] = "body"
            sources["region"] = parsed["source"]  # type: ignore[index]
            if region is None:
                sources.pop("region")
        if region is not None:
            out.update(region.fields())
            if not rest and region.level != "special" and agency == prefix:
                # "南通市2019年度…年度报告": a bare division name is published by its people's government
                # (special zones such as 平潭综合实验区 have none and keep the printed name).
                agency = f"{agency}人民政府"
                sources["agency"] = f"{sources.get('agency', 'title')}+government"
        out["agency"] = agency

    # ---- scope
    scope, scope_src = scope_of(agency, text, rest)
    out["scope"] = scope
    if scope_src:
        sources["scope"] = scope_src
    if out["published_date"]:
        sources["published_date"] = out["published_date_source"]
    if out["title"] and "title" not in sources:
        sources["title"] = "page_meta" if parsed and parsed.get("source") == "page_meta" else "text"
    return out


__all__ = [
    "date_from_filename",
    "extract_metadata",
    "parse_header_block",
    "parse_title",
    "prepare_text",
    "title_from_text",
    "year_from_body",
    "year_from_preamble",
]
