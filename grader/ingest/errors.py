"""Errors raised when bytes cannot be turned into essay text."""

from __future__ import annotations


class IngestError(ValueError):
    """The input cannot be read as an essay; the message says why, for a teacher."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnsupportedFormat(IngestError):
    """The file's type is not one we read (an HTTP 415 rather than a 422)."""
