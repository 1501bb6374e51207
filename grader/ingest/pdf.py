"""PDF text with pypdf: bounded pages, encrypted and damaged files refused clearly."""

from __future__ import annotations

import io
import logging

from .errors import IngestError

MAX_PAGES = 300


def pdf_text(data: bytes) -> str:
    """The text of each page, pages separated by a blank line."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError(".pdf file is password-protected")
        if len(reader.pages) > MAX_PAGES:
            raise IngestError(f".pdf file has more than {MAX_PAGES} pages")
        pages = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError,
            IndexError, RecursionError, ZeroDivisionError):
        raise IngestError("not a valid .pdf file (cannot be read)") from None
    text = "\n\n".join(p.strip("\n") for p in pages if p.strip())
    if not text.strip():
        raise IngestError(".pdf file has no text layer (a scanned image?)")
    return text
