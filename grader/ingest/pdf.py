"""PDF text with pypdf, within the upload's budget: decoded page content, pages, time.

pypdf parses a page's whole content stream before any callback runs (about a second per
MB of drawing operators), so the decoded content is measured first, against a per-PDF cap
and the upload's byte budget, and pypdf's own decompression limits are set to that cap so
a stream that inflates stops there instead of at pypdf's 75 MB default.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .budget import Budget, BudgetExceeded, megabytes
from .errors import IngestError

MAX_PAGES = 300
MAX_FORM_INVOCATIONS = 500  # XObject forms drawn per page while extracting text
WHAT = "this PDF"


def _content_limit(cap: int) -> BudgetExceeded:
    return BudgetExceeded(f"{WHAT} expands to more than {megabytes(cap)} of page content "
                          "(the limit for one PDF; possible PDF bomb)")


@contextmanager
def _pypdf_limits(cap: int) -> Iterator[None]:
    """pypdf's per-stream output limits lowered to `cap` (+1) for this thread only."""
    import pypdf

    apply = getattr(pypdf, "apply_configuration", None)
    if apply is None:  # older pypdf: module constants only (not per thread): keep its defaults
        yield
        return
    limit = cap + 1
    wanted = {"zlib_maximum_output_length": limit, "lzw_maximum_output_length": limit,
              "run_length_maximum_output_length": limit,
              "brotli_maximum_output_length": limit,
              "array_based_stream_maximum_output_length": limit,
              "xform_maximum_invocations_per_extraction": MAX_FORM_INVOCATIONS}
    known = set(getattr(pypdf.Configuration, "__dataclass_fields__", {}))
    with apply(**{k: v for k, v in wanted.items() if k in known}):
        yield


def _declared_pages(reader: Any) -> int:
    """The page count the file claims (read before walking a page tree that may be huge)."""
    count = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
    return count if isinstance(count, int) else 0


def _content_bytes(page: Any) -> int:
    contents = page.get_contents()  # decodes (bounded by _pypdf_limits), does not parse
    return len(contents.get_data()) if contents is not None else 0


def pdf_text(data: bytes, budget: Budget | None = None) -> str:
    """The text of each page, pages separated by a blank line."""
    from pypdf import PdfReader
    from pypdf import errors as pdf_errors

    limit_error = getattr(pdf_errors, "LimitReachedError", ())
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    budget = budget or Budget()
    cap = budget.limits.max_pdf_content_bytes

    def over_limit() -> IngestError:
        if budget.bytes_left < cap:  # the upload's budget ran out first: say that
            try:
                budget.spend_bytes(budget.bytes_left + 1, WHAT)
            except BudgetExceeded as exc:
                return exc
        return _content_limit(cap)

    def tick(*_: Any) -> None:
        budget.tick(WHAT)

    try:
        with _pypdf_limits(min(cap, budget.bytes_left)):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise IngestError(".pdf file is password-protected")
            if _declared_pages(reader) > MAX_PAGES or len(reader.pages) > MAX_PAGES:
                raise IngestError(f".pdf file has more than {MAX_PAGES} pages")
            pages, content = [], 0
            for page in reader.pages:
                budget.check_time(WHAT)
                size = _content_bytes(page)
                content += size
                if content > cap:
                    raise _content_limit(cap)
                budget.spend_bytes(size, WHAT)
                budget.check_time(WHAT)
                text = page.extract_text(visitor_operand_before=tick) or ""
                budget.spend_chars(len(text), WHAT)
                pages.append(text)
    except IngestError:
        raise
    except limit_error as exc:
        if "output" in str(exc) or "decompress" in str(exc).lower():
            raise over_limit() from None
        raise IngestError(f"{WHAT} is too complex to read ({exc})") from None
    except (pdf_errors.PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError,
            IndexError, RecursionError, ZeroDivisionError):
        raise IngestError("not a valid .pdf file (cannot be read)") from None
    text = "\n\n".join(p.strip("\n") for p in pages if p.strip())
    if not text.strip():
        raise IngestError(".pdf file has no text layer (a scanned image?)")
    return text
