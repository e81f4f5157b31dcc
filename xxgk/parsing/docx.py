"""DOCX bytes → :class:`~xxgk.parsing.document.Document` (paragraphs and tables in body order).

Safety before parsing (reports come from arbitrary government sites):

* zip bombs — the central directory is checked first: member count, total declared uncompressed
  size and per-member compression ratio (all configurable). ``zipfile`` never inflates a member
  past its declared size, so the declared sizes bound the real work.
* XXE / billion laughs — every XML part is pre-scanned with defusedxml (``forbid_dtd``); any
  DOCTYPE or ENTITY declaration rejects the file. python-docx itself parses with an lxml parser
  built with ``resolve_entities=False`` (``docx.oxml.parser.oxml_parser``), so even without the
  pre-scan external entities would not be fetched; the pre-scan makes rejection explicit.
* legacy Word/WPS binaries (OLE2, ``D0 CF 11 E0``) → :class:`UnsupportedFormat`; an OLE2 file holding
  an ``EncryptedPackage`` stream is a password-protected DOCX → :class:`EncryptedDocument`.

Tables: ``w:gridSpan`` → colspan, ``w:vMerge`` → rowspan (continuation cells are not emitted, so
merged text is never duplicated), ``w:gridBefore`` → an empty leading cell. Nested tables are
flattened into their cell's text.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as defused_fromstring

from xxgk.parsing.document import Document, GridCell, Table
from xxgk.parsing.errors import CorruptDocument, EncryptedDocument, UnsafeDocument, UnsupportedFormat
from xxgk.parsing.pdf_text import join_parts, normalize_spaces

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class ZipLimits:
    """Bounds checked on the zip central directory before anything is inflated."""

    max_total_uncompressed: int = 200 * 1024 * 1024
    max_ratio: float = 200.0  # per member, for members above ``ratio_floor`` bytes
    ratio_floor: int = 1024 * 1024
    max_members: int = 5000


DEFAULT_LIMITS = ZipLimits()


def read_docx(data: bytes, *, limits: ZipLimits = DEFAULT_LIMITS) -> Document:
    """Read a DOCX file into a Document; raise a :class:`~xxgk.parsing.errors.ReaderError` if unsafe.

    ``meta``: ``media='docx'`` and the core properties that are set — ``title``, ``author``,
    ``created``, ``modified`` (ISO 8601), ``last_modified_by``, ``subject``, ``keywords``, ``category``.
    """
    _check_magic(data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise CorruptDocument(f"not a readable zip container: {exc}", "zip directory") from exc
    with zf:
        _check_zip(zf, limits)
        _prescan_xml(zf)
    import docx  # local: keeps import time off the PDF/HTML paths

    try:
        wdoc = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError/ValueError/lxml errors on broken parts
        raise CorruptDocument(f"DOCX structure cannot be parsed: {exc!r}", "word/document.xml") from exc
    blocks: list[str | Table] = []
    body = wdoc.element.body
    _walk(body, blocks, counter=[0])
    texts = [b if isinstance(b, str) else _table_text(b) for b in blocks]
    return Document(blocks=blocks, meta=_core_meta(wdoc), text="\n".join(t for t in texts if t))


def _check_magic(data: bytes) -> None:
    if data.startswith(OLE2_MAGIC[:4]):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise EncryptedDocument("password-protected Office document (encrypted OOXML package)", "byte 0")
        raise UnsupportedFormat(
            "legacy Word/WPS binary (OLE2 .doc/.wps); convert to DOCX or PDF", "byte 0 (magic D0 CF 11 E0)"
        )
    if data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        raise UnsupportedFormat("PDF file, not DOCX", "byte 0")
    if data[:6].startswith(b"{\\rtf"):
        raise UnsupportedFormat("RTF document; convert to DOCX or PDF", "byte 0")
    if not data.startswith(b"PK"):
        raise UnsupportedFormat("not a DOCX (zip) file: no PK signature", "byte 0")


def _check_zip(zf: zipfile.ZipFile, limits: ZipLimits) -> None:
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise UnsafeDocument(f"zip has {len(infos)} members (limit {limits.max_members})", "zip directory")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise UnsafeDocument(
                f"zip bomb suspected: compression ratio {ratio:.0f}:1 (limit {limits.max_ratio:.0f}:1)",
                info.filename,
            )
        if total > limits.max_total_uncompressed:
            raise UnsafeDocument(f"zip expands to more than {limits.max_total_uncompressed} bytes", info.filename)
        if info.flag_bits & 0x1:
            raise EncryptedDocument("zip member is encrypted", info.filename)
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        kind = "XLSX" if "xl/workbook.xml" in names else "PPTX" if "ppt/presentation.xml" in names else "zip"
        raise UnsupportedFormat(f"{kind} container without word/document.xml; not a DOCX", "zip directory")


def _prescan_xml(zf: zipfile.ZipFile) -> None:
    """Reject any XML part with a DOCTYPE/ENTITY declaration; reject XML that does not parse."""
    for info in zf.infolist():
        name = info.filename
        if not (name.endswith((".xml", ".rels")) or name == "[Content_Types].xml"):
            continue
        try:
            raw = zf.read(info)
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:  # bad CRC, bad deflate
            raise CorruptDocument(f"zip member cannot be inflated: {exc}", name) from exc
        try:
            defused_fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except DefusedXmlException as exc:
            raise UnsafeDocument(f"XML declares a DTD or entities (XXE risk): {exc}", name) from exc
        except (ParseError, ValueError) as exc:
            if name == "word/document.xml" or name.startswith(("word/", "[Content")):
                raise CorruptDocument(f"malformed XML: {exc}", name) from exc


def _walk(parent: Any, blocks: list[str | Table], counter: list[int]) -> None:
    """Body children in order: paragraphs, tables, content controls (``w:sdt``) recursed."""
    for child in parent.iterchildren():
        tag = child.tag
        if tag == W + "p":
            text = normalize_spaces(_para_text(child))
            if text:
                blocks.append(text)
        elif tag == W + "tbl":
            counter[0] += 1
            blocks.append(_table(child, counter[0]))
        elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"):
            _walk(child, blocks, counter)


def _para_text(p: Any) -> str:
    """Text of a paragraph: runs, hyperlinks, tracked insertions, text boxes; not deleted text."""
    out: list[str] = []
    for el in p.iter(W + "t", W + "tab", W + "br", W + "cr"):
        if any(a.tag == MC_FALLBACK for a in el.iterancestors()):
            continue  # alternate-content fallback duplicates the text box text
        if el.tag == W + "t":
            out.append(el.text or "")
        elif el.tag == W + "tab":
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def _cell_text(tc: Any) -> str:
    return join_parts(_para_text(p) for p in tc.iter(W + "p"))


def _int_attr(el: Any, path: str, default: int) -> int:
    found = el.find(path)
    if found is None:
        return default
    try:
        return max(int(found.get(W + "val", default)), 0)
    except ValueError:
        return default


def _table(tbl: Any, number: int) -> Table:
    rows: list[list[GridCell]] = []
    open_: dict[int, GridCell] = {}  # grid column → origin cell of a vertical merge still open
    for tr in tbl.iterchildren(W + "tr"):
        row: list[GridCell] = []
        col = _int_attr(tr, f"{W}trPr/{W}gridBefore", 0)
        if col:
            row.append(GridCell("", colspan=col))
            for c in range(col):
                open_.pop(c, None)
        for tc in _row_cells(tr):
            span = max(_int_attr(tc, f"{W}tcPr/{W}gridSpan", 1), 1)
            vm = tc.find(f"{W}tcPr/{W}vMerge")
            vval = None if vm is None else (vm.get(W + "val") or "continue")
            origin = open_.get(col)
            if vval == "continue" and origin is not None:
                origin.rowspan += 1
            else:
                cell = GridCell(_cell_text(tc), colspan=span)
                row.append(cell)
                for c in range(col, col + span):
                    open_.pop(c, None)
                if vval == "restart":
                    open_[col] = cell
            col += span
        rows.append(row)
    return Table(rows=rows, location=f"table {number}")


def _row_cells(tr: Any) -> list[Any]:
    """``w:tc`` of a row, including cells wrapped in content controls or custom XML."""
    out: list[Any] = []
    for child in tr.iterchildren():
        if child.tag == W + "tc":
            out.append(child)
        elif child.tag in (W + "sdt", W + "customXml"):
            out.extend(child.iter(W + "tc"))
    return out


def _table_text(table: Table) -> str:
    return "\n".join("\t".join(c.text for c in row) for row in table.rows if row)


def _core_meta(wdoc: Any) -> dict[str, str]:
    meta = {"media": "docx"}
    try:
        cp = wdoc.core_properties
    except Exception:
        return meta
    fields = {
        "title": "title",
        "author": "author",
        "created": "created",
        "modified": "modified",
        "last_modified_by": "last_modified_by",
        "subject": "subject",
        "keywords": "keywords",
        "category": "category",
        "last_printed": "last_printed",
    }
    for key, attr in fields.items():
        try:
            value = getattr(cp, attr)
        except Exception:  # malformed dates in docProps/core.xml
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        if value:
            meta[key] = str(value).strip()
    return meta


__all__ = ["DEFAULT_LIMITS", "ZipLimits", "read_docx"]
