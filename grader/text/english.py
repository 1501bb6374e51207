"""The English word list (from pyspellchecker's packaged data), loaded once per process."""

from __future__ import annotations

import threading
from collections import defaultdict
from functools import lru_cache
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import OSA

_lock = threading.Lock()
_state: dict = {}


def _load() -> dict:
    with _lock:
        if not _state:
            from spellchecker import SpellChecker

            freq = dict(SpellChecker(distance=1).word_frequency.dictionary)
            buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
            for word in freq:
                if word.isalpha():
                    buckets[(word[0], len(word))].append(word)
            _state["freq"] = freq
            _state["buckets"] = buckets
    return _state


def warm_up() -> None:
    """Load the word list now (a server or a batch calls this before taking work)."""
    _load()


# British spellings the (American) word list lacks: organise, colour, centre, defence, …
_UK_US = (("isation", "ization"), ("ise", "ize"), ("ised", "ized"), ("ising", "izing"),
          ("ises", "izes"), ("yse", "yze"), ("ysed", "yzed"), ("ysing", "yzing"),
          ("our", "or"), ("ours", "ors"), ("oured", "ored"), ("ouring", "oring"),
          ("ourite", "orite"), ("ourable", "orable"), ("tre", "ter"), ("tres", "ters"),
          ("ence", "ense"), ("ogue", "og"), ("ogues", "ogs"), ("lled", "led"), ("lling", "ling"),
          ("ller", "ler"), ("llor", "lor"), ("eable", "able"), ("gement", "gment"), ("amme", "am"),
          ("vre", "ver"), ("vres", "vers"), ("vred", "vered"), ("vring", "vering"),
          ("vrable", "verable"))


_UK_ENDINGS: Final = tuple(uk for uk, _ in _UK_US)
_UK_INSIDE: Final = (("our", "or"), ("ae", "e"), ("oe", "e"), ("isation", "ization"))


def _variants(word: str) -> list[str]:
    out: list[str] = []
    if word.endswith(_UK_ENDINGS):  # one test first: most words end in none of them
        for uk, us in _UK_US:
            if word.endswith(uk):
                out.append(word[: -len(uk)] + us)
    for mid_uk, mid_us in _UK_INSIDE:
        if mid_uk in word:
            inside = word.replace(mid_uk, mid_us)
            out.append(inside)
            if inside.endswith(_UK_ENDINGS):  # "manoeuvre": "maneuvre" -> "maneuver"
                out.extend(inside[: -len(uk)] + us for uk, us in _UK_US if inside.endswith(uk))
    return out


# The word list's floor count (50) holds names and rarities ("trotski", "kirov"); a word
# above it is an ordinary English word that a misspelt name must never be taken for.
COMMON_ABOVE: Final = 60


def common_reach() -> int:
    """No word longer than this is common (`is_common` is False for it): a variant replaces
    one kind of ending or one inner spelling ("ae" -> "e" everywhere at most halves a word), so
    a common word's variant source is at most twice the longest common word, and 2 more."""
    state = _load()
    reach: int | None = state.get("common-reach")
    if reach is None:
        longest = max((len(w) for w, n in state["freq"].items() if n > COMMON_ABOVE), default=0)
        reach = state["common-reach"] = 2 * longest + 2
    return reach


# (words longer than this are looked up afresh, never cached: see tokens.CACHED_LENGTH)
CACHED_LENGTH: Final = 64


def is_common(word: str) -> bool:
    """True for an ordinary English word (not just listed: 'trotski' is listed, rarely)."""
    return _is_common(word) if len(word) <= CACHED_LENGTH else _is_common_now(word)


@lru_cache(maxsize=100_000)
def _is_common(word: str) -> bool:
    return _is_common_now(word)


def _is_common_now(word: str) -> bool:
    freq = _load()["freq"]
    return any(freq.get(w, 0) > COMMON_ABOVE for w in (word, *_variants(word)))


def is_known(word: str) -> bool:
    """True when `word` (lower case) is an English word, British spellings included."""
    return _is_known(word) if len(word) <= CACHED_LENGTH else _is_known_now(word)


@lru_cache(maxsize=100_000)
def _is_known(word: str) -> bool:
    return _is_known_now(word)


def _is_known_now(word: str) -> bool:
    freq = _load()["freq"]
    if word in freq:
        return True
    return any(v in freq for v in _variants(word))


def frequency(word: str) -> int:
    return _load()["freq"].get(word, 0)


def suggestions(word: str, limit: int = 3) -> tuple[str, ...]:
    """Likely intended words for a misspelt lower-case word (edit distance ≤ 2, by frequency)."""
    if len(word) <= CACHED_LENGTH:
        return _suggestions(word, limit)
    return _suggestions_now(word, limit)


@lru_cache(maxsize=50_000)
def _suggestions(word: str, limit: int) -> tuple[str, ...]:
    return _suggestions_now(word, limit)


def _suggestions_now(word: str, limit: int) -> tuple[str, ...]:
    state = _load()
    freq, buckets = state["freq"], state["buckets"]
    if not word or not word.isalpha():
        return ()
    max_d = 1 if len(word) <= 4 else 2
    cands: list[str] = []
    for length in range(len(word) - max_d, len(word) + max_d + 1):
        cands.extend(buckets.get((word[0], length), ()))
    found = process.extract(word, cands, scorer=OSA.distance, score_cutoff=max_d, limit=None)
    found.sort(key=lambda r: (r[1], -freq.get(r[0], 0)))
    return tuple(r[0] for r in found[:limit])
