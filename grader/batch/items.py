"""One essay in a batch: its name and its text, its raw bytes, or why it cannot be graded."""

from __future__ import annotations

from dataclasses import dataclass

from ..ingest.budget import Budget
from ..text.wordcount import words_over

MAX_ESSAY_BYTES = 5_000_000
MAX_WORDS = 20_000


@dataclass(slots=True)
class Item:
    """An essay to grade. Exactly one of `text`, `data` (undecoded bytes) or `error` is set.

    `filename` says how to read `data` (its extension); it defaults to `name`.
    """

    name: str
    text: str | None = None
    data: bytes | None = None
    error: str | None = None
    filename: str | None = None


def prepare_text(item: Item, max_words: int = MAX_WORDS,
                 budget: Budget | None = None) -> tuple[str | None, str | None]:
    """(text, None) ready to grade, or (None, reason) for a teacher. Decodes `data` if needed.

    With a `budget` (one per upload), decoding draws on it; once it is spent every further
    item of the upload gets the same reason.
    """
    if item.error is not None:
        return None, item.error
    text = item.text
    if text is None:
        from ..ingest import IngestError, extract_text

        data = item.data or b""
        if not data:
            return None, "empty file"
        if len(data) > MAX_ESSAY_BYTES:
            return None, f"larger than {MAX_ESSAY_BYTES // 1_000_000} MB"
        try:
            text = extract_text(data, item.filename or item.name, budget)
        except IngestError as exc:
            return None, str(exc)
        if not text.strip():
            return None, "no text in file"
    elif not text.strip():
        return None, "empty text"
    if len(text) > MAX_ESSAY_BYTES:
        return None, f"longer than {MAX_ESSAY_BYTES // 1_000_000} MB"
    if words_over(text, max_words) is not None:
        return None, f"longer than the limit of {max_words:,} words"
    return text, None
