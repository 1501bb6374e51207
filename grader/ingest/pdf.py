"""PDF text with pypdf: bounded pages, content bytes and time; encrypted/damaged refused clearly."""

from __future__ import annotations

import io
import logging
import time
from typing import Any

from .errors import IngestError

MAX_PAGES = 300
MAX_CONTENT_BYTES = 20_000_000  # decoded page content streams, all pages together
MAX_SECONDS = 5.0  # wall time for reading one PDF's text


class _Budget:
    """Raises IngestError once the PDF has used its time (checked per drawing operator)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.content_bytes = 0

    def check(self, *_: Any) -> None:
        if time.monotonic() > self.deadline:
            raise IngestError(".pdf file takes too long to read (too complex)")

    def add_content(self, page: Any) -> None:
        contents = page.get_contents()
        self.content_bytes += len(contents.get_data()) if contents is not None else 0
        if self.content_bytes > MAX_CONTENT_BYTES:
            raise IngestError(".pdf file holds too much page content (possible PDF bomb)")
        self.check()


def _declared_pages(reader: Any) -> int:
    """The page count the file claims (read before walking a page tree that may be huge)."""
    count = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
    return count if isinstance(count, int) else 0


def pdf_text(data: bytes) -> str:
    """The text of each page, pages separated by a blank line."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    budget = _Budget(MAX_SECONDS)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError(".pdf file is password-protected")
        if _declared_pages(reader) > MAX_PAGES or len(reader.pages) > MAX_PAGES:
            raise IngestError(f".pdf file has more than {MAX_PAGES} pages")
        pages = []
        for page in reader.pages:
            budget.add_content(page)
            pages.append(page.extract_text(visitor_operand_before=budget.check) or "")
    except IngestError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError,
            IndexError, RecursionError, ZeroDivisionError):
        raise IngestError("not a valid .pdf file (cannot be read)") from None
    text = "\n\n".join(p.strip("\n") for p in pages if p.strip())
    if not text.strip():
        raise IngestError(".pdf file has no text layer (a scanned image?)")
    return text
