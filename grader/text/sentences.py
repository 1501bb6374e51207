"""Paragraph and sentence boundaries with NLTK Punkt (no downloaded data)."""

from __future__ import annotations

import re
from typing import Any, Final

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from .budget import UNLIMITED, Budget
from .punkt import PERIOD_CONTEXT, contains_sentbreak, realign

ABBREVIATIONS: Final = frozenset(
    """
    mr mrs ms dr prof st sr jr gen col capt lt sgt maj cpl rev hon gov pres
    e.g i.e etc vs cf ca c approx dept est fig no nos vol p pp ch ed eds
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    u.s u.k u.s.s.r ussr a.d b.c ad bc inc ltd co corp
    """.split()
)

_PARAGRAPH_BREAK: Final = re.compile(r"\n\s*")


def _make_tokenizer() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


_PUNKT: Final = _make_tokenizer()


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """`[start, end)` of each non-blank line block; a newline ends a paragraph."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        _add_trimmed(text, pos, m.start(), spans)
        pos = m.end()
    _add_trimmed(text, pos, len(text), spans)
    return spans


def _add_trimmed(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))


# A full stop, question or exclamation mark (with closing quotes/brackets) then space.
# ("[.!?…][.!?…]*", not "[.!?…]+": a pattern opening with a character class lets the regex
# engine skip to the marks; one opening with a repeat is tried at every character.)
_CANDIDATE: Final = re.compile(r"[.!?…][.!?…]*[\"”’'\)\]]*(?=\s)")
_WORD_BEFORE: Final = re.compile(r"([^\W\d_][\w.'’-]*|\d+)$")
_RUN: Final = re.compile(r"[\w.'’-]*")
_LETTER: Final = re.compile(r"[^\W\d_]")
_DIGITS: Final = re.compile(r"\d*")
_NEXT: Final = re.compile(r"\s*(\S)")


def _word_before(chunk: str, start: int, end: int) -> str | None:
    """What `_WORD_BEFORE.search(chunk, start, end)` finds (its group), found from the end: the
    run of word characters and .'’- that ends at `end`, from its first letter or, when that
    comes later, from where its closing digits start."""
    if end > start and chunk[end - 1] == "\n":  # "$" may match before a final newline
        m = _WORD_BEFORE.search(chunk, start, end)
        return m.group(1) if m else None
    back = chunk[start:end][::-1]
    m = _RUN.match(back)
    assert m is not None  # a starred pattern always matches
    run = m.end()
    if not run:
        return None
    m = _DIGITS.match(back)
    assert m is not None
    digits = m.end()
    letter = _LETTER.search(chunk, end - run, end)
    if letter is None:
        return chunk[end - digits:end] if digits else None
    at = letter.start()
    if digits and end - digits < at:
        at = end - digits
    return chunk[at:end]


def _clear_break(chunk: str, m: re.Match) -> bool:
    """True when a candidate is a sentence break whatever Punkt's heuristics would say:
    not after an abbreviation or an initial, no ellipsis, and a capital letter follows."""
    mark = m.group()
    if mark.startswith("..") or mark.startswith("…"):
        return False
    if mark[0] == ".":
        before = _word_before(chunk, max(0, m.start() - 40), m.start())
        if before is not None:
            word = before.lower().rstrip(".")
            if word in ABBREVIATIONS or len(word) == 1 or "." in word:
                return False
    following = _NEXT.match(chunk, m.end())
    nxt = following.group(1) if following else ""
    return nxt.isupper() or nxt in "\"“‘'("


# "the nucleus.The mRNA": a sentence break whose space was lost.
# (The mark comes first so that the search skips to the marks; the break is after it.)
_GLUED_BREAK: Final = re.compile(r"[.!?](?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")


def sentence_spans(text: str, start: int, end: int,
                   budget: Budget = UNLIMITED) -> list[tuple[int, int]]:
    """Sentence spans inside `text[start:end]`, as offsets into `text`; a full stop glued to
    the next sentence ("nucleus.The") is a break too. A long run checks `budget` as it goes."""
    out: list[tuple[int, int]] = []
    pos = start
    for m in _GLUED_BREAK.finditer(text, max(start - 1, 0), end):
        budget.tick()
        out.extend(_sentence_spans(text, pos, m.end(), budget))
        pos = m.end()
    out.extend(_sentence_spans(text, pos, end, budget))
    return out


# Punkt reads at most this many characters at once: its scan of a paragraph runs under NLTK's
# 5 s wall-clock regex limit, which a paragraph of a few megabytes exceeds (TimeoutError).
# A longer run of text (no ordinary essay has a paragraph this long) is cut into pieces at
# the last clear break within reach (else the last doubtful one, else the last space).
PUNKT_REACH: Final = 20_000
_SPACE: Final = re.compile(r"\s")


def _sentence_spans(text: str, start: int, end: int, budget: Budget) -> list[tuple[int, int]]:
    """Sentence spans inside `text[start:end]`, as offsets into `text` (a run longer than
    PUNKT_REACH read piece by piece)."""
    if end - start <= PUNKT_REACH:
        return _sentence_spans_of(text, start, end)
    out: list[tuple[int, int]] = []
    pos = start
    while end - pos > PUNKT_REACH:
        reach = pos + PUNKT_REACH
        cut = _last_clear_break(text, _after_space(text, reach - _TAIL, pos), reach)
        doubtful = -1
        if cut < 0:
            for m in _CANDIDATE.finditer(text, pos, reach):
                if _clear_break(text, m):
                    cut = m.end()
                else:
                    doubtful = m.end()
        if cut <= pos:
            cut = doubtful
        if cut <= pos:
            cut = max(text.rfind(" ", pos, reach), text.rfind("\n", pos, reach))
        if cut <= pos:
            space = _SPACE.search(text, reach, end)  # one very long word: cut after it
            cut = space.start() if space is not None else end
        budget.check()
        out.extend(_piece_spans(text, pos, cut, end))
        pos = cut
        while pos < end and text[pos].isspace():  # Punkt keeps a piece's leading space
            pos += 1
    out.extend(_sentence_spans_of(text, pos, end))
    return out


_NEXT_TOKEN: Final = re.compile(r"\s+(\S+)")
_NEXT_REACH: Final = 200


def _piece_spans(text: str, start: int, cut: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of the piece `text[start:cut]` of a long paragraph. Punkt reads it with
    the next word too: at a run of marks ("Why?!") it decides from what follows the run,
    and a piece ending inside one ("Why?" + "!") would be split there. When Punkt ends a
    sentence at the cut (the next word alone after it), the next word's span is dropped;
    otherwise (or when the next word is a long one) the piece is read alone."""
    limit = min(end, cut + _NEXT_REACH)
    following = _NEXT_TOKEN.match(text, cut, limit)
    if following is not None and (following.end() < limit or limit == end):
        spans = _sentence_spans_of(text, start, following.end())
        if (spans and spans[-1] == (following.start(1), following.end())
                and (len(spans) == 1 or spans[-2][1] <= cut)):
            return spans[:-1]
    return _sentence_spans_of(text, start, cut)


# The last clear break of a piece is looked for in its last _TAIL characters first.
_TAIL: Final = 2_000


def _after_space(text: str, at: int, floor: int) -> int:
    """The first place at or after `at` that follows a whitespace character (`floor` when
    `at` is not past it). A candidate mark never spans a space, so scanning candidates from
    there finds the same marks as a scan from further back."""
    if at <= floor:
        return floor
    space = _SPACE.search(text, at - 1)
    return space.end() if space is not None else len(text)


def _last_clear_break(text: str, start: int, end: int) -> int:
    """End of the last clear break among the candidates in `text[start:end]`, -1 if none."""
    cut = -1
    for m in _CANDIDATE.finditer(text, start, end):
        if _clear_break(text, m):
            cut = m.end()
    return cut


def _sentence_spans_of(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside `text[start:end]`, as offsets into `text`.

    Punkt (with the abbreviation list) decides every paragraph that has a doubtful full
    stop; a paragraph whose every break is clear is split at those breaks directly, which
    gives the same result faster.
    """
    chunk = text[start:end]
    cuts: list[int] = []
    for m in _CANDIDATE.finditer(chunk):
        if not _clear_break(chunk, m):
            return [(start + s, start + e) for s, e in _punkt_spans(chunk)]
        cuts.append(m.end())
    spans = []
    pos = 0
    for c in cuts:
        spans.append((pos, c))
        pos = c
    spans.append((pos, len(chunk)))
    out = []
    for s, e in spans:
        while s < e and chunk[s].isspace():
            s += 1
        while e > s and chunk[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((start + s, start + e))
    return out


# Punkt, step by step as NLTK's span_tokenize runs it (_match_potential_end_contexts,
# _slices_from_text, _realign_boundaries), with three costs cut: its decision at each
# candidate mark is a function of a short context string (the word before, the mark, what
# follows), so the decision is remembered per context; the decision and the realignment are
# made by grader.text.punkt, a port of the part of Punkt we use; and the word before is found
# with str.rfind, not a loop over every character since the previous mark. Same spans as
# span_tokenize (tests compare them on many texts).
_WHITESPACE: Final = " \t\n\r\x0b\x0c"  # string.whitespace, as Punkt looks for it
CACHED_CONTEXT: Final = 64  # longer contexts (rare) are decided afresh each time
_DECISIONS_CAP: Final = 50_000
_decisions: dict[str, bool] = {}


def _breaks_at(context: str) -> bool:
    """Punkt's decision for a candidate's context (remembered when the context is short)."""
    got = _decisions.get(context)
    if got is None:
        got = contains_sentbreak(context, ABBREVIATIONS)
        if len(context) <= CACHED_CONTEXT:
            if len(_decisions) >= _DECISIONS_CAP:
                _decisions.clear()
            _decisions[context] = got
    return got


def _last_space(text: str, start: int, end: int) -> int:
    """The last of Punkt's whitespace characters in `text[start:end]`, -1 if none. (Each
    character is looked for only after the last one found: the other searches read the word
    after it, not the whole run since `start`.)"""
    at = -1
    for c in _WHITESPACE:
        k = text.rfind(c, at + 1 if at >= start else start, end)
        if k > at:
            at = k
    return at


def _punkt_slices(text: str) -> list[tuple[int, int]]:
    """What Punkt's `_slices_from_text(text)` yields, as (start, stop) pairs."""
    slices: list[tuple[int, int]] = []
    last_break = 0
    prev_start = prev_stop = 0
    prev = None
    for m in PERIOD_CONTEXT.finditer(text):
        at = m.start()
        space = _last_space(text, prev_stop, at)
        word_start = space + 1 if space > prev_stop else prev_start
        if prev is not None and prev_stop <= word_start:
            context = text[prev_start:prev_stop] + prev.group() + prev.group("after_tok")
            last_break = _decide(slices, last_break, prev, context)
        prev = m
        prev_start = word_start
        prev_stop = at
    if prev is not None:
        context = text[prev_start:prev_stop] + prev.group() + prev.group("after_tok")
        last_break = _decide(slices, last_break, prev, context)
    slices.append((last_break, len(text.rstrip())))
    return slices


def _decide(slices: list[tuple[int, int]], last_break: int, m: Any, context: str) -> int:
    """One candidate of `_slices_from_text`: a slice ends at `m` when Punkt breaks there;
    returns where the next sentence starts."""
    if _breaks_at(context):
        slices.append((last_break, int(m.end())))
        return int(m.start("next_tok")) if m.group("next_tok") else int(m.end())
    return last_break


def _punkt_spans(text: str) -> list[tuple[int, int]]:
    """What Punkt's `span_tokenize(text)` gives, faster on text with many candidate marks."""
    return realign(text, _punkt_slices(text))


def punkt_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Punkt alone (used by tests to check the fast path agrees with it)."""
    return [(start + s, start + e) for s, e in _PUNKT.span_tokenize(text[start:end])]
