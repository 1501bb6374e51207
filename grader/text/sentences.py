"""Paragraph and sentence boundaries with NLTK Punkt (no downloaded data)."""

from __future__ import annotations

import re

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof st sr jr gen col capt lt sgt maj cpl rev hon gov pres
    e.g i.e etc vs cf ca c approx dept est fig no nos vol p pp ch ed eds
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    u.s u.k u.s.s.r ussr a.d b.c ad bc inc ltd co corp
    """.split()
)

_PARAGRAPH_BREAK = re.compile(r"\n\s*")


def _make_tokenizer() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


_PUNKT = _make_tokenizer()


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


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside `text[start:end]`, as offsets into `text`."""
    chunk = text[start:end]
    return [(start + s, start + e) for s, e in _PUNKT.span_tokenize(chunk)]
