"""Bytes → text: BOMs, HTML ``<meta charset>``, UTF-8, GB18030 (superset of GBK/GB2312)."""

from __future__ import annotations

import codecs
import re

from xxgk.parsing.model import ParseIssue

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_CHINESE_ALIASES = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030", "euc-cn", "hz-gb-2312"}


def _norm(name: str) -> str | None:
    n = name.strip().lower()
    if n in _CHINESE_ALIASES:
        return "gb18030"
    try:
        return codecs.lookup(n).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KB (normalised codec name), or None."""
    m = _META_CHARSET.search(data[:4096])
    return _norm(m.group(1).decode("ascii", "ignore")) if m else None


def decode_bytes(data: bytes, *, html: bool = False) -> tuple[str, str | None, list[ParseIssue]]:
    """Decode ``data``; returns (text, encoding name, issues). Never raises.

    Order: BOM, strict UTF-8, the HTML-declared charset, strict GB18030,
    charset-normalizer; last resort UTF-8 with replacement characters and an error issue.
    """
    issues: list[ParseIssue] = []
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig", issues
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace"), "utf-16", issues
    declared = declared_charset(data) if html else None
    # strict UTF-8 first: GBK text almost never decodes as UTF-8, while UTF-8 bytes often "decode"
    # as GB18030 into garbage, so a page mis-declaring gb2312 is still read right
    tried: list[str] = []
    for enc in ("utf-8", declared, "gb18030"):
        if not enc or enc in tried:
            continue
        tried.append(enc)
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if declared and enc != declared and declared not in ("utf-8", "ascii"):
            issues.append(
                ParseIssue("decode", "info", "declared_charset_wrong",
                           f"page declares {declared} but is {enc}", "byte 0")
            )
        return text, enc, issues
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None and best.encoding:
            issues.append(
                ParseIssue("decode", "warning", "encoding_guessed", f"encoding guessed as {best.encoding}")
            )
            return str(best), best.encoding, issues
    except Exception:  # pragma: no cover - library failure is treated as undecodable
        pass
    issues.append(
        ParseIssue("decode", "error", "undecodable", "bytes decode as neither UTF-8 nor GB18030", "byte 0")
    )
    return data.decode("utf-8", "replace"), None, issues
