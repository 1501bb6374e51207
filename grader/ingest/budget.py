"""Per-upload budgets: decompressed bytes, PDF page content, wall time and characters of text.

One Budget is made per upload (one file, or one zip of many) and every reader draws on it,
so a small file that inflates, or a zip of many such files, fails fast with a clear message.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import IngestError


@dataclass(frozen=True)
class IngestLimits:
    """The budget figures (configuration: GRADER_INGEST_* settings, see from_config)."""

    max_expanded_bytes: int = 32_000_000  # decompressed bytes per upload, every part counted
    max_pdf_content_bytes: int = 2_000_000  # decoded page content per PDF (~1 s to parse a MB)
    max_xml_bytes: int = 8_000_000  # XML of one .docx/.odt (~0.3 s to parse a MB)
    max_seconds: float = 10.0  # wall time to read one upload
    max_text_chars: int = 2_000_000  # characters of text taken from one upload

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> IngestLimits:
        """The limits in a Flask config (INGEST_MAX_EXPANDED_BYTES, …); defaults otherwise."""
        d = cls()
        return cls(
            max_expanded_bytes=int(config.get("INGEST_MAX_EXPANDED_BYTES",
                                              d.max_expanded_bytes)),
            max_pdf_content_bytes=int(config.get("INGEST_MAX_PDF_CONTENT_BYTES",
                                                 d.max_pdf_content_bytes)),
            max_xml_bytes=int(config.get("INGEST_MAX_XML_BYTES", d.max_xml_bytes)),
            max_seconds=float(config.get("INGEST_MAX_SECONDS", d.max_seconds)),
            max_text_chars=int(config.get("INGEST_MAX_TEXT_CHARS", d.max_text_chars)),
        )


DEFAULT_LIMITS = IngestLimits()


class BudgetExceeded(IngestError):
    """An upload over one of its budgets: `status` 413 (too large) or 422 (too slow)."""

    def __init__(self, message: str, status: int = 413) -> None:
        super().__init__(message)
        self.status = status


def megabytes(n: int) -> str:
    """'20 MB', '1.5 MB', '0.001 MB' for a byte count."""
    return f"{n / 1_000_000:g} MB"


class Budget:
    """What one upload may still use; each `spend_*` or `check_time` raises BudgetExceeded."""

    def __init__(self, limits: IngestLimits = DEFAULT_LIMITS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self.deadline = clock() + limits.max_seconds
        self.bytes_used = 0
        self.chars_used = 0
        self._ticks = 0

    @property
    def bytes_left(self) -> int:
        return max(0, self.limits.max_expanded_bytes - self.bytes_used)

    def spend_bytes(self, n: int, what: str) -> None:
        """Count `n` decompressed bytes of `what` ('this .docx file', 'this zip archive')."""
        self.bytes_used += n
        if self.bytes_used > self.limits.max_expanded_bytes:
            raise BudgetExceeded(
                f"{what} expands to more than {megabytes(self.limits.max_expanded_bytes)} "
                "(the limit for one upload; possible zip bomb)")

    def spend_chars(self, n: int, what: str) -> None:
        """Count `n` characters of extracted text."""
        self.chars_used += n
        if self.chars_used > self.limits.max_text_chars:
            raise BudgetExceeded(
                f"{what} holds more than {self.limits.max_text_chars:,} characters of text "
                "(the limit for one upload)")

    def check_time(self, what: str) -> None:
        """Raise once the upload has used its time."""
        if self._clock() > self.deadline:
            raise BudgetExceeded(
                f"{what} takes more than {self.limits.max_seconds:g} s to read "
                "(too complex; the limit for one upload)", status=422)

    def tick(self, what: str, every: int = 256) -> None:
        """check_time, but only every `every` calls (for per-operator or per-token loops)."""
        self._ticks += 1
        if self._ticks % every == 0:
            self.check_time(what)
