"""Bytes of one report file → :class:`ParsedReport`.

``parse_bytes`` sniffs the medium (content first, extension second), reads it into a
:class:`~xxgk.parsing.document.Document` (HTML and text here; PDF and DOCX by their own modules, imported
lazily) and ``parse_document`` maps the Document onto the template: format version, T2/T3/T4 cells,
sections, title and metadata. Neither raises on bad input: problems become located ``ParseIssue`` s.
"""

from __future__ import annotations

import re

from xxgk.parsing.document import Document
from xxgk.parsing.model import Media, ParsedCell, ParsedReport, ParseIssue
from xxgk.parsing.paths import file_suffix

__all__ = ["parse_bytes", "parse_document", "sniff_media"]

_HTML_HINT = re.compile(rb"<\s*(html|body|table|p|div|meta|!doctype|tr|td|span|br)\b", re.I)
_TITLE_HINT = re.compile(r"年度报告|年报")


def sniff_media(data: bytes, filename: str = "") -> Media:
    """'pdf' | 'docx' | 'html' | 'txt' | 'unknown' from the first bytes, then the file extension."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "unknown"  # legacy .doc / .wps (OLE): not readable here
    if _HTML_HINT.search(head):
        return "html"
    ext = file_suffix(filename).lower()
    if ext in (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"):
        return "html"
    if ext == ".pdf":
        return "pdf"
    if ext == ".docx":
        return "docx"
    if b"\x00" in data[:4096]:
        return "unknown"
    return "txt"


def _read_binary(data: bytes, media: Media) -> tuple[Document | None, list[ParseIssue]]:
    """PDF / DOCX through their readers (owned elsewhere); any failure is an issue."""
    try:
        if media == "pdf":
            from xxgk.parsing.pdf import read_pdf

            return read_pdf(data), []
        from xxgk.parsing.docx import read_docx

        return read_docx(data), []
    except ImportError as e:
        return None, [ParseIssue("read", "error", "reader_unavailable", f"no {media} reader: {e}")]
    except Exception as e:
        code = getattr(e, "code", "read_error")
        loc = getattr(e, "location", "")
        msg = getattr(e, "message", None) or f"{type(e).__name__}: {e}"
        return None, [ParseIssue("read", "error", str(code), str(msg), str(loc))]


def parse_bytes(data: bytes, filename: str = "") -> ParsedReport:
    """Parse one file's bytes. Never raises: unreadable input gives status 'failed' with issues."""
    media: Media = "unknown"
    try:
        media = sniff_media(data, filename)
        if not data or not data.strip():
            return ParsedReport(media=media, issues=[ParseIssue("read", "error", "empty_file", "file is empty")])
        if media == "unknown":
            return ParsedReport(
                media=media,
                issues=[ParseIssue("read", "error", "unsupported_media", "not HTML, text, PDF or DOCX", "byte 0")],
            )
        if media in ("pdf", "docx"):
            doc, issues = _read_binary(data, media)
            if doc is None:
                return ParsedReport(media=media, issues=issues)
            report = parse_document(doc, media, filename=filename)
            report.issues[:0] = issues
            return report
        from xxgk.parsing.encoding import decode_bytes

        text, encoding, issues = decode_bytes(data, html=media == "html")
        if media == "html":
            from xxgk.parsing.errors import ReaderError
            from xxgk.parsing.html_reader import read_html

            try:
                doc = read_html(text)
            except ReaderError as e:  # a limit of the reader (hostile markup)
                issues.append(ParseIssue("read", "error", e.code, e.message, e.location))
                return ParsedReport(media=media, encoding=encoding, issues=issues)
        else:
            from xxgk.parsing.text_reader import read_text

            doc = read_text(text)
        report = parse_document(doc, media, filename=filename)
        report.encoding = encoding
        report.issues[:0] = issues
        return report
    except Exception as e:  # the parser's own bug must not stop a batch
        return ParsedReport(
            media=media,
            issues=[ParseIssue("read", "error", "internal_error", f"{type(e).__name__}: {e}")],
        )


def _title(doc: Document) -> str | None:
    for key in ("ArticleTitle", "标题", "articletitle", "og:title", "Title"):
        if doc.meta.get(key):
            return doc.meta[key].strip()
    for b in doc.blocks[:40]:
        if isinstance(b, str) and len(b) <= 80 and _TITLE_HINT.search(b):
            return b.strip()
    if doc.meta.get("title"):
        return doc.meta["title"].strip()
    # run-on text: the title is the start of the first line
    first = next((b for b in doc.blocks if isinstance(b, str)), "")
    m = re.match(r"^\s*(\S{4,60}?(?:年度报告|年报))", first)
    return m.group(1) if m else None


def _metadata(report: ParsedReport, doc: Document, filename: str) -> None:
    try:
        from xxgk.parsing.metadata import extract_metadata
    except ImportError:
        return
    try:
        found = extract_metadata(doc.text, report.title, dict(doc.meta), filename)
    except Exception as e:
        report.issues.append(ParseIssue("metadata", "warning", "metadata_failed", f"{type(e).__name__}: {e}"))
        return
    for key, value in (found or {}).items():
        if key in ("cells", "issues", "text", "narrative", "media") or not hasattr(report, key):
            continue
        if value is not None:
            setattr(report, key, value)


def parse_document(doc: Document, media: Media, *, filename: str = "") -> ParsedReport:
    """Map a Document (from any medium) onto the template. Never raises."""
    report = ParsedReport(media=media)
    try:
        _parse_document(doc, report, filename)
    except Exception as e:
        report.issues.append(ParseIssue("tables", "error", "internal_error", f"{type(e).__name__}: {e}"))
    return report


def _parse_document(doc: Document, report: ParsedReport, filename: str) -> None:
    from xxgk.parsing.tables import capture_tables
    from xxgk.parsing.tresolve import resolve_t2, resolve_t3, resolve_t4
    from xxgk.parsing.tsections import split_sections
    from xxgk.parsing.tstream import capture_stream
    from xxgk.parsing.tversion import detect_format, version_issues
    from xxgk.template.model import load_format

    report.text = doc.text
    report.title = _title(doc)
    report.narrative = split_sections(doc.text)
    _metadata(report, doc, filename)

    version, hits = detect_format(doc.text)
    report.format_version = version
    report.issues.extend(version_issues(version, hits, report.year))
    caps = capture_tables(doc)
    missing = frozenset(t for t, got in (("T2", caps.t2), ("T3", caps.t3), ("T4", caps.t4)) if not got)
    if missing:
        stream = capture_stream(doc.text, missing)
        caps.t2 = caps.t2 or stream.t2
        if not caps.t3:
            caps.t3, caps.t3_columns = stream.t3, stream.t3_columns
        caps.t4 = caps.t4 or stream.t4
    if version == "legacy":
        report.issues.append(ParseIssue("tables", "warning", "legacy_format",
                                        "pre-2019 report format; its tables are not mapped"))
        return
    fmt_version = version
    if fmt_version is None:
        # no T2 anchors: the T3 rows decide (3.6.1-3.6.3 exist only in 2021), then the year
        codes = {c.row for c in caps.t3}
        if codes & {"3.6.1", "3.6.2", "3.6.3"}:
            fmt_version = "2021"
        elif "3.6" in codes or (report.year is not None and report.year < 2021):
            fmt_version = "2019"
        elif caps.t3 or caps.t4:
            fmt_version = "2021"
        report.format_version = fmt_version
    if fmt_version is None:
        _not_a_report(report, doc)
        return
    fmt = load_format(fmt_version)
    cells: list[ParsedCell] = []
    cells += resolve_t2(caps, fmt, report.issues, doc.text)
    cells += resolve_t3(caps, fmt, report.issues)
    cells += resolve_t4(caps, report.issues)
    report.cells = cells
    read = {c.table_code for c in cells}
    for table, got in (("T3", caps.t3), ("T4", caps.t4), ("T2", caps.t2)):
        if not got or table not in read:  # captured but no cell mapped is missing too
            sev = "error" if table == "T3" else "warning"
            report.issues.append(ParseIssue("tables", sev, "missing_table", f"table {table} not found", table))
    if not cells:
        _not_a_report(report, doc)


def _not_a_report(report: ParsedReport, doc: Document) -> None:
    attachments = doc.meta.get("attachments", "")
    if attachments:
        msg = f"no report tables; the page links attachments: {attachments[:300]}"
        code = "attachment_only"
    elif "政府信息公开" in doc.text and "年度报告" in doc.text:
        msg, code = "a report without readable tables (images or unsupported layout?)", "no_tables"
    else:
        msg, code = "not a 政府信息公开工作年度报告", "not_a_report"
    report.issues.append(ParseIssue("tables", "error", code, msg))
