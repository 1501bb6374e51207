"""Who a clause is about: person mentions, pronouns resolved to the latest named person."""

from __future__ import annotations

from dataclasses import dataclass

from ..text.document import Document

SINGULAR = frozenset("he him his she her himself herself".split())
PLURAL = frozenset("they them their themselves".split())


@dataclass(frozen=True, slots=True)
class PersonRef:
    """A person named or pronoun-referred at token `index` (for a name, its first token)."""

    index: int
    last: int
    entities: frozenset[str]
    pronoun: bool
    possessive: bool


def person_refs(doc: Document) -> list[PersonRef]:
    """Every person mention and resolved pronoun, in text order."""
    refs: list[PersonRef] = []
    named = {m.first: m for m in doc.mentions if m.kind == "person"}
    last_clause_people: list[str] = []
    last_clause_id = -1
    recent: str | None = None
    paragraph = -1
    i = 0
    n = len(doc.tokens)
    while i < n:
        s = doc.sentences[doc.sentence_of[i]]
        if s.paragraph != paragraph:
            paragraph, recent, last_clause_people = s.paragraph, None, []
        m = named.get(i)
        if m is not None:
            refs.append(PersonRef(i, m.last, frozenset([m.entity]), False, m.possessive))
            recent = m.entity
            if doc.clause[i] != last_clause_id:
                last_clause_people, last_clause_id = [], doc.clause[i]
            last_clause_people.append(m.entity)
            i = m.last
            continue
        norm = doc.tokens[i].norm
        if norm in SINGULAR and recent is not None:
            refs.append(PersonRef(i, i + 1, frozenset([recent]), True, norm in ("his", "her")))
        elif norm in PLURAL and last_clause_people:
            refs.append(PersonRef(i, i + 1, frozenset(last_clause_people), True,
                                  norm == "their"))
        i += 1
    return refs


class People:
    """Person references of one document, with the lookups the fact checks need."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.refs = person_refs(doc)

    def in_clause(self, clause: int) -> list[PersonRef]:
        return [r for r in self.refs if self.doc.clause[r.index] == clause]

    def in_sentence(self, sentence: int) -> list[PersonRef]:
        return [r for r in self.refs if self.doc.sentence_of[r.index] == sentence]

    def participants(self, first: int, last: int) -> frozenset[str]:
        """People a trigger at tokens `[first, last)` is about.

        A possessive just before it ("Lenin's death") decides; otherwise everyone in its
        clause; otherwise the nearest person before it in the sentence.
        """
        doc = self.doc
        before = [r for r in self.refs if r.last == first and r.possessive]
        if before:
            return before[0].entities
        clause = doc.clause[first]
        inside = [r for r in self.in_clause(clause) if not (first <= r.index < last)]
        if inside:
            return frozenset().union(*(r.entities for r in inside))
        sent = doc.sentence_of[first]
        earlier = [r for r in self.in_sentence(sent) if r.index < first]
        if earlier:
            return earlier[-1].entities
        return frozenset()

    def nearest(self, first: int, last: int, side: str = "left") -> PersonRef | None:
        """The person closest to a trigger in its sentence, on the preferred side first."""
        sent = self.doc.sentence_of[first]
        refs = [r for r in self.in_sentence(sent) if not (first <= r.index < last)]
        left = [r for r in refs if r.index < first]
        right = [r for r in refs if r.index >= last]
        order = (left[-1:], right[:1]) if side != "right" else (right[:1],)
        for group in order:
            if group:
                return group[0]
        return None

    def between(self, a: int, b: int) -> list[PersonRef]:
        lo, hi = min(a, b), max(a, b)
        return [r for r in self.refs if lo < r.index < hi and not r.pronoun]
