"""Errors a medium reader raises when it cannot turn bytes into a :class:`~xxgk.parsing.document.Document`.

Every error carries a human-readable ``message`` and a ``location`` ('page 3', 'word/document.xml',
'byte 0') so the caller can turn it into a located :class:`~xxgk.parsing.model.ParseIssue`
(``stage='read'``, ``code=err.code``).
"""

from __future__ import annotations


class ReaderError(Exception):
    """Base class: the file could not be read into a Document."""

    code = "read_error"

    def __init__(self, message: str, location: str = "") -> None:
        self.message = message
        self.location = location
        super().__init__(f"{message} ({location})" if location else message)


class NeedsOCR(ReaderError):
    """The file has no usable text layer (scanned pages, tables as images); OCR is required."""

    code = "needs_ocr"


class EncryptedDocument(ReaderError):
    """The file is encrypted with a password we do not have."""

    code = "encrypted"


class CorruptDocument(ReaderError):
    """The file claims a format but its structure is broken (truncated, bad xref, bad zip)."""

    code = "corrupt"


class UnsupportedFormat(ReaderError):
    """The bytes are a format this reader does not handle (e.g. legacy .doc/.wps binaries)."""

    code = "unsupported_format"


class UnsafeDocument(ReaderError):
    """The file looks hostile: a zip bomb, or XML with DOCTYPE/ENTITY declarations (XXE)."""

    code = "unsafe"


class ResourceLimitExceeded(ReaderError):
    """Reading would exceed the configured work budget (time)."""

    code = "resource_limit"


class TooDeeplyNested(ResourceLimitExceeded):
    """The markup nests deeper than the reader's limit (a hostile page; parsing it is quadratic)."""

    code = "too_deeply_nested"


__all__ = [
    "CorruptDocument",
    "EncryptedDocument",
    "NeedsOCR",
    "ReaderError",
    "ResourceLimitExceeded",
    "TooDeeplyNested",
    "UnsafeDocument",
    "UnsupportedFormat",
]
