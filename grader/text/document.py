"""The Document: an essay analysed once, every unit carrying `[start, end)` spans."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any, Final

from .budget import UNLIMITED, Budget
from .dates import CENTURY_WORDS, YearMention, find_years
from .lexicon import ARTICLES, Lexicon
from .scopes import clause_ids, scope_flags
from .sentences import paragraph_spans, sentence_spans
from .tokens import CACHED_LENGTH, Token, by_fields, make_token, stem, tokenize

PRONOUNS: Final = frozenset("he him his she her they them their".split())
FIRST_PERSON: Final = frozenset("i we my our me us".split())


@dataclass(slots=True)
class Span:
    start: int
    end: int


@dataclass(slots=True)
class Sentence:
    """A sentence: its span, paragraph, and the half-open range of its token indices."""

    index: int
    start: int
    end: int
    paragraph: int
    first: int
    last: int

    # Written out, not left to @dataclass: mypyc compiles this one, while the __init__
    # that @dataclass generates stays interpreted (a quarter of the compiled grade's time).
    def __init__(self, index: int, start: int, end: int, paragraph: int, first: int,
                 last: int) -> None:
        self.index = index
        self.start = start
        self.end = end
        self.paragraph = paragraph
        self.first = first
        self.last = last

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)


@dataclass(slots=True)
class Mention:
    """A rubric entity named in the text (tokens `[first, last)`), maybe misspelt."""

    entity: str
    kind: str
    first: int
    last: int
    start: int
    end: int
    fuzzy: bool
    possessive: bool

    # Written out, not left to @dataclass: mypyc compiles this one, while the __init__
    # that @dataclass generates stays interpreted (a quarter of the compiled grade's time).
    def __init__(self, entity: str, kind: str, first: int, last: int, start: int, end: int,
                 fuzzy: bool, possessive: bool) -> None:
        self.entity = entity
        self.kind = kind
        self.first = first
        self.last = last
        self.start = start
        self.end = end
        self.fuzzy = fuzzy
        self.possessive = possessive

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)


@dataclass
class Document:
    """Paragraphs, sentences, tokens, scopes, years and entity mentions of one essay."""

    text: str
    paragraphs: list[Span]
    sentences: list[Sentence]
    tokens: list[Token]
    forms: list[str]
    stems: list[str]
    corrected: list[bool]
    clause: list[int]
    negated: list[bool]
    reported: list[bool]
    modal: list[bool]
    sentence_of: list[int]
    years: list[YearMention]
    mentions: list[Mention]
    mentions_at: dict[int, list[Mention]] = field(default_factory=dict)
    by_stem: dict[str, list[int]] = field(default_factory=dict)
    by_form: dict[str, list[int]] = field(default_factory=dict)
    by_entity: dict[str, list[int]] = field(default_factory=dict)
    # word tokens by normal form (as written, before any correction), ascending
    by_norm: dict[str, list[int]] = field(default_factory=dict)
    # the words that may start with a digit: those whose normal form does not start with a
    # letter (a digit's never does), ascending
    numbers: list[int] = field(default_factory=list)
    cache: dict = field(default_factory=dict)
    # the CPU budget of this essay's grading: long loops over it tick it
    budget: Budget = field(default=UNLIMITED, compare=False, repr=False)

    def positions(self, norm: str, stem_: str, prefix: bool = False,
                  entity: str | None = None) -> list[int]:
        """Token indices where a cue word (or entity mention) could start, ascending."""
        if entity is not None:
            return self.by_entity.get(entity, [])
        if prefix:
            # (the cached values typed: mypyc then calls str and list methods directly)
            key = ("prefix", norm)
            hit: list[int] | None = self.cache.get(key)
            if hit is None:
                forms: list[str] | None = self.cache.get("sorted-forms")
                if forms is None:
                    forms = self.cache["sorted-forms"] = sorted(self.by_form)
                # the forms starting with `norm` are one run of the sorted list
                k = bisect_left(forms, norm)
                found: list[int] = []
                matched = 0
                while k < len(forms) and forms[k].startswith(norm):
                    found.extend(self.by_form[forms[k]])
                    matched += 1
                    k += 1
                # each form's places are ascending already: only several forms need a sort
                hit = sorted(found) if matched > 1 else found
                self.cache[key] = hit
            return hit
        # a word's stem is a function of its form, so equal forms have equal stems
        return self.by_stem.get(stem_, [])

    def sentence_text(self, s: Sentence) -> str:
        return self.text[s.start:s.end]

    def words(self) -> list[Token]:
        return [t for t in self.tokens if t.is_word]

    def word_count(self) -> int:
        return sum(map(len, self.by_norm.values()))

    def clause_tokens(self, clause_id: int) -> range:
        i, j = self.clause_bounds(clause_id)
        return range(i, j)

    def clause_bounds(self, clause_id: int) -> tuple[int, int]:
        """The first token of a clause and the token after its last (a clause is a run of
        tokens with one id; ids never decrease along the text); (0, 0) for no such clause."""
        bounds: dict[int, tuple[int, int]] | None = self.cache.get("clause-bounds")
        if bounds is None:
            bounds = {}
            ids = self.clause
            start = 0
            for i in range(1, len(ids) + 1):
                if i == len(ids) or ids[i] != ids[i - 1]:
                    bounds[ids[start]] = (start, i)
                    start = i
            self.cache["clause-bounds"] = bounds
        return bounds.get(clause_id, (0, 0))


def build_document(text: str, lexicon: Lexicon | None = None,
                   budget: Budget = UNLIMITED) -> Document:
    """Analyse `text` once; spans index into `text` exactly as given. Past `budget`,
    GradingBudgetExceeded is raised."""
    paragraphs: list[Span] = []
    sentences: list[Sentence] = []
    tokens: list[Token] = []
    bounds: list[tuple[int, int]] = []
    for p_index, (ps, pe) in enumerate(paragraph_spans(text)):
        paragraphs.append(Span(ps, pe))
        budget.tick()
        for ss, se in sentence_spans(text, ps, pe, budget):
            budget.tick()
            first = len(tokens)
            found = tokenize(text[ss:se], ss, first)
            if lexicon is not None:
                found = _split_glued(found, lexicon, first)
            tokens.extend(found)
            if len(tokens) == first:
                continue
            sentences.append(Sentence(len(sentences), ss, se, p_index, first, len(tokens)))
            bounds.append((first, len(tokens)))
    sentence_of = [0] * len(tokens)
    for s in sentences:
        sentence_of[s.first:s.last] = [s.index] * (s.last - s.first)

    # Group the words by normal form first: a word's form, stem and correction are functions
    # of its normal form, so each distinct word is looked at once, not once per occurrence.
    by_norm: dict[str, list[int]] = {}
    for i, t in enumerate(tokens):
        if t.is_word:
            at = by_norm.get(t.norm)
            if at is None:
                by_norm[t.norm] = [i]
            else:
                at.append(i)
    forms = [t.norm for t in tokens]
    stems = [t.stem for t in tokens]
    corrected = [False] * len(tokens)
    # every word is found under its own normal form, a corrected word under its correction too
    # (copies by list.copy(), not at[:]: compiled, the slice goes through a generic path)
    by_form = {norm: at.copy() for norm, at in by_norm.items()}
    by_stem: dict[str, list[int]] = {}
    merged: set[str] = set()  # keys given positions of more than one word: sorted at the end
    merged_forms: set[str] = set()
    fixes = lexicon.corrections() if lexicon is not None else {}
    budget.check()
    for norm, at in by_norm.items():
        budget.tick()
        st = stems[at[0]]
        if lexicon is not None and norm.isalpha():
            fix = fixes.get(norm)
            if fix is None:
                c = lexicon.correct(norm)
                fix = (c, stem(c)) if c is not None else ()
                if len(norm) <= CACHED_LENGTH:
                    fixes[norm] = fix
            if fix:
                form, st = fix
                for i in at:
                    forms[i] = form
                    stems[i] = st
                    corrected[i] = True
                _add_places(by_form, form, at, merged_forms)
        _add_places(by_stem, st, at, merged)
    for key in merged:
        by_stem[key].sort()
    for key in merged_forms:
        by_form[key].sort()

    budget.check()
    clauses = clause_ids(tokens, bounds)
    negated, reported, modal = scope_flags(tokens, clauses, bounds)
    numbers = sorted(i for norm, at in by_norm.items() if not norm[:1].isalpha() for i in at)
    years = []
    # only a sentence with a word starting with a digit, or a century word ("nineteen
    # twenty-five"), can name a year
    year_sentences = {sentence_of[i] for i in numbers if tokens[i].text[:1].isdigit()}
    for w in CENTURY_WORDS:
        year_sentences.update(sentence_of[i] for i in by_norm.get(w, ()))
    for k in sorted(year_sentences):
        s = sentences[k]
        years.extend(find_years(tokens[s.first:s.last]))
    doc = Document(text, paragraphs, sentences, tokens, forms, stems, corrected, clauses,
                   negated, reported, modal, sentence_of, years, [], by_stem=by_stem,
                   by_form=by_form, by_norm=by_norm, numbers=numbers, budget=budget)
    budget.check()
    if lexicon is not None:
        _find_mentions(doc, lexicon)
    return doc


def _add_places(index: dict[str, list[int]], key: str, at: list[int], merged: set[str]) -> None:
    """Add the token places `at` under `key`; a key given places twice is noted in `merged`
    (its list is sorted once all words are in)."""
    got = index.get(key)
    if got is None:
        index[key] = at.copy()
    else:
        got.extend(at)
        merged.add(key)


def _split_glued(tokens: list[Token], lexicon: Lexicon, first: int) -> list[Token]:
    """Lower-case words glued to a rubric word by a lost space ("nucleustravels") as two
    tokens, re-numbered from `first`."""
    out: list[Token] = []
    for t in tokens:
        cut = (lexicon.glued_cut(t.norm) if t.is_word and len(t.text) >= 7
               and (t.text[1:].islower() or t.text.isupper()) and t.text.isalpha() else None)
        if cut is None:
            out.append(t)
        else:
            out.append(make_token(t.text[:cut], t.start, 0))
            out.append(make_token(t.text[cut:], t.start + cut, 0))
    if len(out) != len(tokens):
        for k, t in enumerate(out):
            t.index = first + k
    return out


def _find_mentions(doc: Document, lexicon: Lexicon) -> None:
    tokens, forms = doc.tokens, doc.forms
    firsts = lexicon.first_words()
    sentences, sentence_of = doc.sentences, doc.sentence_of
    resume = 0  # a mention's words cannot start another one
    # a word is indexed under its form (and its uncorrected form): keep those whose form it is
    by_form = doc.by_form
    starts = sorted(i for f in firsts.intersection(by_form) for i in by_form[f] if forms[i] == f)
    budget = doc.budget
    for i in starts:
        budget.tick()
        if i < resume:
            continue
        s_last = sentences[sentence_of[i]].last
        best = None
        for alias, entity_id in lexicon.starting_with(forms[i]):
            j = _match_words(forms, tokens, i, s_last, alias)
            if j is not None:
                best = (j, entity_id)
                break
        if best is None:
            continue
        j, entity_id = best
        ent = lexicon.entities[entity_id]
        m = Mention(entity_id, ent.kind, i, j, tokens[i].start, tokens[j - 1].end,
                    any(doc.corrected[i:j]), tokens[j - 1].possessive
                    or (doc.corrected[j - 1] and tokens[j - 1].norm.endswith("s")
                        and not forms[j - 1].endswith("s")))
        doc.mentions.append(m)
        doc.mentions_at.setdefault(i, []).append(m)
        doc.by_entity.setdefault(entity_id, []).append(i)
        resume = j


def _match_words(forms, tokens, i: int, end: int, words: tuple[str, ...]) -> int | None:
    """Match a word sequence at token i, skipping articles and hyphen/quote marks; return end."""
    k = 0
    j = i
    while k < len(words):
        while j < end and (forms[j] in ARTICLES or (not tokens[j].is_word and tokens[j].text in
                                                     "\"“”‘’'-")) and k > 0:
            j += 1
        if j >= end or forms[j] != words[k]:
            return None
        j += 1
        k += 1
    return j
