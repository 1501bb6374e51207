"""Who a clause is about: person mentions, pronouns resolved to the latest named person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from ..text.document import Document
from ..text.tokens import by_fields

SINGULAR: Final = frozenset("he him his she her himself herself".split())
PLURAL: Final = frozenset("they them their themselves".split())
PRONOUNS: Final = SINGULAR | PLURAL


@dataclass(slots=True)
class PersonRef:
    """A person named or pronoun-referred at token `index` (for a name, its first token).

    Not frozen, though nothing changes one: about a hundred are made per essay, and a frozen
    dataclass's __init__ costs several times as much."""

    index: int
    last: int
    entities: frozenset[str]
    pronoun: bool
    possessive: bool

    # Written out, not left to @dataclass: mypyc compiles this one, while the __init__
    # that @dataclass generates stays interpreted (a quarter of the compiled grade's time).
    def __init__(self, index: int, last: int, entities: frozenset[str], pronoun: bool,
                 possessive: bool) -> None:
        self.index = index
        self.last = last
        self.entities = entities
        self.pronoun = pronoun
        self.possessive = possessive

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)


def person_refs(doc: Document) -> list[PersonRef]:
    """Every person mention and resolved pronoun, in text order."""
    refs: list[PersonRef] = []
    named = {m.first: m for m in doc.mentions if m.kind == "person"}
    # only names and pronouns matter: visit those tokens, in order
    at = list(named)
    for norm in PRONOUNS:
        at.extend(doc.by_norm.get(norm, ()))
    at.sort()
    sentences, sentence_of, clause, tokens = doc.sentences, doc.sentence_of, doc.clause, doc.tokens
    last_clause_people: list[str] = []
    last_clause_id = -1
    recent: str | None = None
    paragraph = -1
    resume = 0  # a name's own words are not visited again
    for i in at:
        if i < resume:
            continue
        para = sentences[sentence_of[i]].paragraph
        if para != paragraph:
            paragraph, recent, last_clause_people = para, None, []
        m = named.get(i)
        if m is not None:
            refs.append(PersonRef(i, m.last, frozenset([m.entity]), False, m.possessive))
            recent = m.entity
            if clause[i] != last_clause_id:
                last_clause_people, last_clause_id = [], clause[i]
            last_clause_people.append(m.entity)
            resume = m.last
            continue
        norm = tokens[i].norm
        if norm in SINGULAR and recent is not None:
            refs.append(PersonRef(i, i + 1, frozenset([recent]), True, norm in ("his", "her")))
        elif norm in PLURAL and last_clause_people:
            refs.append(PersonRef(i, i + 1, frozenset(last_clause_people), True,
                                  norm == "their"))
    return refs


class People:
    """Person references of one document, with the lookups the fact checks need."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.refs = person_refs(doc)
        self._by_clause: dict[int, list[PersonRef]] = {}
        self._by_sentence: dict[int, list[PersonRef]] = {}
        self._possessive_ending: dict[int, PersonRef] = {}
        for r in self.refs:
            if r.possessive:
                self._possessive_ending.setdefault(r.last, r)
            self._by_clause.setdefault(doc.clause[r.index], []).append(r)
            self._by_sentence.setdefault(doc.sentence_of[r.index], []).append(r)

    def in_clause(self, clause: int) -> list[PersonRef]:
        return self._by_clause.get(clause, [])

    def in_sentence(self, sentence: int) -> list[PersonRef]:
        return self._by_sentence.get(sentence, [])

    def participants(self, first: int, last: int) -> frozenset[str]:
        """People a trigger at tokens `[first, last)` is about.

        A possessive just before it ("Lenin's death") decides; otherwise everyone in its
        clause; otherwise the nearest person before it in the sentence.
        """
        doc = self.doc
        before = self._possessive_ending.get(first)
        if before is not None:
            return before.entities
        clause = doc.clause[first]
        inside = [r for r in self.in_clause(clause) if not (first <= r.index < last)]
        if inside:
            left = [r for r in inside if r.index < first]
            right = [r for r in inside if r.index >= last and r.index - last <= 3]
            if left:
                # the nearest person before it and those listed with them
                # ("Zinoviev, Kamenev and Bukharin were shot"), plus a close object
                group = self._coordinated(left)
                return frozenset().union(*(r.entities for r in group + right[:1]))
            return frozenset().union(*(r.entities for r in inside))
        sent = doc.sentence_of[first]
        earlier = [r for r in self.in_sentence(sent) if r.index < first]
        if earlier:
            return earlier[-1].entities
        return frozenset()

    def _coordinated(self, left: list[PersonRef]) -> list[PersonRef]:
        group = [left[-1]]
        for r in reversed(left[:-1]):
            gap = self.doc.tokens[r.last:group[-1].index]
            if gap and all(t.norm in (",", "and", "&") for t in gap):
                group.append(r)
            else:
                break
        return group

    def nearest(self, first: int, last: int, side: str = "left") -> PersonRef | None:
        """The person closest to a trigger in its sentence, on the preferred side first."""
        sent = self.doc.sentence_of[first]
        refs = [r for r in self.in_sentence(sent) if not (first <= r.index < last)]
        left = [r for r in refs if r.index < first]
        right = [r for r in refs if r.index >= last]
        if side == "either":
            both = left[-1:] + right[:1]
            return min(both, key=lambda r: min(abs(r.index - first), abs(r.index - last)),
                       default=None)
        order = (left[-1:], right[:1]) if side != "right" else (right[:1],)
        for group in order:
            if group:
                return group[0]
        return None

    def between(self, a: int, b: int) -> list[PersonRef]:
        lo, hi = min(a, b), max(a, b)
        refs = self.in_sentence(self.doc.sentence_of[lo])
        return [r for r in refs if lo < r.index < hi and not r.pronoun]
