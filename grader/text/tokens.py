"""Word tokens with character spans, normal forms and stems."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, Final

from nltk.stem.snowball import SnowballStemmer

from . import english as _english

# Words (letters/digits with inner apostrophes or hyphens) or single punctuation marks.
_WORD: Final = r"[^\W_]+(?:['’-][^\W_]+)*"
_TOKEN: Final = re.compile(_WORD + r"|[^\w\s]")
_STEMMER: Final = SnowballStemmer("english", ignore_stopwords=False)
_APOSTROPHES: Final = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_WORDISH: Final = re.compile(r"[^\W_]")


def by_fields(obj: Any) -> tuple[type, tuple[Any, ...]]:
    """`__reduce__` of the core's dataclasses that mypyc's own pickling cannot make again:
    those whose __init__ is written out (a compiled class's __new__ calls __init__) and the
    frozen ones (it assigns their fields). Pickle and copy call the class with the fields."""
    return type(obj), tuple(getattr(obj, f.name) for f in fields(obj) if f.init)


@dataclass(slots=True)
class Token:
    """One token: its text, `[start, end)` span, normal form, stem and flags."""

    text: str
    start: int
    end: int
    index: int
    lower: str
    norm: str
    stem: str
    is_word: bool
    possessive: bool
    capitalised: bool

    # Written out, not left to @dataclass: mypyc compiles this one, while the __init__
    # that @dataclass generates stays interpreted (a quarter of the compiled grade's time).
    def __init__(self, text: str, start: int, end: int, index: int, lower: str, norm: str,
                 stem: str, is_word: bool, possessive: bool, capitalised: bool) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.index = index
        self.lower = lower
        self.norm = norm
        self.stem = stem
        self.is_word = is_word
        self.possessive = possessive
        self.capitalised = capitalised

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)


# The caches of the grading core keep no string longer than this: essays repeat their
# words, but a hostile essay's megabyte "word" must not stay in memory once it is graded.
CACHED_LENGTH: Final = 64


def _stem_endings() -> tuple[str, ...]:
    """Every ending a step of NLTK's English Snowball stemmer acts on (its suffix lists, and
    the 'e', 'l' and 'y' of steps 1c and 5); () if this NLTK names them otherwise."""
    english_stemmer = getattr(_STEMMER, "stemmer", None)
    endings: set[str] = {"e", "l", "y"}
    for step in ("0", "1a", "1b", "2", "3", "4", "5"):
        suffixes = getattr(english_stemmer, f"_EnglishStemmer__step{step}_suffixes", None)
        if not suffixes:
            return ()
        endings.update(suffixes)
    return tuple(sorted(endings))


# A lower-case word of letters ending in none of these is its own stem: no step of the
# stemmer fires on it (tests/text/test_tokens.py compares with NLTK over the word list and
# random strings). Most words a process meets for the first time in a hostile essay are such.
_STEM_ENDINGS: Final = _stem_endings()
# the same endings by their last letter (one short test for a word's own last letter)
_STEM_ENDINGS_BY_LAST: Final = {e[-1]: tuple(x for x in _STEM_ENDINGS if x[-1] == e[-1])
                                for e in _STEM_ENDINGS}


# The forms of "be" share one stem, so that "was there" in a cue matches "were there" and
# "is there" (Snowball leaves each as it is)
BE_FORMS: Final = {w: "be" for w in ("be", "is", "are", "was", "were", "am", "been", "being")}


def stem(word: str) -> str:
    """Snowball stem of a lower-case word (cached: essays repeat their words); the forms of
    "be" share the stem "be"."""
    be = BE_FORMS.get(word)
    if be is not None:
        return be
    return _stem(word) if len(word) <= CACHED_LENGTH else _stem_now(word)


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stem_now(word)


def _stem_now(word: str) -> str:
    if (_STEM_ENDINGS and len(word) > 2 and word.isalpha() and word.islower()
            and not word.endswith(_STEM_ENDINGS_BY_LAST.get(word[-1], ()))):
        return word
    return _STEMMER.stem(word)


def normalise(word: str) -> tuple[str, bool]:
    """Lower-case, fold apostrophes and accents, strip a possessive; return (norm, possessive)."""
    return _normalise(word) if len(word) <= CACHED_LENGTH else _normalise_now(word)


@lru_cache(maxsize=200_000)
def _normalise(word: str) -> tuple[str, bool]:
    return _normalise_now(word)


def _normalise_now(word: str) -> tuple[str, bool]:
    if word.isascii():  # of the marks folded to an apostrophe only '`' is ASCII
        low = (word.replace("`", "'") if "`" in word else word).lower()
    else:
        low = word.translate(_APOSTROPHES).lower()
    if not low.isascii():
        low = "".join(
            c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c)
        )
    if low.endswith("'s") and len(low) > 2:
        return low[:-2], True
    if low.endswith("s'") and len(low) > 2:
        return low[:-1], True
    return low, False


_FORMS: Final[dict[str, tuple[str, str, str, bool, bool, bool]]] = {}
# Words glued where a line break was lost: "energyActive" is "energy" + "Active".
_GLUED: Final = re.compile(r"[a-z]{3}(?=[A-Z][a-z]{2})")
# A list number glued to the word before it: "ribosome3", "tRNA2", "cell3golgi" (not "CO2",
# "G1", "1st" or "covid19").
_GLUED_NUMBER: Final = re.compile(r"([^\W\d_]{2,})([1-9])([^\W\d_]{3,})?")


def _forms(raw: str) -> tuple[str, str, str, bool, bool, bool]:
    """(lower, norm, stem, is_word, possessive, capitalised) of a token text, cached."""
    got = _FORMS.get(raw)
    if got is None:
        is_word = raw.isalpha() or bool(_WORDISH.match(raw))
        if is_word:
            norm, poss = normalise(raw)
            st = stem(norm) if norm.isalpha() else norm
            got = (raw.lower(), norm, st, True, poss, raw[0].isupper())
        else:
            got = (raw.lower(), raw.translate(_APOSTROPHES), raw, False, False, False)
        if len(_FORMS) < 200_000 and len(raw) <= CACHED_LENGTH:
            _FORMS[raw] = got
    return got


def make_token(text: str, start: int, index: int) -> Token:
    """One word or mark `text` starting at `start` of the enclosing text."""
    return Token(text, start, start + len(text), index, *(_FORMS.get(text) or _forms(text)))


def _number_cuts(raw: str) -> tuple[int, ...] | None:
    """Where a word glued to a list number splits ("ribosome3" at 8, "cell3golgi" at 4, 5)."""
    m = _GLUED_NUMBER.fullmatch(raw)
    if m is None or (len(m.group(1)) == 2 and m.group(1).isupper()):
        return None
    cut = m.end(1)
    return (cut, cut + 1) if m.group(3) else (cut,)


_CASE_RUN: Final = re.compile(r"[A-Z]+|[a-z]+")


def _case_cuts(raw: str) -> tuple[int, ...]:
    """_case_cuts_now, cached for the words essays repeat."""
    return _case_cuts_cached(raw) if len(raw) <= CACHED_LENGTH else _case_cuts_now(raw)


@lru_cache(maxsize=20_000)
def _case_cuts_cached(raw: str) -> tuple[int, ...]:
    return _case_cuts_now(raw)


def _case_cuts_now(raw: str) -> tuple[int, ...]:
    """Where a word glued to an acronym splits, the change of case marking the lost space:
    "nucleustRNA" (nucleus + tRNA), "itmRNA", "ribosomalRNA", "mRNAtRNA", "tRNAThen",
    "tRNAand". A word split off after an acronym must be a common English word, so "ATPase",
    "DNAse" and "mRNAs" stay whole; a lower-case letter just before the capitals goes with
    them ("tRNA") when the word left before it is English ("nucleus", not "nucleust")."""
    runs = [(m.start(), m.group()) for m in _CASE_RUN.finditer(raw)]
    cuts: list[int] = []
    for k in range(1, len(runs)):
        at, run = runs[k]
        prev = runs[k - 1][1]
        nxt = runs[k + 1][1] if k + 1 < len(runs) else ""
        cut = None
        if run.isupper() and len(run) >= 2:  # an acronym after lower-case letters
            if len(prev) == 1:
                if k >= 2 and len(runs[k - 2][1]) >= 2:
                    cut = at - 1  # "mRNA" + "tRNA"
            else:
                start = runs[k - 2][0] if k >= 2 and len(runs[k - 2][1]) == 1 else at - len(prev)
                left = raw[start:at].lower()  # "nucleust", "Ribosomal"
                shorter = left[:-1]
                if (len(shorter) >= 2 and _english.is_known(shorter)
                        and (not _english.is_known(left)
                             or _english.frequency(shorter) > _english.frequency(left))):
                    cut = at - 1  # "nucleus" + "tRNA", "it" + "mRNA", "the" + "mRNA"
                elif len(left) >= 3:
                    cut = at  # "ribosomal" + "RNA"
        elif run.islower() and prev.isupper() and len(prev) >= 2 and len(run) >= 2:
            capitalised = prev[-1] + run
            words = (run, run[:-1]) if len(nxt) >= 2 else (run,)  # "DNAnucleustRNA"
            if len(prev) >= 3 and _english.is_common(capitalised.lower()):
                cut = at - 1  # "tRNA" + "Then"
            elif any(len(w) >= 3 and _english.is_common(w) for w in words):
                cut = at  # "tRNA" + "and", "DNA" + "nucleus"
        if cut is not None and cut > 0 and (not cuts or cut > cuts[-1]):
            cuts.append(cut)
    return tuple(cuts)


# (start, end, text, lower, norm, stem, is_word, possessive, capitalised)
_Piece = tuple[int, int, str, str, str, str, bool, bool, bool]
_CHUNKS: Final[dict[str, tuple[_Piece, ...]]] = {}
# Enough for the vocabulary essays share; full, it holds about 15 MB (200,000 would be 57 MB
# more per worker, measured on random words, for chunks that rarely come back).
MAX_CHUNKS: Final = 50_000


def _chunk_pieces(chunk: str) -> tuple[_Piece, ...]:
    """The tokens of one whitespace-free chunk of text, with spans relative to the chunk;
    cached, since essays repeat their words."""
    if chunk.isalpha() and chunk[1:].islower():
        # one word of letters, all lower case after the first: one token, never cut (no
        # case change to cut at, no digit), like most words of every essay
        whole: tuple[_Piece, ...] = ((0, len(chunk), chunk,
                                      *(_FORMS.get(chunk) or _forms(chunk))),)
        if len(_CHUNKS) < MAX_CHUNKS and len(chunk) <= CACHED_LENGTH:
            _CHUNKS[chunk] = whole
        return whole
    word = chunk[:-1]
    mark = chunk[-1]
    if (word.isalpha() and (len(word) == 1 or word[1:].islower()) and not mark.isalnum()
            and mark != "_" and not mark.isspace()):
        # such a word and one mark after it ("Lenin," "died."): the two tokens _TOKEN finds,
        # neither cut (as above)
        pair: tuple[_Piece, ...] = (
            (0, len(word), word, *(_FORMS.get(word) or _forms(word))),
            (len(word), len(chunk), mark, *(_FORMS.get(mark) or _forms(mark))))
        if len(_CHUNKS) < MAX_CHUNKS and len(chunk) <= CACHED_LENGTH:
            _CHUNKS[chunk] = pair
        return pair
    pieces: list[_Piece] = []
    pos = 0
    # Only underscores lie between the tokens of a chunk, and no token starts with one, so
    # each token is the first occurrence of its text after the previous one.
    for raw in _TOKEN.findall(chunk):
        s = chunk.find(raw, pos)
        pos = e = s + len(raw)
        cuts: tuple[int, ...] | None = None
        if len(raw) > 6 and not raw.islower():
            g = _GLUED.search(raw)
            if g is not None:
                cuts = (g.end(),)
        if len(raw) > 4 and not raw[1:].islower() and not raw.isupper() and raw.isalpha():
            more = _case_cuts(raw)
            if more:
                cuts = tuple(sorted({*(cuts or ()), *more}))
        if cuts is None and len(raw) > 2 and not raw.isalpha() and raw[0].isalpha():
            cuts = _number_cuts(raw)
        if cuts:
            a = s
            for b in (*(s + c for c in cuts), e):
                part = chunk[a:b]
                pieces.append((a, b, part, *(_FORMS.get(part) or _forms(part))))
                a = b
            continue
        pieces.append((s, e, raw, *(_FORMS.get(raw) or _forms(raw))))
    got = tuple(pieces)
    if len(_CHUNKS) < MAX_CHUNKS and len(chunk) <= CACHED_LENGTH:
        _CHUNKS[chunk] = got
    return got


def tokenize(text: str, offset: int = 0, first_index: int = 0) -> list[Token]:
    """Split `text` into tokens whose spans are offsets into the enclosing text."""
    tokens: list[Token] = []
    pos = 0
    index = first_index
    # No token holds a space, so the tokens of the text are those of its chunks between
    # spaces; each chunk is the first occurrence of its text after the one before.
    # (Methods are called directly, not through local aliases such as `append =
    # tokens.append`: mypyc compiles a direct call to a C primitive, an alias to a generic
    # Python call costing several times as much.)
    for chunk in text.split():
        start = text.find(chunk, pos)
        pos = start + len(chunk)
        start += offset
        pieces = _CHUNKS.get(chunk)
        if pieces is None:
            pieces = _chunk_pieces(chunk)
        for s, e, raw, low, norm, st, word, poss, cap in pieces:
            tokens.append(Token(raw, start + s, start + e, index, low, norm, st, word, poss,
                                cap))
            index += 1
    return tokens
