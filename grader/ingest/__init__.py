"""Uploaded bytes to essay text: plain text in any common encoding, .docx, .odt, .pdf, .rtf.

    from grader.ingest import Budget, IngestLimits, decode_bytes, extract_text, IngestError
    text = extract_text(data, "essay.docx", Budget(IngestLimits(max_seconds=5)))

Every reader draws on one Budget per upload (decompressed bytes, PDF page content, time,
characters of text); over budget raises BudgetExceeded (an IngestError with a `status`).
"""

from __future__ import annotations

from pathlib import PurePath

from .budget import DEFAULT_LIMITS, Budget, BudgetExceeded, IngestLimits
from .decode import decode_bytes
from .errors import IngestError, UnsupportedFormat

MAX_DOCUMENT_BYTES = 50_000_000
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
DOCUMENT_SUFFIXES = frozenset({".docx", ".odt", ".pdf", ".rtf"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | DOCUMENT_SUFFIXES

__all__ = ["decode_bytes", "extract_text", "IngestError", "UnsupportedFormat",
           "SUPPORTED_SUFFIXES", "MAX_DOCUMENT_BYTES", "Budget", "BudgetExceeded",
           "IngestLimits", "DEFAULT_LIMITS"]


def _sniff(data: bytes) -> str:
    """A suffix for data that came without a usable one (stdin, 'essay')."""
    head = data[:8].lstrip()
    if head.startswith(b"%PDF"):
        return ".pdf"
    if head.startswith(b"{\\rtf"):
        return ".rtf"
    if data.startswith(b"PK\x03\x04"):
        if b"word/document.xml" in data:
            return ".docx"
        if b"application/vnd.oasis.opendocument.text" in data[:200]:
            return ".odt"
        raise UnsupportedFormat("a zip archive is not an essay file (.docx, .odt expected)")
    return ".txt"


def _read(data: bytes, suffix: str, budget: Budget) -> str:
    if suffix in TEXT_SUFFIXES:
        budget.spend_bytes(len(data), "this text file")
        return decode_bytes(data)
    if suffix == ".docx":
        from .office import docx_text

        return docx_text(data, budget)
    if suffix == ".odt":
        from .office import odt_text

        return odt_text(data, budget)
    if suffix == ".pdf":
        from .pdf import pdf_text

        return pdf_text(data, budget)
    from .rtf import rtf_text

    budget.spend_bytes(len(data), "this .rtf file")
    return rtf_text(data, budget)


def extract_text(data: bytes, filename: str, budget: Budget | None = None) -> str:
    """The essay text in `data`, read according to `filename`'s extension.

    Files without an extension (or '-') are recognised by content. Unknown extensions raise
    UnsupportedFormat; unreadable, binary, encrypted or oversized files raise IngestError,
    and files over `budget` (default: a fresh one with DEFAULT_LIMITS) BudgetExceeded.
    """
    budget = budget or Budget()
    if len(data) > MAX_DOCUMENT_BYTES:
        raise IngestError(f"file is larger than {MAX_DOCUMENT_BYTES // 1_000_000} MB")
    suffix = PurePath(filename or "").suffix.lower()
    if not suffix or filename == "-":
        suffix = _sniff(data)
    elif suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnsupportedFormat(f"unsupported file type '{suffix}' (allowed: {allowed})")
    text = _read(data, suffix, budget)
    if suffix not in (".pdf",):  # the PDF reader counts its pages' text as it goes
        budget.spend_chars(len(text), f"this {suffix} file")
    return text
