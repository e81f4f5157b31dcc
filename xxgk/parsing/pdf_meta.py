"""PDF document-information dictionary → clean ``Document.meta`` strings.

pdfminer hands back raw byte strings. Producers disagree on their encoding: the PDF spec says
PDFDocEncoding or UTF-16BE with a BOM, but WPS writes UTF-16**LE** with an ``FF FE`` BOM, which naive
decoders turn into mojibake ("ÿþ*mýl:S…"). Dates (``D:20240226144123+08'00'``) become ISO 8601.
"""

from __future__ import annotations

import re
from typing import Any

# Keys copied under their PDF names; lower-case aliases are added for the medium-independent code.
_KEYS = {
    "Title": "title",
    "Author": "author",
    "Subject": "subject",
    "Keywords": "keywords",
    "Creator": "creator",
    "Producer": "producer",
    "CreationDate": "created",
    "ModDate": "modified",
}
_DATE = re.compile(
    r"^D?:?(?P<y>\d{4})(?P<m>\d{2})?(?P<d>\d{2})?(?P<H>\d{2})?(?P<M>\d{2})?(?P<S>\d{2})?"
    r"(?P<tz>[Zz]|[+\-]\d{2}'?(\d{2})?'?)?"
)


def decode_pdf_string(raw: Any) -> str:
    """Decode a PDF text string (bytes) by its BOM; fall back to UTF-8, GB18030, Latin-1."""
    if isinstance(raw, str):
        return raw.strip("\x00").strip()
    if not isinstance(raw, bytes | bytearray):
        name = getattr(raw, "name", None)  # a PSLiteral such as /'False'
        return str(name if name is not None else raw)
    data = bytes(raw)
    if data.startswith(b"\xfe\xff"):
        text = data[2:].decode("utf-16-be", errors="replace")
    elif data.startswith(b"\xff\xfe"):
        text = data[2:].decode("utf-16-le", errors="replace")
    elif data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    else:
        for enc in ("utf-8", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            text = data.decode("latin-1")
    return text.strip("\x00").strip()


def pdf_date_to_iso(value: str) -> str | None:
    """``D:20240226144123+08'00'`` → ``2024-02-26T14:41:23+08:00``; None if not a PDF date."""
    m = _DATE.match(value.strip())
    if not m:
        return None
    y, mo, d = m.group("y"), m.group("m") or "01", m.group("d") or "01"
    if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
        return None
    out = f"{y}-{mo}-{d}"
    if m.group("H"):
        out += f"T{m.group('H')}:{m.group('M') or '00'}:{m.group('S') or '00'}"
        tz = m.group("tz")
        if tz:
            if tz in "Zz":
                out += "+00:00"
            else:
                digits = re.sub(r"\D", "", tz)
                out += f"{tz[0]}{digits[:2]}:{(digits[2:4] or '00')}"
    return out


def resolve(obj: Any) -> Any:
    """Dereference pdfminer indirect objects."""
    for _ in range(8):
        if hasattr(obj, "resolve") and type(obj).__name__ == "PDFObjRef":
            obj = obj.resolve()
        else:
            break
    return obj


def decode_info(infos: list[dict[str, Any]]) -> dict[str, str]:
    """Merge pdfminer ``doc.info`` dictionaries into ``{'Title': ..., 'title': ..., 'created': ...}``.

    Non-empty values only. Dates keep their raw form under the PDF key's ``_raw`` suffix when they
    do not parse, so nothing is silently lost.
    """
    meta: dict[str, str] = {}
    for info in infos:
        for key, raw in info.items():
            try:
                text = decode_pdf_string(resolve(raw))
            except Exception:  # a broken info entry must not sink the document
                continue
            if not text:
                continue
            alias = _KEYS.get(key)
            if key in ("CreationDate", "ModDate"):
                iso = pdf_date_to_iso(text)
                if iso is None:
                    meta[f"{key}_raw"] = text
                    continue
                text = iso
            meta[key] = text
            if alias:
                meta[alias] = text
    return meta
