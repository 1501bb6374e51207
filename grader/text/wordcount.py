"""Essay word limits: how many words a text has, counted once and the same way everywhere."""

from __future__ import annotations

import re
from typing import Final

_WORD: Final = re.compile(r"\w+")


def word_count(text: str) -> int:
    """Runs of letters and digits ("Lenin's" is two, "1924" one)."""
    return len(_WORD.findall(text))


def words_over(text: str, limit: int) -> int | None:
    """The text's word count when it has more than `limit` words, else None (0: no limit).

    A word takes at least one character and the gap after it, so a text of at most
    2 * limit characters cannot be over the limit and is not counted at all.
    """
    if limit <= 0 or (len(text) + 1) // 2 <= limit:
        return None
    words = word_count(text)
    return words if words > limit else None
