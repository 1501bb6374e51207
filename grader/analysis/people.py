"""Who a clause is about: person mentions, pronouns resolved to the latest named person."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any, Final

from ..text.document import Document
from ..text.tokens import by_fields

SINGULAR: Final = frozenset("he him his she her himself herself".split())
PLURAL: Final = frozenset("they them their themselves".split())
PRONOUNS: Final = SINGULAR | PLURAL
# What may stand between "and"/"but"/"then" and a predicate whose subject is left out
ELIDED_SUBJECT_WORDS: Final = frozenset(
    "and but then later soon finally eventually also afterwards was were had been is are "
    "be being got".split())


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
    # the clause's people in lists ("Zinoviev and Kamenev"): "they" is the first list of
    # two or more when there is one ("Zinoviev and Kamenev turned against Stalin; they …")
    last_clause_groups: list[list[str]] = []
    last_end = -1
    last_clause_id = -1
    recent: str | None = None
    before_recent: str | None = None  # the person named before `recent`
    subject_clause, subject = -1, ""  # the clause of the last "he"/"she", and who it was
    paragraph = -1
    resume = 0  # a name's own words are not visited again
    for i in at:
        if i < resume:
            continue
        para = sentences[sentence_of[i]].paragraph
        if para != paragraph:
            paragraph, recent, last_clause_people, last_clause_groups = para, None, [], []
            before_recent = None
        m = named.get(i)
        if m is not None:
            refs.append(PersonRef(i, m.last, frozenset([m.entity]), False, m.possessive))
            if m.entity != recent:
                before_recent = recent
            recent = m.entity
            if clause[i] != last_clause_id:
                last_clause_people, last_clause_groups, last_clause_id = [], [], clause[i]
            listed = last_clause_groups and all(
                t.norm in (",", "and", "&") for t in tokens[last_end:i]) and last_end < i
            if listed:
                last_clause_groups[-1].append(m.entity)
            else:
                last_clause_groups.append([m.entity])
            last_clause_people.append(m.entity)
            last_end = m.last
            resume = m.last
            continue
        norm = tokens[i].norm
        if norm in SINGULAR and recent is not None:
            who = recent
            if norm in ("he", "she"):
                subject_clause, subject = clause[i], recent
            elif (norm in ("him", "her") and clause[i] == subject_clause and subject == recent
                  and before_recent is not None):
                who = before_recent  # "he attacked him": not the same man
            refs.append(PersonRef(i, i + 1, frozenset([who]), True, norm in ("his", "her")))
        elif norm in PLURAL and last_clause_people:
            group = next((g for g in last_clause_groups if len(g) > 1), last_clause_people)
            refs.append(PersonRef(i, i + 1, frozenset(group), True, norm == "their"))
    return refs


class People:
    """Person references of one document, with the lookups the fact checks need. Every
    lookup is a search of the references in text order (clause or sentence), never a scan,
    so that a sentence naming thousands of people costs no more per lookup."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.refs = person_refs(doc)
        self._by_clause: dict[int, list[PersonRef]] = {}
        self._by_sentence: dict[int, list[PersonRef]] = {}
        self._clause_at: dict[int, list[int]] = {}  # their indices, ascending
        self._sentence_at: dict[int, list[int]] = {}
        self._possessive_ending: dict[int, PersonRef] = {}
        self.at: dict[int, PersonRef] = {}  # by index (references never overlap)
        self.ending: dict[int, PersonRef] = {}  # by `last`
        for r in self.refs:
            if r.possessive:
                self._possessive_ending.setdefault(r.last, r)
            c, s = doc.clause[r.index], doc.sentence_of[r.index]
            self._by_clause.setdefault(c, []).append(r)
            self._clause_at.setdefault(c, []).append(r.index)
            self._by_sentence.setdefault(s, []).append(r)
            self._sentence_at.setdefault(s, []).append(r.index)
            self.at[r.index] = r
            self.ending[r.last] = r
        self._chains: dict[tuple[int, int], frozenset[str]] = {}
        self._suffixes: dict[int, list[frozenset[str]]] = {}
        self._named_suffixes: dict[int, tuple[list[int], list[frozenset[str]]]] = {}
        self._covering: dict[int, PersonRef] | None = None

    def covering(self, token: int) -> PersonRef | None:
        """The named person (not a pronoun) whose name holds token `token`."""
        if self._covering is None:
            self._covering = {i: r for r in self.refs if not r.pronoun
                              for i in range(r.index, r.last)}
        return self._covering.get(token)

    def named_from(self, sentence: int, index: int) -> frozenset[str]:
        """The people named (not by a pronoun) in a sentence from token `index` on."""
        got = self._named_suffixes.get(sentence)
        if got is None:
            named = [r for r in self.in_sentence(sentence) if not r.pronoun]
            acc: frozenset[str] = frozenset()
            unions: list[frozenset[str]] = []
            for r in reversed(named):
                acc = acc | r.entities
                unions.append(acc)
            unions.reverse()
            got = self._named_suffixes[sentence] = ([r.index for r in named], unions)
        k = bisect_left(got[0], index)
        return got[1][k] if k < len(got[1]) else frozenset()

    def in_clause(self, clause: int) -> list[PersonRef]:
        return self._by_clause.get(clause, [])

    def in_sentence(self, sentence: int) -> list[PersonRef]:
        return self._by_sentence.get(sentence, [])

    def last_in_clause_before(self, clause: int, index: int) -> PersonRef | None:
        """The last reference of a clause before token `index`."""
        k = bisect_left(self._clause_at.get(clause, []), index)
        return self._by_clause[clause][k - 1] if k else None

    def at_in(self, sentence: int, index: int) -> PersonRef | None:
        """The reference starting at token `index`, when it is in `sentence`."""
        r = self.at.get(index)
        return r if r is not None and self.doc.sentence_of[r.index] == sentence else None

    def ending_in(self, sentence: int, last: int) -> PersonRef | None:
        """The reference ending before token `last`, when it is in `sentence`."""
        r = self.ending.get(last)
        return r if r is not None and self.doc.sentence_of[r.index] == sentence else None

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
        at = self._clause_at.get(clause, [])
        lo = bisect_left(at, first)  # at[:lo] before the trigger, at[hi:] after it
        hi = bisect_left(at, last)
        if lo == 0 and self._subject_left_out(clause, first):
            # "Trotsky was exiled and then killed in Mexico": the subject of the first
            # predicate is that of the second, and of its clause's people after it
            sent = doc.sentence_of[first]
            k = bisect_left(self._sentence_at.get(sent, []), first)
            if k:
                prev = self._by_sentence[sent][k - 1].entities
                return prev | self._suffix(clause, hi) if hi < len(at) else prev
        if lo > 0 or hi < len(at):
            if lo > 0:
                # the nearest person before it and those listed with them
                # ("Zinoviev, Kamenev and Bukharin were shot"), plus a close object
                group = self._chain(clause, lo - 1)
                if hi < len(at) and at[hi] - last <= 3:
                    return group | self._by_clause[clause][hi].entities
                return group
            return self._suffix(clause, hi)
        sent = doc.sentence_of[first]
        k = bisect_left(self._sentence_at.get(sent, []), first)
        if k:
            return self._by_sentence[sent][k - 1].entities
        return frozenset()

    def _subject_left_out(self, clause: int, first: int) -> bool:
        """Whether the clause opens with "and", "but" or "then" and only auxiliaries and
        adverbs come before the trigger: a second predicate of the same subject."""
        tokens = self.doc.tokens
        c0, _ = self.doc.clause_bounds(clause)
        if c0 >= first or tokens[c0].norm not in ("and", "but", "then"):
            return False
        return all(tokens[j].norm in ELIDED_SUBJECT_WORDS for j in range(c0, first))

    def _chain(self, clause: int, k: int) -> frozenset[str]:
        """The people of the clause's reference k and those listed right before it, joined by
        commas and "and" only (cached: each chain is walked once)."""
        refs = self._by_clause[clause]
        tokens = self.doc.tokens
        todo: list[int] = []
        j = k
        got: frozenset[str] | None = None
        while True:
            got = self._chains.get((clause, j))
            if got is not None:
                break
            todo.append(j)
            if j == 0:
                break
            gap = tokens[refs[j - 1].last:refs[j].index]
            if not (gap and all(t.norm in (",", "and", "&") for t in gap)):
                break
            j -= 1
        acc: frozenset[str] = got if got is not None else frozenset()
        for j in reversed(todo):
            acc = acc | refs[j].entities
            self._chains[(clause, j)] = acc
        return acc

    def _suffix(self, clause: int, k: int) -> frozenset[str]:
        """The people of the clause's references from k on."""
        got = self._suffixes.get(clause)
        if got is None:
            acc: frozenset[str] = frozenset()
            got = []
            for r in reversed(self._by_clause[clause]):
                acc = acc | r.entities
                got.append(acc)
            got.reverse()
            self._suffixes[clause] = got
        return got[k]

    def nearest(self, first: int, last: int, side: str = "left") -> PersonRef | None:
        """The person closest to a trigger in its sentence, on the preferred side first."""
        sent = self.doc.sentence_of[first]
        at = self._sentence_at.get(sent, [])
        refs = self._by_sentence.get(sent, [])
        lo = bisect_left(at, first)
        hi = bisect_left(at, last)
        left = refs[lo - 1] if lo else None
        right = refs[hi] if hi < len(refs) else None
        if side == "either":
            if left is None or right is None:
                return left or right
            dl = min(abs(left.index - first), abs(left.index - last))
            dr = min(abs(right.index - first), abs(right.index - last))
            return left if dl <= dr else right
        if side != "right" and left is not None:
            return left
        return right

    def between(self, a: int, b: int) -> list[PersonRef]:
        lo, hi = min(a, b), max(a, b)
        sent = self.doc.sentence_of[lo]
        at = self._sentence_at.get(sent, [])
        refs = self._by_sentence.get(sent, [])
        return [r for r in refs[bisect_right(at, lo):bisect_left(at, hi)] if not r.pronoun]
