"""The cue language: phrases, alternatives, entity references, stems and co-occurrence.

A cue is written by a teacher as a string or a small mapping:

- ``"chief mourner|pallbearer|laid to rest"``: alternatives, each a phrase of words;
  words match by stem (``organised`` matches ``organising``); ``word*`` matches a prefix;
  ``@trotsky`` matches any alias or misspelling of a lexicon entry; ``^`` opening an
  alternative matches the start of a sentence or list item ("^ goes": "2) goes to…").
  Articles in the essay are skipped inside a phrase.
- ``{all: ["@lenin", "letter|note|wish"], within: 8}``: every part in one sentence
  (or within N tokens of each other); with ``ordered: true`` the parts must come in the
  order written ("tRNA brings the amino acid", not "the amino acid brings the tRNA");
  with ``continues: true`` the parts after the first may also be in the next sentence when
  it opens with "This", "It", "That", "These", "They" or "Which" ("Membranes are
  selectively permeable. This means only certain molecules pass"), or after a bare heading
  ("Osmosis. The movement of water…").
- ``{phrase: "funeral|burial", about: ["@lenin"]}``: rejected when the essay attributes it to
  someone else ("Kirov's funeral", "the funeral of Kirov").
- ``label`` names what a detail shows, for feedback; ``not`` lists words that cancel the cue
  when they occur in the same sentence.

Cues are compiled once per rubric (no regular expressions: a teacher's cue cannot hang the
grader) and then matched against any number of Documents.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from ..text.document import Document, Mention
from ..text.lexicon import ARTICLES
from ..text.tokens import by_fields, normalise, stem, tokenize

MAX_ALTERNATIVES: Final = 200
MAX_PHRASE_WORDS: Final = 12
# in all cues of a rubric: bounds grading time (bundled: 425)
MAX_RUBRIC_ALTERNATIVES: Final = 5_000
START: Final = "^"  # a cue word: the start of a sentence or list item


class CueError(ValueError):
    """A cue that cannot be compiled; the message says why."""


@dataclass(frozen=True, slots=True)
class Word:
    norm: str
    stem: str
    prefix: bool = False
    entity: str | None = None

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)

    @property
    def key(self) -> str:
        """What the essay must contain for this word to match (its stem, or '@' + entity)."""
        return "@" + self.entity if self.entity is not None else self.stem

    @property
    def start(self) -> bool:
        """The start of a sentence or list item ("^"), matched without taking a word."""
        return self.norm == START

    def matches(self, doc: Document, i: int) -> bool:
        if self.prefix:
            return doc.forms[i].startswith(self.norm) or doc.tokens[i].norm.startswith(self.norm)
        return doc.stems[i] == self.stem


@dataclass(slots=True)
class Hit:
    """Where a cue matched: sentence and token range `[first, last)`."""

    sentence: int
    first: int
    last: int
    label: str | None = None

    # Written out, not left to @dataclass: mypyc compiles this one, while the __init__
    # that @dataclass generates stays interpreted (a quarter of the compiled grade's time).
    def __init__(self, sentence: int, first: int, last: int, label: str | None = None) -> None:
        self.sentence = sentence
        self.first = first
        self.last = last
        self.label = label

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)


# One alternative of a group (see Phrase.__post_init__): its index, the stems and entity ids
# the essay must contain, and its prefix words; a lone word also says whether it is a single
# letter (which a list item's label is not a mention of).
_Entry = tuple[int, frozenset[str], tuple[str, ...]]
_Single = tuple[int, frozenset[str], tuple[str, ...], bool]
# (kind, key, lone words, other alternatives, alternatives by the stem of their second word)
_Group = tuple[str, str, list[_Single], list[_Entry], dict[str, list[_Entry]]]


@dataclass
class Phrase:
    """Alternatives, each a sequence of Words."""

    alternatives: list[tuple[Word, ...]]
    about: frozenset[str] = frozenset()
    cancel: list[Phrase] = field(default_factory=list)
    label: str | None = None
    # Typed exactly, not as bare tuples: mypyc then unpacks them natively instead of through
    # the generic iterator protocol, once per group and alternative of every match.
    _groups: list[_Group] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        # The alternatives grouped by their first word (a stem, a prefix or an entity), so
        # that the essay's places of each first word are looked at once. Per alternative: the
        # stems and entity ids the essay must contain (one set test) and its prefix words.
        # A lone word's start is its match (but for a one-letter word that labels a list
        # item); a longer alternative whose second word is a plain word is grouped under that
        # word's stem, for a cheap look at the word after the first before the full match.
        groups: dict[tuple[str, str],
                     tuple[list[_Single], list[_Entry], dict[str, list[_Entry]]]] = {}
        for k, alt in enumerate(self.alternatives):
            w = alt[0]
            needs = frozenset(x.key for x in alt if not x.prefix and not x.start)
            prefixes = tuple(x.norm for x in alt if x.prefix)
            kind = ("entity" if w.entity is not None else "prefix" if w.prefix
                    else "start" if w.start else "stem")
            key = w.entity if w.entity is not None else w.norm if w.prefix else w.stem
            singles, plain, by_second = groups.setdefault((kind, key), ([], [], {}))
            if kind == "start":  # "^": the next word is at the item's start, not after it
                plain.append((k, needs, prefixes))
            elif len(alt) == 1:
                singles.append((k, needs, prefixes, w.entity is None and len(w.norm) == 1))
            elif (alt[1].entity is None and not alt[1].prefix
                  and alt[1].norm not in ARTICLES):
                by_second.setdefault(alt[1].stem, []).append((k, needs, prefixes))
            else:
                plain.append((k, needs, prefixes))
        self._groups = [(kind, key, singles, plain, by_second)
                        for (kind, key), (singles, plain, by_second) in groups.items()]

    def words(self) -> set[str]:
        return {w.norm for alt in self.alternatives for w in alt if w.entity is None}

    def prefixes(self) -> set[str]:
        """The prefix words (`assassinat*`), whose misspellings are corrected too."""
        return {w.norm for alt in self.alternatives for w in alt if w.prefix}

    def entities(self) -> set[str]:
        return {w.entity for alt in self.alternatives for w in alt if w.entity}

    def find(self, doc: Document, first: int = 0, last: int | None = None) -> list[Hit]:
        """Every match in tokens `[first, last)` (default: the whole document)."""
        return _cached(self, doc, first, last)

    def _find_all(self, doc: Document) -> list[Hit]:
        present = _doc_keys(doc)
        hits: list[Hit] = []
        # (start, alternative, end): end 0 while the alternative still has to be matched
        starts: list[tuple[int, int, int]] = []
        stems = doc.stems
        by_stem, by_entity, mentions_at = doc.by_stem, doc.by_entity, doc.mentions_at

        for kind, key, singles, plain, by_second in self._groups:
            if kind == "stem":
                where = by_stem.get(key)
            elif kind == "entity":
                where = by_entity.get(key)
            elif kind == "start":
                where = sorted(_item_starts(doc))
            else:
                where = doc.positions(key, key, True)
            if not where:
                continue
            for k, needs, prefixes, letter in singles:
                if not needs <= present or prefixes and not _has_prefixes(doc, prefixes):
                    continue
                # a lone word matches wherever it starts (the index holds only words); plain
                # loops, not generators passed to extend(): cheaper once compiled
                if kind == "entity":
                    for i in where:
                        starts.append((i, k, _mention_end(mentions_at[i], key)))
                elif letter:
                    labels = _list_labels(doc)
                    for i in where:
                        if i not in labels:
                            starts.append((i, k, i + 1))
                else:
                    for i in where:
                        starts.append((i, k, i + 1))
            for k, needs, prefixes in plain:
                if needs <= present and (not prefixes or _has_prefixes(doc, prefixes)):
                    for i in where:
                        starts.append((i, k, 0))
            if by_second:
                live: dict[str, list[int]] = {}
                for second, entries in by_second.items():
                    ks = [k for k, needs, prefixes in entries if needs <= present
                          and (not prefixes or _has_prefixes(doc, prefixes))]
                    if ks:
                        live[second] = ks
                if not live:
                    continue
                # cheap look at the word after the first (articles and quotes skipped)
                nxt = _next_content(doc)
                for i in where:
                    j = nxt[_mention_end(mentions_at[i], key) - 1 if kind == "entity" else i]
                    if j >= 0:
                        found = live.get(stems[j])
                        if found:
                            for k in found:
                                starts.append((i, k, 0))
        if not starts:
            return hits
        starts.sort()
        taken = 0
        sentence_of, sentences = doc.sentence_of, doc.sentences
        alternatives, about, label = self.alternatives, self.about, self.label
        budget = doc.budget
        for i, k, end in starts:
            budget.tick()
            if i < taken:
                continue
            if not end:
                matched = _match_sequence(doc, i, sentences[sentence_of[i]].last, alternatives[k])
                if matched is None:
                    continue
                end = matched
            if about and not self._attributed_ok(doc, i, end):
                continue
            hits.append(Hit(sentence_of[i], i, end, label))
            taken = end
        if self.cancel and hits:
            hits = [h for h in hits if not self._cancelled(doc, h.sentence)]
        return hits

    def _attributed_ok(self, doc: Document, first: int, last: int) -> bool:
        if not self.about:
            return True
        owner = _owner(doc, first, last)
        return owner is None or owner in self.about

    def _cancelled(self, doc: Document, sentence: int) -> bool:
        # a phrase's hits never cross a sentence: one in the sentence's tokens is one of its
        return any(sentence in _hit_sentences(c, doc) for c in self.cancel)


@dataclass
class AllOf:
    """Every part within one sentence, or within `within` tokens."""

    parts: list[Phrase]
    within: int | None = None
    label: str | None = None
    ordered: bool = False
    continues: bool = False

    def words(self) -> set[str]:
        return set().union(*(p.words() for p in self.parts))

    def prefixes(self) -> set[str]:
        return set().union(*(p.prefixes() for p in self.parts))

    def entities(self) -> set[str]:
        return set().union(*(p.entities() for p in self.parts))

    def find(self, doc: Document, first: int = 0, last: int | None = None) -> list[Hit]:
        """Every sentence (or window) where all parts occur, within tokens `[first, last)`."""
        return _cached(self, doc, first, last)

    def _find_all(self, doc: Document) -> list[Hit]:
        per_part: list[dict[int, list[Hit]]] = []
        for p in self.parts:
            grouped: dict[int, list[Hit]] = {}
            for h in p.find(doc):
                grouped.setdefault(h.sentence, []).append(h)
            if not grouped:
                return []
            per_part.append(grouped)
        common = set(per_part[0]).intersection(*per_part[1:])
        hits: list[Hit] = []
        for sent in sorted(common):
            span = self._group([g[sent] for g in per_part])
            if span is not None:
                hits.append(Hit(sent, span[0], span[1], self.label))
        if self.continues:
            done = {h.sentence for h in hits}
            for sent in sorted(set(per_part[0]) - done):
                nxt = sent + 1
                if nxt >= len(doc.sentences) or not (_opens_with_reference(doc, nxt)
                                                     or _is_heading(doc, sent)):
                    continue
                found = [per_part[0][sent]] + [g.get(sent, []) + g.get(nxt, [])
                                               for g in per_part[1:]]
                if all(found):
                    span = self._group(found)
                    if span is not None:
                        hits.append(Hit(sent, span[0], span[1], self.label))
            hits.sort(key=lambda h: h.first)
        return hits

    def _group(self, found: list[list[Hit]]) -> tuple[int, int] | None:
        """The token span of one hit of every part, or None."""
        if self.ordered:
            return _ordered_group(found, self.within)
        if self.within is None:
            return (min(h.first for f in found for h in f),
                    max(h.last for f in found for h in f))
        return _closest_group(found, self.within)


Cue = Phrase | AllOf


QUOTE_MARKS: Final = "\"“”‘’'-"


def _next_content(doc: Document) -> list[int]:
    """For each token, the index of the next token a phrase may continue with (articles and
    quote marks skipped, within the sentence), or -1."""
    nxt: list[int] | None = doc.cache.get("next-content")
    if nxt is None:
        tokens, forms, sentence_of = doc.tokens, doc.forms, doc.sentence_of
        # a word (it starts with a letter or digit) is never one of the marks
        skipped = {i for i, t in enumerate(tokens) if not t.is_word and t.text in QUOTE_MARKS}
        skipped.update(i for a in ARTICLES for i in doc.by_form.get(a, ()) if forms[i] in ARTICLES)
        nxt = list(range(1, len(tokens) + 1))
        for s in doc.sentences:
            nxt[s.last - 1] = -1
        # from the end: a token before a skipped one continues where the skipped one does
        for j in sorted(skipped, reverse=True):
            if j > 0 and sentence_of[j - 1] == sentence_of[j]:
                nxt[j - 1] = nxt[j]
        doc.cache["next-content"] = nxt
    return nxt


def _has_prefixes(doc: Document, prefixes: tuple[str, ...]) -> bool:
    """Every prefix word starts some word of the essay."""
    return all(doc.positions(norm, norm, True) for norm in prefixes)


def _mention_end(mentions: list[Mention], entity: str) -> int:
    """Where the mention of `entity` among those starting at one token ends."""
    for m in mentions:
        if m.entity == entity:
            return m.last
    raise LookupError(entity)


def _doc_keys(doc: Document) -> set[str]:
    keys = doc.cache.get("keys")
    if keys is None:
        keys = set(doc.by_stem)
        keys.update("@" + e for e in doc.by_entity)
        doc.cache["keys"] = keys
    return keys


def _cached(cue: Phrase | AllOf, doc: Document, first: int, last: int | None) -> list[Hit]:
    """Match a cue once per document; ranges filter the cached hits."""
    key = id(cue)
    hits: list[Hit] | None = doc.cache.get(key)
    if hits is None:
        hits = cue._find_all(doc)
        doc.cache[key] = hits
    if first == 0 and last is None:
        return hits
    last = len(doc.tokens) if last is None else last
    # Hits come in text order (by their first token) and none ends before it starts: those
    # in the range are among the run starting at `first`, which ends past `last`.
    starts_key = ("starts", key)
    starts: list[int] | None = doc.cache.get(starts_key)
    if starts is None:
        starts = [h.first for h in hits]
        doc.cache[starts_key] = starts
    out: list[Hit] = []
    for k in range(bisect_left(starts, first), bisect_right(starts, last)):
        h = hits[k]
        if h.last <= last:
            out.append(h)
    return out


# words after which no article comes inside a phrase: numbers and ordinals
COUNTING_WORDS: Final = frozenset(
    "one two three four five six seven eight nine ten first second third fourth fifth sixth "
    "seventh eighth ninth tenth last next final no number".split())


def _match_sequence(doc: Document, i: int, limit: int, alt: tuple[Word, ...]) -> int | None:
    # (Word.start and Word.matches written out: this runs once per candidate start)
    forms, stems, tokens = doc.forms, doc.stems, doc.tokens
    j = i
    first = True
    prev = ""
    for w in alt:
        norm = w.norm
        if not first:
            # an article may stand between the words ("ban on the factions"), but not after
            # a number or an ordinal ("second reactor" is not "seconds the reactor")
            skip = prev not in COUNTING_WORDS
            while j < limit and ((skip and forms[j] in ARTICLES and norm not in ARTICLES)
                                 or tokens[j].text in QUOTE_MARKS):
                j += 1
        first = False
        prev = norm
        if norm == START:
            if j not in _item_starts(doc):
                return None
            continue
        if j >= limit:
            return None
        if w.entity is not None:
            ms = doc.mentions_at.get(j)
            m = next((m for m in ms if m.entity == w.entity), None) if ms else None
            if m is None:
                return None
            j = m.last
        else:
            t = tokens[j]
            if not t.is_word:
                return None
            if w.prefix:
                if not (forms[j].startswith(norm) or t.norm.startswith(norm)):
                    return None
            elif stems[j] != w.stem:
                return None
            if len(norm) == 1 and j in _list_labels(doc):
                return None
            j += 1
    return j


LABEL_MARKS: Final = frozenset(")].:-=")
PART_WORDS: Final = frozenset("step part stage question".split())
ITEM_MARKS: Final = frozenset(";:-)•.!?")  # marks that open a list item inside a sentence


def _list_labels(doc: Document) -> frozenset[int]:
    """Single letters that number the parts of an answer ("a)", "(B)", "b.", "B-") at the
    start of a sentence or after a paragraph mark "^p", numbers that open a part ("Step 3:",
    "3)") and digits glued to the word before them ("ribosome3"): the label of part B is
    not a mention of B, nor "Step 3" a mention of three."""
    labels = doc.cache.get("list-labels")
    if labels is None:
        found = set()
        toks = doc.tokens
        marks: dict[int, list[int]] = {}  # sentence -> tokens after its "^p" marks
        for i in doc.by_norm.get("p", ()):
            s = doc.sentences[doc.sentence_of[i]]
            if s.first + 1 <= i < s.last - 1 and toks[i - 1].text == "^":
                marks.setdefault(s.index, []).append(i + 1)
        for s in doc.sentences:
            starts = [s.first, *marks.get(s.index, ())]
            for i in starts:
                while i < s.last and (not toks[i].is_word or toks[i].norm.isdigit()):
                    i += 1  # "(", "3." before the letter
                if i + 1 >= s.last or len(toks[i].norm) != 1 or not toks[i].norm.isalpha():
                    continue
                before = toks[i - 1].text if i > s.first else ""
                after = toks[i + 1].text
                if (after in LABEL_MARKS or before == "(" and after == ")") and any(
                        toks[k].is_word for k in range(i + 2, s.last)):
                    found.add(i)
        # a number that opens a part ("Step 3:", "step 2", "3)", "4 -") numbers it
        for s in doc.sentences:
            i = s.first
            while i < s.last and not toks[i].is_word:
                i += 1
            if i < s.last and toks[i].norm in PART_WORDS:
                i += 1
                step = True
            else:
                step = False
            if (i + 1 < s.last and len(toks[i].text) == 1 and toks[i].text.isdigit()
                    and (step or toks[i + 1].text in LABEL_MARKS)):
                found.add(i)
        # a list number glued to the word before it ("ribosome3. tRNA…") numbers the next
        # part: not the number three
        found.update(i for i in doc.numbers if i > 0 and toks[i].start == toks[i - 1].end
                     and len(toks[i].text) == 1 and toks[i].text.isdigit()
                     and toks[i - 1].text[-1:].isalpha())
        labels = frozenset(found)
        doc.cache["list-labels"] = labels
    return labels


def _item_starts(doc: Document) -> frozenset[int]:
    """The first word of each sentence and of each list item after a label ("2) goes to the
    ribosome", "Step 3: travels…", "ribosome3.goes"), where the cue word "^" matches: a
    step listed without its subject ("Goes to the ribosome") is about the question's."""
    starts = doc.cache.get("item-starts")
    if starts is None:
        labels = _list_labels(doc)
        toks = doc.tokens
        found = set()
        for s in doc.sentences:
            begin = [s.first] + [i + 1 for i in range(s.first, s.last) if i in labels
                                 or toks[i].text in ITEM_MARKS]
            for i in begin:
                while i < s.last and (not toks[i].is_word or i in labels
                                      or toks[i].norm in PART_WORDS and i + 1 < s.last
                                      and (i + 1) in labels):
                    i += 1
                if i < s.last:
                    found.add(i)
        starts = frozenset(found)
        doc.cache["item-starts"] = starts
    return starts


def _owner(doc: Document, first: int, last: int) -> str | None:
    """Who a phrase is attributed to: "Kirov's funeral" or "the funeral of Kirov"."""
    j = first - 1
    if j >= 0 and doc.sentence_of[j] == doc.sentence_of[first]:
        tok = doc.tokens[j]
        if tok.possessive and tok.capitalised:
            m = _mention_ending_at(doc, j)
            return m.entity if m else tok.norm
    s_last = doc.sentences[doc.sentence_of[first]].last
    if last + 1 < s_last and doc.tokens[last].norm == "of":
        k = last + 1
        if doc.forms[k] in ARTICLES and k + 1 < s_last:
            k += 1
        ms = doc.mentions_at.get(k)
        if ms:
            return ms[0].entity
        if doc.tokens[k].capitalised and doc.tokens[k].is_word:
            return doc.tokens[k].norm
    return None


def _mention_ending_at(doc: Document, j: int):
    ends = doc.cache.get("mention-ends")
    if ends is None:
        ends = {}
        for m in doc.mentions:
            ends.setdefault(m.last - 1, m)
        doc.cache["mention-ends"] = ends
    return ends.get(j)


def _hit_sentences(phrase: Phrase, doc: Document) -> set[int]:
    """The sentences where a phrase matches (cached per document)."""
    key = ("sentences", id(phrase))
    got = doc.cache.get(key)
    if got is None:
        got = doc.cache[key] = {h.sentence for h in phrase.find(doc)}
    return got


def _closest_group(found: list[list[Hit]], within: int) -> tuple[int, int] | None:
    anchors = found[0]
    for a in anchors:
        lo, hi = a.first, a.last
        ok = True
        for other in found[1:]:
            near = [h for h in other if abs(h.first - a.first) <= within]
            if not near:
                ok = False
                break
            h = min(near, key=lambda h: abs(h.first - a.first))
            lo, hi = min(lo, h.first), max(hi, h.last)
        if ok:
            return lo, hi
    return None


REFERENCE_OPENERS: Final = frozenset("this that it these they which".split())


def _opens_with_reference(doc: Document, sentence: int) -> bool:
    """ "This means…", "It is…": a sentence whose first word points back to the one before."""
    s = doc.sentences[sentence]
    first = next((t for t in doc.tokens[s.first:s.last] if t.is_word), None)
    return first is not None and first.norm in REFERENCE_OPENERS


def _is_heading(doc: Document, sentence: int) -> bool:
    """ "Osmosis." or "Active transport:" alone: a term whose description is the next sentence."""
    s = doc.sentences[sentence]
    return sum(1 for t in doc.tokens[s.first:s.last] if t.is_word) <= 3


def _ordered_group(found: list[list[Hit]], within: int | None) -> tuple[int, int] | None:
    """The first chain with one hit of each part, each starting after the one before ends,
    all starting within `within` tokens of the first (any distance in the sentence when
    `within` is None)."""
    for a in found[0]:
        end = a.last
        second = None
        for other in found[1:]:
            nxt = next((h for h in other if h.first >= end
                        and (within is None or h.first - a.first <= within)), None)
            if nxt is None:
                break
            second = second or nxt
            end = nxt.last
        else:
            # the nearest first part before the chain: "tRNA, and then tRNA carries"
            assert second is not None  # callers pass two parts or more
            start = max(h.first for h in found[0] if h.first >= a.first
                        and h.last <= second.first)
            return start, end
    return None


def compile_phrase(text: str, entities: set[str] | None = None) -> Phrase:
    """Compile ``"a b|c*|@name"``; unknown ``@`` names raise CueError when `entities` is given."""
    if not isinstance(text, str) or not text.strip():
        raise CueError("a cue must be a non-empty string")
    alts: list[tuple[Word, ...]] = []
    for raw in text.split("|"):
        raw = raw.strip()
        if not raw:
            raise CueError(f"empty alternative in {text!r}")
        words: list[Word] = []
        parts = raw.split()
        if len(parts) > 1:
            # articles are skipped, but a closing "a" names the letter ("plastic a", "vitamin a")
            letter = parts[-1] if parts[-1].lower() == "a" else None
            parts = [p for p in parts[:-1 if letter else None]
                     if p.lower() not in ARTICLES] + ([letter] if letter else [])
            parts = parts or raw.split()
        for part in parts:
            words.extend(_compile_word(part, entities))
        if any(w.start for w in words[1:]):
            raise CueError(f"'^' (the start of a sentence) may only open an alternative: {raw!r}")
        if not words:
            raise CueError(f"alternative {raw!r} has no words")
        if len(words) > MAX_PHRASE_WORDS:
            raise CueError(f"alternative {raw!r} is longer than {MAX_PHRASE_WORDS} words")
        alts.append(tuple(words))
    if len(alts) > MAX_ALTERNATIVES:
        raise CueError(f"more than {MAX_ALTERNATIVES} alternatives")
    return Phrase(alts)


def _compile_word(part: str, entities: set[str] | None) -> list[Word]:
    if part == START:
        return [Word(START, START)]
    if part.startswith("@"):
        name = part[1:]
        if not name:
            raise CueError("'@' must be followed by a lexicon id")
        if entities is not None and name not in entities:
            raise CueError(f"unknown lexicon entry '@{name}'")
        return [Word(name, name, entity=name)]
    return list(_compile_plain_word(part))


@lru_cache(maxsize=20_000)
def _compile_plain_word(part: str) -> tuple[Word, ...]:
    """A cue word (not an @entity), compiled once per process."""
    prefix = part.endswith("*")
    core = part.rstrip("*")
    toks = [t for t in tokenize(core) if t.is_word]
    if not toks:
        if core and all(not c.isalnum() for c in core):
            return ()
        raise CueError(f"{part!r} has no letters or digits")
    if "*" in core:
        raise CueError(f"'*' may only end a word: {part!r}")
    out = []
    if len(toks) > 1 or prefix:
        toks = [t for t in toks if t.lower not in ARTICLES] or toks
    for k, t in enumerate(toks):
        norm, _ = normalise(t.text)
        is_prefix = prefix and k == len(toks) - 1
        if is_prefix and len(norm) < 3:
            raise CueError(f"prefix {part!r} is too short (3 letters at least)")
        out.append(Word(norm, stem(norm) if norm.isalpha() else norm, is_prefix))
    return tuple(out)


def cue_size(cue: Phrase | AllOf) -> int:
    """How many alternatives matching `cue` may try (its cost per essay, roughly)."""
    phrases = cue.parts if isinstance(cue, AllOf) else [cue]
    return sum(len(p.alternatives) + sum(len(c.alternatives) for c in p.cancel)
               for p in phrases)


def compile_cue(spec, entities: set[str] | None = None) -> Cue:
    """Compile one cue item (string or mapping) as the rubric schema has validated it."""
    if isinstance(spec, str):
        return compile_phrase(spec, entities)
    if not isinstance(spec, dict):
        raise CueError("a cue is a string or a mapping with 'phrase' or 'all'")
    if ("all" in spec) == ("phrase" in spec):
        raise CueError("a cue mapping needs exactly one of 'phrase' or 'all'")
    label = spec.get("label")
    cancel = [compile_phrase(c, entities) for c in spec.get("not", []) or []]
    if "all" in spec:
        parts = [compile_phrase(p, entities) for p in spec["all"]]
        if len(parts) < 2:
            raise CueError("'all' needs at least two parts")
        for p in parts:
            p.cancel = cancel
        return AllOf(parts, spec.get("within"), label, bool(spec.get("ordered", False)),
                     bool(spec.get("continues", False)))
    if "phrase" in spec:
        ph = compile_phrase(spec["phrase"], entities)
        ph.about = frozenset(a.lstrip("@") for a in spec.get("about", []) or [])
        if entities is not None:
            for a in ph.about:
                if a not in entities:
                    raise CueError(f"unknown lexicon entry '@{a}' in 'about'")
        ph.cancel = cancel
        ph.label = label
        return ph
    raise CueError("a cue mapping needs 'phrase' or 'all'")


def find_all(cues: list[Cue], doc: Document, first: int = 0, last: int | None = None) -> list[Hit]:
    hits: list[Hit] = []
    for c in cues:
        hits.extend(c.find(doc, first, last))
    return hits
