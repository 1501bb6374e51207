"""Clause boundaries and the scopes of negation, reported speech and modality."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from .dates import MONTHS
from .tokens import Token

CLAUSE_PUNCT: Final = frozenset(",;:()[]–—-\"“”‘’")
CLAUSE_WORDS: Final = frozenset(
    "but while whereas although though because since so which who whom whose when where "
    "after before until unless if then yet however therefore thus meaning".split()
)
# "and" starts a new clause when a subject or a time phrase follows it.
AND_OPENERS: Final = frozenset(
    "then later in on after so he she they it we i this that was were had also all both each "
    "eventually finally".split()
)
NEGATORS: Final = frozenset(
    "not never no nobody nothing none neither nor without cannot didnt dont doesnt wasnt "
    "werent isnt arent couldnt wouldnt shouldnt hadnt hasnt havent wont cant".split())
NEGATION_EXCEPTIONS: Final = frozenset("only just merely simply longer".split())  # "not only"
REPORTING: Final = frozenset(
    "said say says saying claim claimed claims claiming argue argued argues believe believed "
    "believes thought think thinks felt feel alleged allegedly supposedly rumoured rumored "
    "blamed blame blames suggested suggests according reportedly insisted maintained".split()
)
# "the Testament said that …" reports a document's content, not someone's claim;
# "Stalin said this in 1917" asserts when he said it.
DOCUMENT_NOUNS: Final = frozenset("testament will letter letters note notes document report book "
                                  "article policy plan law decree constitution".split())
NOT_A_CLAIM_AFTER: Final = frozenset("this it so nothing something much little".split())
# A reporting verb with these after it does something itself: "argued for a policy", "believed
# in it", "thought of the idea" say what someone stood for or came up with, and are claims.
ADVOCACY: Final = frozenset({("argue", "for"), ("argued", "for"), ("argues", "for"),
                             ("argue", "against"), ("argued", "against"), ("argues", "against"),
                             ("believe", "in"), ("believed", "in"), ("believes", "in"),
                             ("think", "of"), ("thought", "of"), ("thinks", "of")})
MODALS: Final = frozenset("would could might may should if perhaps maybe possibly unless".split())
# the words that can open a scope (and any word ending in "n't")
_OPENERS: Final = NEGATORS | REPORTING | MODALS | {"some", "had"}


NUMBER_WORDS: Final = frozenset(
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred".split())


def _figure(tok: Token) -> bool:
    """A figure that is not a year ("and 12 million were unemployed"): it opens a clause
    after "and"."""
    text = tok.text
    if text[:1].isdigit():
        return not (len(text) == 4 and text.isdigit() and 1000 <= int(text) <= 2099)
    return tok.norm in NUMBER_WORDS


def _month_may(tokens: Sequence[Token], i: int, last: int) -> bool:
    """'May' the month, not the modal: capitalised inside a sentence, or before a figure
    ("in may 1923", "May 4th"). A capitalised "Perhaps" or "Maybe" is still a hedge."""
    tok = tokens[i]
    if tok.norm != "may":
        return False
    nxt = tokens[i + 1].text if i + 1 < last else ""
    return nxt[:1].isdigit() or (tok.capitalised and i > 0
                                 and tokens[i - 1].norm not in (".", "!", "?"))


def is_negator(tok: Token) -> bool:
    low = tok.norm
    return low in NEGATORS or low.endswith("n't")


def clause_ids(tokens: Sequence[Token], sentence_bounds: Sequence[tuple[int, int]]) -> list[int]:
    """Give every token the id of its clause; clauses never cross sentences, and a clause
    starts only once the one before it holds a word."""
    ids = [0] * len(tokens)
    cid = -1
    for first, last in sentence_bounds:
        cid += 1
        has_word = False
        for i in range(first, last):
            tok = tokens[i]
            if i > first and has_word:
                starts_new = False
                if not tok.is_word and tok.text in CLAUSE_PUNCT:
                    # not the comma of a number ("9,000") nor the colon of a time ("2:20"):
                    # digits on both sides, no spaces
                    starts_new = not (tok.text in ",:" and i + 1 < last
                                      and tokens[i - 1].end == tok.start
                                      and tokens[i + 1].start == tok.end
                                      and tokens[i - 1].text[-1:].isdigit()
                                      and tokens[i + 1].text[:1].isdigit()) \
                        and not (tok.text == "," and _date_comma(tokens, i, last)) \
                        and not _joins_words(tokens, i, last)
                elif tok.norm in CLAUSE_WORDS:
                    starts_new = True
                elif tok.norm == "and" and i + 1 < last and (
                        tokens[i + 1].norm in AND_OPENERS or _figure(tokens[i + 1])):
                    starts_new = True
                if starts_new:
                    cid += 1
                    has_word = False
            ids[i] = cid
            if tok.is_word:
                has_word = True
    return ids


def _in_a_document(tokens: Sequence[Token], i: int, last: int) -> bool:
    """'said in his Testament that …': what a document says, told as its content."""
    for j in range(i + 1, min(last, i + 5)):
        if tokens[j].norm in DOCUMENT_NOUNS:
            return tokens[i + 1].norm == "in"
    return False


def _inverted_if(tokens: Sequence[Token], i: int, first: int, last: int) -> bool:
    """'Had it been published, …', 'Had Trotsky gone to the funeral, …': a sentence opening
    with "had" and its subject is an "if" clause."""
    return (tokens[i].norm == "had" and i == first and i + 2 < last
            and tokens[i + 1].is_word and tokens[i + 1].norm not in ("been", "to", "a", "an")
            and any(t.text == "," for t in tokens[i + 2:min(last, i + 12)]))


_OPENING: Final = {"(": ")", "[": "]", "“": "”", '"': '"', "‘": "’"}
_CLOSING: Final = {v: k for k, v in _OPENING.items()}


def _joins_words(tokens: Sequence[Token], i: int, last: int) -> bool:
    """A mark that does not end a clause: a dash with no space on either side
    ("Hungarian–Austrian"), or brackets or quotation marks round three words at most ("the
    Safety of Life at Sea convention (SOLAS) in 1914", "the “Sinatra Doctrine”")."""
    text = tokens[i].text
    if text in "–—-" and 0 < i < last - 1:
        return tokens[i - 1].end == tokens[i].start and tokens[i + 1].start == tokens[i].end
    close = _OPENING.get(text)
    if close is not None:
        for j in range(i + 2, min(last, i + 5)):
            if tokens[j].text == close:
                return not any(t.norm in CLAUSE_WORDS for t in tokens[i + 1:j])
        return False
    opening = _CLOSING.get(text)
    if opening is not None:
        for j in range(i - 2, max(-1, i - 5), -1):
            if tokens[j].text == opening:
                return not any(t.norm in CLAUSE_WORDS for t in tokens[j + 1:i])
    return False


def _date_comma(tokens: Sequence[Token], i: int, last: int) -> bool:
    """The comma of a date before its year: "December 5, 1934", "December, 1934"."""
    if i + 1 >= last or not (len(tokens[i + 1].text) == 4 and tokens[i + 1].text.isdigit()):
        return False
    before = tokens[i - 1]
    if before.norm in MONTHS:
        return True
    return (i >= 2 and tokens[i - 2].norm in MONTHS and len(before.text) <= 4
            and before.text[:1].isdigit())


def scope_flags(tokens: Sequence[Token], clauses: Sequence[int],
                sentence_bounds: Sequence[tuple[int, int]]) -> tuple[list[bool], list[bool],
                                                                      list[bool]]:
    """Per token: inside a negation scope, a reported claim, or a modal/conditional clause
    (`sentence_bounds` in text order)."""
    n = len(tokens)
    negated = [False] * n
    reported = [False] * n
    modal = [False] * n
    # Only a word that can open a scope does anything, and scopes only set flags: visit
    # those words, each with its sentence.
    openers = [i for i, t in enumerate(tokens)
               if (norm := t.norm) in _OPENERS or "'" in norm and norm.endswith("n't")]
    k = 0
    for first, last in sentence_bounds:
        while k < len(openers) and openers[k] < first:
            k += 1
        while k < len(openers) and openers[k] < last:
            i = openers[k]
            k += 1
            tok = tokens[i]
            if not tok.is_word:
                continue
            if is_negator(tok):
                nxt = tokens[i + 1].norm if i + 1 < last else ""
                if nxt in NEGATION_EXCEPTIONS:
                    continue
                j = i
                while j < last and clauses[j] == clauses[i]:
                    negated[j] = True
                    j += 1
            elif (tok.norm in REPORTING
                  and not any(tokens[j].norm in DOCUMENT_NOUNS for j in range(max(first, i - 3), i))
                  and not (i > first and tokens[i - 1].norm == "it")  # a document says it
                  and not _in_a_document(tokens, i, last)
                  and not (i + 1 < last and (tokens[i + 1].norm in NOT_A_CLAIM_AFTER
                                             or (tok.norm, tokens[i + 1].norm) in ADVOCACY))) or (
                    tok.norm == "some" and i + 1 < last
                                           and tokens[i + 1].norm in ("say", "believe", "think",
                                                                      "historians", "people")):
                # to the end of the sentence or the next comma/semicolon: "He claimed
                # Stalin sent the wrong date, so he missed it" asserts the last part.
                for j in range(i, last):
                    if j > i + 1 and not tokens[j].is_word and tokens[j].text in ",;:":
                        break
                    reported[j] = True
            elif tok.norm in MODALS and not _month_may(tokens, i, last) or tok.norm == "if" \
                    or _inverted_if(tokens, i, first, last):
                # "would/could/might…" hedge what follows them in the clause; "if/unless"
                # make their clause and the next one hypothetical.
                cl = clauses[i]
                span_to = cl + 2 if tok.norm in ("if", "unless") or tok.norm == "had" \
                    else cl + 1
                j = i
                while j < last and clauses[j] < span_to:
                    modal[j] = True
                    j += 1
    return negated, reported, modal
