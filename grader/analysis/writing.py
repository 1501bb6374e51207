"""Writing: counts, spelling mistakes with suggestions, proper nouns written in lower case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..report.model import CaseIssue, SpellingIssue, Stats, Writing
from ..rubric.model import Rubric
from ..text import english
from ..text.document import Document

MAX_SPELLING: Final = 50


@dataclass
class WritingResult:
    stats: Stats
    writing: Writing


def assess_writing(doc: Document, rubric: Rubric) -> WritingResult:
    """Counts and surface mistakes; the rubric's names and terms are never called misspelt."""
    stats = Stats(doc.word_count(), len(doc.sentences), len(doc.paragraphs))
    return WritingResult(stats, Writing(_spelling(doc, rubric), _lower_case_names(doc, rubric)))


def _spelling(doc: Document, rubric: Rubric) -> list[SpellingIssue]:
    lex = rubric.lexicon
    out: list[SpellingIssue] = []
    # every test but the word's place in its sentence is a test of its normal form
    suspects = sorted(i for norm, at in doc.by_norm.items()
                      if norm.isalpha() and len(norm) >= 3 and "'" not in norm
                      and norm not in lex.protected and not english.is_known(norm)
                      for i in at)
    for i in suspects:
        if len(out) >= MAX_SPELLING:
            break
        t = doc.tokens[i]
        if doc.corrected[i]:
            fixed = doc.forms[i]
            suggestion = _display(rubric, fixed, t.text)
            out.append(SpellingIssue(t.start, t.end, t.text, [suggestion]))
            continue
        s = doc.sentences[doc.sentence_of[i]]
        if t.capitalised and i != s.first:
            continue  # a proper noun the dictionary does not know
        if t.text.isupper() and len(t.text) > 1:
            continue  # an acronym
        sugg = list(english.suggestions(t.norm))
        if t.capitalised:
            sugg = [w.capitalize() for w in sugg]
        out.append(SpellingIssue(t.start, t.end, t.text, sugg))
    return out


def _display(rubric: Rubric, norm: str, original: str) -> str:
    """How the rubric writes a word: 'trotsky' → 'Trotsky'."""
    for ent in rubric.lexicon.entities.values():
        for word in ent.name.replace("'", " ").split():
            if word.lower() == norm:
                return word
    return norm.capitalize() if original[:1].isupper() else norm


def _lower_case_names(doc: Document, rubric: Rubric) -> list[CaseIssue]:
    """ "stalin" for "Stalin": people and places the rubric names, written in lower case."""
    proper = rubric.lexicon.proper_names()
    tokens = doc.tokens
    found = sorted(i for w in proper for i in doc.by_norm.get(w, ())
                   if tokens[i].text[:1].islower())
    out: list[CaseIssue] = []
    for i in found:
        t = tokens[i]
        out.append(CaseIssue(t.start, t.end, t.text, proper[t.norm] + t.text[len(t.norm):]))
    return out
