"""Row and column labels of T2/T3/T4: normalisation and distinctive-substring matching.

Labels are matched on distinctive substrings (report-format.md §8.3), after folding full-width forms,
brackets, quotes and whitespace, so "（三）危及“三安全一稳定”", "3、危及\"三安全一稳定\"" and
"(3)危及三安全 一稳定" all match row 3.3.3. Codes come from the template model; this module only says
which printed text means which code.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTES = str.maketrans({c: "" for c in "“”\"'‘’「」『』《》〈〉"})
# Traditional → simplified for the characters of the template's label vocabulary, so a report printed
# in 繁體 (港澳台 style copies, some 民族 autonomous areas' pages) still matches its rows. Labels only:
# cell raw_text and names keep the characters as printed.
_T2S = str.maketrans(
    "萬與專業舉於會體關決況減辦務動區單發後國復複處審實對屬廢開強當執護報數無機權條構沒現確穩類糾納組織經結統繼續維繳罰範獲補規計認議許訟訪訴詢請購費轉過這進採問項題額總據則門應時間見網頁產監個為爲導線質達態準戶陳縣區鎮鄉級歸屆滿專檢測設劃傳編還適獨積極資標讀書讓調聯負責違內準務僅係眾餘壹貳參肆伍陸柒捌玖拾",
    "万与专业举于会体关决况减办务动区单发后国复复处审实对属废开强当执护报数无机权条构没现确稳类纠纳组织经结统继续维缴罚范获补规计认议许讼访诉询请购费转过这进采问项题额总据则门应时间见网页产监个为为导线质达态准户陈县区镇乡级归届满专检测设划传编还适独积极资标读书让调联负责违内准务仅系众余一二三四五六七八九十",
)
_WS = re.compile(r"\s+")
_NUMBERING = re.compile(r"^(?:[(（]?[一二三四五六七八九十]+[)）、.．]?|[(（]?\d{1,2}[)）、.．]|[①②③④⑤⑥⑦⑧⑨⑩])[、.．]?")


# one pass deleting whitespace and quotes; the traditional characters as a class (most texts have none)
_WS_QUOTES = re.compile("[\\s" + re.escape("".join(chr(c) for c in _QUOTES)) + "]+")
_T2S_CHARS = re.compile("[" + re.escape("".join(chr(c) for c in _T2S)) + "]")


# Frequent full-width characters and their compatibility decompositions. NFKC(text) is unchanged when a
# character is first replaced by its full decomposition (NFKD works character by character), and a text
# left with CJK and ASCII only passes unicodedata's quick check instead of being renormalised.
_FW_NFKD = tuple(
    (c, unicodedata.normalize("NFKD", c))
    for c in "，（）：；！？％．／＋－＝＜＞［］｛｝＂＇０１２３４５６７８９\u3000"
)


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster on Chinese text with full-width punctuation."""
    for wide, narrow in _FW_NFKD:
        if wide in text:
            text = text.replace(wide, narrow)
    return unicodedata.normalize("NFKC", text)


_QUOTE_CHARS = tuple(chr(c) for c in _QUOTES)


def _drop_ws_quotes(s: str) -> str:
    """``_WS_QUOTES.sub("", s)``, faster: ``str.split()`` cuts at exactly the characters ``\\s`` matches
    (``str.isspace``), and each quote is removed only when present (most texts hold two or three kinds)."""
    s = "".join(s.split())
    for q in _QUOTE_CHARS:
        if q in s:
            s = s.replace(q, "")
    return s


def norm_text(text: str) -> str:
    """:func:`norm` without the cache, for whole texts (each read once; not worth keeping)."""
    s = _drop_ws_quotes(_nfkc(text))
    return s.translate(_T2S) if _T2S_CHARS.search(s) else s


@lru_cache(maxsize=8192)
def norm(text: str) -> str:
    """Fold width (NFKC: （）→(), １→1), traditional label characters to simplified, drop quotes and whitespace.

    (The same as ``_WS.sub("", NFKC(text).translate(_QUOTES).translate(_T2S))``: the 1:1 character
    mapping commutes with the deletions, and it is skipped when no traditional character occurs.)
    """
    return norm_text(text)


def strip_numbering(label: str) -> str:
    """'(七)总计' → '总计', '1.属于国家秘密' → '属于国家秘密' (on normalised text)."""
    return _NUMBERING.sub("", label, count=1)


# --- T3 rows -----------------------------------------------------------------------------------------
#: leaf / data / total rows, most specific first. Anchors are normalised (NFKC, no quotes).
T3_ROW_ANCHORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("3.6.1", ("逾期不补正", "无正当理由逾期")),
    ("3.6.2", ("缴纳费用", "收费通知")),
    ("3.3.1", ("国家秘密",)),
    ("3.3.2", ("禁止公开", "其他法律", "行政法规禁止")),
    ("3.3.3", ("三安全一稳定", "危及")),
    ("3.3.4", ("第三方合法权益", "保护第三方")),
    ("3.3.5", ("内部事务",)),
    ("3.3.6", ("过程性",)),
    ("3.3.7", ("执法案卷",)),
    ("3.3.8", ("查询事项",)),
    ("3.4.1", ("不掌握",)),
    ("3.4.2", ("另行制作", "没有现成")),
    ("3.4.3", ("补正后", "仍不明确")),
    ("3.5.1", ("信访", "举报投诉")),
    ("3.5.2", ("重复申请",)),
    ("3.5.3", ("出版物",)),
    ("3.5.4", ("大量反复",)),
    ("3.5.5", ("重新出具", "确认或重新")),
    ("3.1", ("予以公开",)),
    ("3.2", ("部分公开",)),
    ("1", ("本年新收", "新收政府信息")),
    ("2", ("上年结转",)),
    ("4", ("结转下年", "下年度继续")),
    ("3.6", ("其他处理",)),
    ("3.3", ("不予公开",)),
    ("3.4", ("无法提供",)),
    ("3.5", ("不予处理",)),
    ("3.7", ("总计", "合计总")),
)
T3_GROUP_CODES = frozenset({"3.3", "3.4", "3.5"})
T3_HEADER_ANCHORS = ("办理结果",)
SUBTOTAL_ANCHORS = ("小计", "合计")
#: anchors that identify a table as T3 (generic words like 总计/其他 excluded)
T3_DISTINCTIVE = frozenset(code for code, _ in T3_ROW_ANCHORS if code not in ("3.7",))

#: T3 column header labels
T3_COLUMN_ANCHORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("NP", ("自然人",)),
    ("LP_COM", ("商业企业",)),
    ("LP_RES", ("科研机构",)),
    ("LP_NGO", ("社会公益",)),
    ("LP_LAW", ("法律服务",)),
    ("LP_SUB", ("小计",)),
    ("TOTAL", ("总计", "合计")),
    ("LP_OTH", ("其他",)),
)


@lru_cache(maxsize=4096)
def match_t3_row(label: str) -> str | None:
    """Row code of a T3 row label (normalised or not); '3.6.3' needs context, see :func:`is_bare_other`."""
    n = norm(label)
    if not n:
        return None
    for code, anchors in T3_ROW_ANCHORS:
        for a in anchors:
            if a in n:
                return code
    return None


@lru_cache(maxsize=4096)
def t3_row_hits(label: str) -> int:
    """How many different T3 rows a label names (≥ 3: a header listing row names, not a row)."""
    n = norm(label)
    return sum(1 for _, anchors in T3_ROW_ANCHORS if any(a in n for a in anchors))


@lru_cache(maxsize=4096)
def is_bare_other(label: str) -> bool:
    """'3.其他' — row 3.6.3 when it follows 3.6.2 (V2021)."""
    return strip_numbering(norm(label)) in ("其他", "其它")


@lru_cache(maxsize=4096)
def is_subtotal(label: str) -> bool:
    n = strip_numbering(norm(label))
    return any(n.startswith(a) or n == a for a in SUBTOTAL_ANCHORS)


@lru_cache(maxsize=4096)
def match_t3_column(label: str) -> str | None:
    n = strip_numbering(norm(label))
    if not n:
        return None
    for code, anchors in T3_COLUMN_ANCHORS:
        for a in anchors:
            if code == "LP_OTH":
                if n in ("其他", "其它"):
                    return code
            elif a in n:
                return code
    return None


# --- T2 rows -----------------------------------------------------------------------------------------
T2_ROW_ANCHORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("20.5.2", ("对外管理服务",)),
    ("20.1.2", ("规范性文件",)),
    ("20.1.1", ("规章",)),
    ("20.5.1", ("行政许可",)),
    ("20.6.1", ("行政处罚",)),
    ("20.6.2", ("行政强制",)),
    ("20.8.1", ("事业性收费",)),
    ("20.9.1", ("集中采购",)),
)


@lru_cache(maxsize=4096)
def match_t2_row(label: str) -> str | None:
    """Row code of a T2 row label; only short labels qualify (a paragraph is not a row label)."""
    n = strip_numbering(norm(label))
    if not n or len(n) > 16:
        return None
    for code, anchors in T2_ROW_ANCHORS:
        for a in anchors:
            if a in n:
                return code
    return None


# --- T4 ----------------------------------------------------------------------------------------------
#: 行政复议 as printed, with the real-world typo 行政法复议 (平潭 2022) in headings and T4 tables
AR_WORDS = ("行政复议", "行政法复议")
T4_BLOCK_ANCHORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AL_D", ("未经复议",)),
    ("AL_R", ("复议后",)),
    ("AR", AR_WORDS),
)
T4_COLUMN_ANCHORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("MAINTAIN", ("维持",)),
    ("CORRECT", ("纠正",)),
    ("OTHER", ("其他",)),
    ("PENDING", ("尚未审结", "未审结")),
    ("TOTAL", ("总计", "合计")),
)


def match_t4_block(label: str) -> str | None:
    n = norm(label)
    for code, anchors in T4_BLOCK_ANCHORS:
        if any(a in n for a in anchors):
            return code
    return None


def is_t4_table_text(text: str) -> bool:
    n = norm(text)
    return any(w in n for w in AR_WORDS) and ("行政诉讼" in n or "复议后起诉" in n or "直接起诉" in n) and "维持" in n


# --- sections ----------------------------------------------------------------------------------------
SECTION_ANCHORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("S1", ("总体情况", "概述")),
    ("S2", ("主动公开政府信息情况", "主动公开政府信息")),
    ("S3", ("收到和处理政府信息公开申请", "依申请公开政府信息情况")),
    ("S4", ("行政复议、行政诉讼情况", "行政复议和提起行政诉讼", "行政复议、提起行政诉讼", "被申请行政复议")),
    ("S5", ("存在的主要问题及改进", "存在问题及改进", "主要问题及改进")),
    ("S6", ("其他需要报告的事项", "其他需要报告事项")),
)
