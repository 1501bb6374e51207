"""Named people, terms and places of a rubric, and tolerant matching of their spellings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

from rapidfuzz import process
from rapidfuzz.distance import OSA

from . import english
from .tokens import CACHED_LENGTH, by_fields, normalise, stem, tokenize

ARTICLES: Final = frozenset(("the", "a", "an"))
PREFIX_MIN: Final = 6  # letters a cue prefix needs before its misspellings are corrected

_SOUNDS: Final = (("tch", "ch"), ("kh", "k"), ("ck", "k"), ("ph", "f"), ("oo", "u"), ("w", "v"),
                  ("j", "g"), ("y", "i"), ("z", "s"), ("ie", "i"), ("ei", "i"))


_REPEATS: Final = re.compile(r"(.)\1+", re.S)  # a run of one letter, kept once


def sound_key(word: str) -> str:
    """A rough spelling-by-ear key: 'Tookachevski' and 'Tukhachevsky' share 'tukachevski'."""
    key = word
    for a, b in _SOUNDS:
        key = key.replace(a, b)
    return _REPEATS.sub(r"\1", key)


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, term or place the rubric names, with every alias as a tuple of norms."""

    id: str
    kind: str
    name: str
    aliases: tuple[tuple[str, ...], ...]

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)


def max_edits(length: int) -> int:
    """Edits tolerated for a word of this length: short words need to be exact."""
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    return 2


def alias_norms(alias: str) -> tuple[str, ...]:
    """Tokenise an alias as essays are tokenised, dropping articles and punctuation."""
    return tuple(t.norm for t in tokenize(alias) if t.is_word and t.norm not in ARTICLES)


@dataclass
class Lexicon:
    """Entities plus the vocabulary that misspellings are corrected towards."""

    entities: dict[str, Entity] = field(default_factory=dict)
    vocabulary: set[str] = field(default_factory=set)
    protected: set[str] = field(default_factory=set)
    _by_first: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    _vocab_list: list[str] = field(default_factory=list)
    _stem_list: list[str] = field(default_factory=list)
    _stem_word: dict[str, str] = field(default_factory=dict)
    _key_list: list[str] = field(default_factory=list)
    _key_word: dict[str, str] = field(default_factory=dict)
    _cache: dict[str, str | None] = field(default_factory=dict)
    _fixes: dict[str, tuple] = field(default_factory=dict)
    _glued: dict[str, int | None] = field(default_factory=dict)
    _proper: dict[str, str] | None = field(default=None, repr=False, compare=False)
    _firsts: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _reach: int | None = field(default=None, repr=False, compare=False)
    _longest: int | None = field(default=None, repr=False, compare=False)
    _starts: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _cut_words: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _near: dict[tuple[str, int], list[str]] = field(default_factory=dict, repr=False, compare=False)
    # cue prefixes of PREFIX_MIN letters or more (`assassinat*`), by first letter
    _prefixes: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)

    def add(self, entity: Entity) -> None:
        self.entities[entity.id] = entity
        self._proper = self._firsts = self._reach = self._cut_words = None
        for alias in entity.aliases:
            if not alias:
                continue
            self._by_first.setdefault(alias[0], []).append((alias, entity.id))
            for w in alias:
                self.vocabulary.add(w)
                self.protected.add(w)

    def add_prefixes(self, prefixes) -> None:
        """Cue prefixes: a misspelt word starting with a near miss of one ("asassination"
        for `assassinat*`) is corrected to start with it."""
        for p in prefixes:
            if len(p) >= PREFIX_MIN and p.isalpha():
                group = self._prefixes.setdefault(p[0], [])
                if p not in group:
                    group.append(p)

    def add_words(self, words) -> None:
        """Cue words: misspellings of them are corrected too."""
        self._reach = self._cut_words = None
        for w in words:
            if w.isalpha() and len(w) > 3:
                self.vocabulary.add(w)

    def freeze(self) -> None:
        for lst in self._by_first.values():
            lst.sort(key=lambda a: -len(a[0]))
        self._vocab_list = sorted(self.vocabulary)
        self._longest = self._starts = None
        for w in self._vocab_list:
            self._stem_word.setdefault(stem(w), w)
        self._stem_list = sorted(self._stem_word)
        for w in self._vocab_list:
            self._key_word.setdefault(sound_key(w), w)
        self._key_list = sorted(self._key_word)
        self._near = _by_start([*self._vocab_list, *self._stem_list, *self._key_list])
        self._first_letters()
        self._longest_choice()

    def _closest(self, word: str, choices: list[str],
                 reach: dict[str, bool] | None = None) -> str | None:
        """The choice within the edits tolerated of `word` (see _closest_in), or None.
        `reach` remembers, over one correction, which words the cheap pre-check found
        nothing near (the word, its stem and its sound key are often one string)."""
        n = len(word)
        edits = 0 if n <= 3 else 1 if n <= 7 else 2  # max_edits(n), inline: called per word
        if edits == 0:
            return None
        # an edit changes the length by one at most: a word longer than every choice by more
        # than the edits tolerated matches none (and a hostile long word costs nothing here)
        longest = self._longest if self._longest is not None else self._longest_choice()
        if n > longest + edits:
            return None
        # a match must start with the word's first letter or its second (two letters
        # swapped, _closest_in): a word in a script no choice starts in matches none, and
        # costs nothing here (a Cyrillic or Chinese word against an English rubric)
        starts = self._starts if self._starts is not None else self._first_letters()
        if word[0] not in starts and (n < 2 or word[1] not in starts):
            return None
        # only a choice starting as the word does can be the answer (_closest_in): when no
        # such choice is within reach the search of every choice is skipped (most unknown
        # words; a gibberish essay costs a few candidates a word, not the whole vocabulary)
        if self._near:
            near = reach.get(word) if reach is not None else None
            if near is None:
                near = _any_within(word, self._near)
                if reach is not None:
                    reach[word] = near
            if not near:
                return None
        return _closest_in(word, choices)

    def _first_letters(self) -> frozenset[str]:
        """The first letters of every vocabulary word, stem and sound key."""
        if self._starts is None:
            self._starts = frozenset(w[0] for w in [*self._vocab_list, *self._stem_list,
                                                    *self._key_list] if w)
        return self._starts

    def _longest_choice(self) -> int:
        """The longest vocabulary word, stem or sound key."""
        if self._longest is None:
            self._longest = max(map(len, [*self._vocab_list, *self._stem_list,
                                          *self._key_list]), default=0)
        return self._longest

    def corrections(self) -> dict[str, tuple]:
        """norm -> (form, stem) for a corrected word, () for a word left as it is; shared by
        every essay graded with this lexicon (bounded)."""
        if len(self._fixes) > 200_000:
            self._fixes.clear()
        return self._fixes

    def proper_names(self) -> dict[str, str]:
        """Lower case -> capitalised, for the words of people's and places' names."""
        if self._proper is None:
            proper: dict[str, str] = {}
            singles = self._single_names()
            for ent in self.entities.values():
                if ent.kind not in ("person", "place"):
                    continue
                words = ent.name.split()
                for word in words:
                    w = word.strip(".,'’")
                    # in a name of several words, an ordinary word ("Pudding Lane", "North
                    # Sea", "Labour Party") is not a name when an essay writes it alone
                    if w[:1].isupper() and w.isalpha() and not (
                            len(words) > 1 and english.is_common(w.lower())
                            and w.lower() not in singles):
                        proper[w.lower()] = w
            self._proper = proper
        return self._proper

    def _single_names(self) -> frozenset[str]:
        """The lower-case one-word names of people and places ("stalin", "mexico")."""
        return frozenset(e.name.lower() for e in self.entities.values()
                         if e.kind in ("person", "place") and len(e.name.split()) == 1)

    def first_words(self) -> frozenset[str]:
        if self._firsts is None:
            self._firsts = frozenset(self._by_first)
        return self._firsts

    def starting_with(self, norm: str) -> list[tuple[tuple[str, ...], str]]:
        return self._by_first.get(norm, [])

    def correct(self, norm: str) -> str | None:
        """The vocabulary word an unknown word is a misspelling of, or None.

        Ordinary English words are never corrected, so 'bet' never becomes a name.
        """
        if norm in self._cache:
            return self._cache[norm]
        result = None
        if (norm not in self.vocabulary and norm.isalpha() and max_edits(len(norm)) > 0
                and not english.is_common(norm)):
            if norm.endswith("s") and norm[:-1] in self.protected:
                result = norm[:-1]
            else:
                reach: dict[str, bool] = {}
                result = self._closest(norm, self._vocab_list, reach)
                if result is None:
                    st = stem(norm)
                    found = self._closest(st, self._stem_list, reach)
                    if found is not None:
                        result = self._stem_word[found]
                if result is None:
                    found = self._closest(sound_key(norm), self._key_list, reach)
                    if found is not None:
                        result = self._key_word[found]
                if result is None:
                    result = self._prefixed(norm)
        if len(self._cache) < 100_000 and len(norm) <= CACHED_LENGTH:
            self._cache[norm] = result
        return result

    def _prefixed(self, norm: str) -> str | None:
        """The word with its start put right to a cue prefix it misspells ("asassination" ->
        "assassination" for `assassinat*`, "militerism" -> "militarism" for `militaris*`):
        the first letter the same, the start within the edits a word of the prefix's length
        may have; the longest prefix wins. None when no prefix is near."""
        best: str | None = None
        best_len = 0
        best_cut = 0
        window = set(norm[1:5])
        for p in self._prefixes.get(norm[:1], []):
            if len(p) <= best_len or norm.startswith(p):
                continue
            # with at most two edits, one of the prefix's 2nd-4th letters is among the word's
            # 2nd-5th (a cheap test before the distances)
            if window.isdisjoint(p[1:4]):
                continue
            edits = max_edits(len(p))
            fit = edits + 1  # the least distance over the places the prefix may end
            for cut in range(max(2, len(p) - edits), min(len(norm), len(p) + edits) + 1):
                d = OSA.distance(norm[:cut], p, score_cutoff=edits)
                if d < fit or (d == fit and abs(cut - len(p)) < abs(best_cut - len(p))):
                    fit, best_cut = d, cut
            if fit <= edits:
                best, best_len = p + norm[best_cut:], len(p)
        return best

    def glued_cut(self, norm: str) -> int | None:
        """Where a lower-case word that is no word at all splits into a rubric word (a name's
        word or a cue word, 3 letters at least) and a common English word or another rubric
        word, a space having been lost: "nucleustravels" at 7, "ribosomedrops" at 8; None
        for an English word, a rubric word or a misspelling of one."""
        # Both halves of a cut are rubric words or common English words, so neither is longer
        # than `reach`: a longer word never splits, and only cuts leaving both halves within
        # reach are tried (a constant number, however long the word: it stays linear).
        n = len(norm)
        reach = self.cut_reach()
        if n > 2 * reach:
            return None
        if norm in self._glued:
            return self._glued[norm]
        cut = None
        words = self._cut_words if self._cut_words is not None else self._rubric_words()
        if (n >= 7 and norm.isalpha() and norm not in self.vocabulary
                and not english.is_known(norm) and self.correct(norm) is None):
            for k in range(max(2, n - reach), min(n - 1, reach + 1)):
                a, b = norm[:k], norm[k:]
                ra, rb = a in words, b in words
                if (ra and (rb or english.is_common(b))) or (rb and english.is_common(a)):
                    cut = k
                    break
        if len(self._glued) < 100_000:
            self._glued[norm] = cut
        return cut

    def cut_reach(self) -> int:
        """The longest half a glued word can split into: the longest rubric word or the
        longest word that can be a common English word."""
        if self._reach is None:
            longest = max(map(len, self.vocabulary | self.protected), default=0)
            self._reach = max(longest, english.common_reach())
        return self._reach

    def _rubric_words(self) -> frozenset[str]:
        """The rubric words a glued word's half may be: names' words and cue words of 3
        letters or more."""
        if self._cut_words is None:
            self._cut_words = frozenset(w for w in self.protected | self.vocabulary
                                        if len(w) >= 3)
        return self._cut_words


def _by_start(words: list[str]) -> dict[tuple[str, int], list[str]]:
    """For a word of length n starting with a letter (or two letters), the words that start
    so and whose length is within the edits tolerated for n (max_edits(n)): the only ones
    _closest_in can return for it. Keys of one letter and of two never collide."""
    index: dict[tuple[str, int], list[str]] = {}
    for w in dict.fromkeys(words):
        if not w:
            continue
        size = len(w)
        for n in range(max(1, size - 2), size + 3):
            if abs(n - size) <= max_edits(n):
                index.setdefault((w[0], n), []).append(w)
                if size >= 2:
                    index.setdefault((w[:2], n), []).append(w)
    return index


def _any_within(word: str, near: dict[tuple[str, int], list[str]]) -> bool:
    """Whether some word starting with `word`'s first letter, or with its first two letters
    swapped, is within the edits tolerated: the only words _closest_in can return."""
    n = len(word)
    found = near.get((word[0], n), [])
    if n >= 2 and word[1] != word[0]:
        swapped = near.get((word[1] + word[0], n))
        if swapped:
            found = found + swapped
    return bool(found) and process.extractOne(word, found, scorer=OSA.distance,
                                              score_cutoff=max_edits(n)) is not None


def _closest_in(word: str, choices: list[str]) -> str | None:
    best = process.extractOne(word, choices, scorer=OSA.distance,
                              score_cutoff=max_edits(len(word)))
    if best is None:
        return None
    cand = best[0]
    same_start = cand[0] == word[0] or cand[:2] == word[1::-1]
    if same_start and best[1] <= max_edits(len(cand)):
        return cand
    return None


def make_entity(entity_id: str, kind: str, name: str, aliases: list[str]) -> Entity:
    forms = []
    for a in [name, *aliases]:
        n = alias_norms(a)
        if n and n not in forms:
            forms.append(n)
    return Entity(entity_id, kind, name, tuple(forms))


__all__ = ["Entity", "Lexicon", "make_entity", "alias_norms", "max_edits", "normalise"]
