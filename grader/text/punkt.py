"""NLTK Punkt's sentence-break decision and boundary realignment, ported for our parameters.

The grading core's Punkt (grader.text.sentences) has an abbreviation list and nothing else:
no collocations, no frequent sentence starters, no orthographic context. With those empty,
the second annotation pass of PunktSentenceTokenizer can only take a break away (after an
initial or a number, when the next word does not start a sentence), so its decision for one
candidate's context comes down to the few tests below. They use NLTK's own regular
expressions, so that tokens, numbers and initials are recognised exactly as NLTK does;
tests/text/test_punkt_port.py compares both with NLTK on many contexts and texts.
"""

from __future__ import annotations

from typing import Any, Final

from nltk.tokenize.punkt import PunktLanguageVars, PunktSentenceTokenizer, PunktToken


def _engine(pattern: Any) -> Any:
    """The compiled pattern inside NLTK's timeout wrapper (nltk.redos), called directly: the
    wrapper's own cost was most of a match on a short context. Our contexts are short, and a
    long paragraph reaches Punkt in pieces (sentences.PUNKT_REACH); none of these patterns
    backtracks more than the token it looks at."""
    return getattr(pattern, "_rx", pattern)


_LANG: Final = PunktLanguageVars()
# A candidate break: a mark, with the token after it (NLTK's own pattern)
PERIOD_CONTEXT: Final = _engine(_LANG.period_context_re())
_WORD_TOKENS: Final = _engine(_LANG._word_tokenizer_re())
_REALIGN: Final = _engine(_LANG.re_boundary_realignment)
_NUMERIC: Final = _engine(PunktToken._RE_NUMERIC)
_INITIAL: Final = _engine(PunktToken._RE_INITIAL)
_ELLIPSIS: Final = _engine(PunktToken._RE_ELLIPSIS)
_SENT_END: Final = frozenset(_LANG.sent_end_chars)
# Sentences don't start with these (Punkt's orthographic heuristic)
_PUNCTUATION: Final = frozenset(PunktSentenceTokenizer.PUNCTUATION)


def contains_sentbreak(text: str, abbreviations: frozenset[str]) -> bool:
    """What `PunktSentenceTokenizer(params).text_contains_sentbreak(text)` returns when
    `params` holds the abbreviation types `abbreviations` and nothing else: whether a token
    other than the last is annotated as a sentence break."""
    if _plain_break(text, abbreviations):
        return True
    tokens: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            tokens.extend(_WORD_TOKENS.findall(line))
    for i in range(len(tokens) - 1):
        if _breaks_after(tokens[i], tokens[i + 1], abbreviations):
            return True
    return False


_PLAIN_SPACE: Final = frozenset(" \t\n\r")


def _plain_break(text: str, abbreviations: frozenset[str]) -> bool:
    """The commonest context decided without tokenizing it: a word of two or more letters
    (of any script) that is not an abbreviation, a full stop, spaces, then a letter or
    digit ("Stalin. He", "Сталин. Он"). Its first token is the word with its stop (nothing
    in the word or the spaces ends a token sooner, and a letter after the spaces starts no
    run of stops), a second token follows, and Punkt breaks after such a word whatever
    comes next. False when the context is of another shape (contains_sentbreak then
    tokenizes it)."""
    dot = text.find(".")
    if dot < 2 or dot + 2 >= len(text) or text[dot + 1] not in _PLAIN_SPACE:
        return False
    word = text[:dot]
    if not word.isalpha() or word.lower() in abbreviations:
        return False
    k = dot + 1
    while k < len(text) and text[k] in _PLAIN_SPACE:
        k += 1
    return k < len(text) and text[k].isalnum()


def _breaks_after(tok: str, following: str, abbreviations: frozenset[str]) -> bool:
    """Punkt's annotation of `tok`, followed by the token `following`: a sentence break?"""
    # first pass: lone marks and words ending in a full stop (not abbreviations) break
    if tok not in _SENT_END:
        if _ELLIPSIS.match(tok) is not None or not tok.endswith(".") or tok.endswith(".."):
            return False
        low = tok[:-1].lower()
        if low in abbreviations or low.split("-")[-1] in abbreviations:
            return False
    if not tok.endswith("."):
        return True
    # second pass: after an initial or a number, no break when the next token does not
    # start a sentence (a mark, a lower-case word; after an initial, a capital too)
    kind = _NUMERIC.sub("##number##", tok.lower())
    if len(kind) > 1 and kind[-1] == ".":
        kind = kind[:-1]
    initial = _INITIAL.match(tok) is not None
    if initial or kind == "##number##":
        if following in _PUNCTUATION or following[0].islower():
            return False
        if initial and following[0].isupper():
            return False
    return True


def realign(text: str, slices: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """What Punkt's `_realign_boundaries(text, slices)` yields, as (start, stop) pairs: a
    closing quote or bracket after a break goes with the sentence before it."""
    out: list[tuple[int, int]] = []
    shift = 0
    for k in range(len(slices)):
        start = slices[k][0] + shift
        stop = slices[k][1]
        if k + 1 == len(slices):
            if text[start:stop]:
                out.append((start, stop))
            continue
        nxt_start, nxt_stop = slices[k + 1]
        m = _REALIGN.match(text[nxt_start:nxt_stop])
        if m is not None:
            out.append((start, nxt_start + len(m.group(0).rstrip())))
            shift = int(m.end())
        else:
            shift = 0
            if text[start:stop]:
                out.append((start, stop))
    return out
