"""What the fact checks share: whether a claim is asserted, a clause's span, and the flag a
student reads (a correction in plain words, without internal ids)."""

from __future__ import annotations

from typing import Final

from ..report.model import Flag
from ..rubric.model import Fact, FactCheck
from ..text.document import Document

CLAUSE_PENALTY: Final = 4  # a clause break counts as this many tokens between two words


def asserted(doc: Document, i: int) -> bool:
    return not (doc.reported[i] or doc.modal[i])


def clause_span(doc: Document, a: int, b: int) -> tuple[int, int]:
    """Characters of the clauses holding tokens a..b, without edge punctuation."""
    ca, cb = doc.clause[a], doc.clause[b]
    s = doc.sentences[doc.sentence_of[a]]
    i = a
    while i > s.first and doc.clause[i - 1] == ca:
        i -= 1
    j = b
    while j + 1 < s.last and doc.clause[j + 1] == cb:
        j += 1
    while i < j and not doc.tokens[i].is_word:
        i += 1
    while j > i and not doc.tokens[j].is_word:
        j -= 1
    return doc.tokens[i].start, doc.tokens[j].end


def make_flag(doc: Document, fact: Fact, check: FactCheck, kind: str, start: int, end: int,
          found: str, expected: str) -> Flag:
    message = correction(fact, kind, found, check.statement)
    return Flag(fact.id, kind, start, end, doc.text[start:end], found, expected, message)


def correction(fact: Fact, kind: str, found: str, statement: str | None = None) -> str:
    """The sentence a student reads: "Lenin died in January 1924, not 1922." when the
    statement ends with the right year, else "You wrote “Moscow”, but Trotsky was …". No
    internal ids: the fact's id is the flag's `fact` field."""
    statement = (statement or fact.statement).rstrip(". ")
    if kind == "contradiction":
        return f"{statement}."
    words = statement.split()
    if kind == "wrong_date" and words and words[-1][:1].isdigit():
        return f"{statement}, not {found}."
    if not _proper(statement):
        statement = statement[:1].lower() + statement[1:]
    return f"You wrote \u201c{found}\u201d, but {statement}."


_NOT_NAMES: Final = frozenset(
    "the a an it this that these those about around some over nearly almost more less only "
    "in on by at after before during when there".split())


def _proper(statement: str) -> bool:
    first = statement.split()[0] if statement.split() else ""
    return first[:1].isupper() and first.lower() not in _NOT_NAMES


def statement_of(fact: Fact, check: FactCheck) -> str:
    return (check.statement or fact.statement).rstrip(". ")
