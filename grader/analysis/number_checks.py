"""Number checks: a figure bound to its fact's words (the nearest number trigger of its
unit) and outside the right values (grader.text.numbers reads the figures)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Final

from ..report.model import Flag, Review
from ..rubric.cues import Hit
from ..rubric.model import Fact, FactCheck
from ..text.document import Document
from ..text.numbers import (
    COUNT_NOUNS,
    MEASURE_NOUNS,
    TIME_UNITS,
    Quantity,
    clock_text,
    find_quantities,
)
from ..text.tokens import stem
from .claim_flags import CLAUSE_PENALTY, asserted, make_flag, statement_of


def _quantities(doc: Document) -> dict[int, list[tuple[Quantity, int]]]:
    """The essay's quantities by sentence, each with the token it starts at (cached)."""
    got: dict[int, list[tuple[Quantity, int]]] | None = doc.cache.get("quantities")
    if got is not None:
        return got
    got = {}
    starts = [t.start for t in doc.tokens]
    years = [(y.start, y.end) for y in doc.years]
    for q in find_quantities(doc.text, years):
        i = bisect_right(starts, q.start) - 1
        while i + 1 < len(starts) and doc.tokens[i].end <= q.start:
            i += 1
        if i >= 0 and doc.tokens[i].start < q.end:
            # the figure itself, past hedge words ("about 9,000": the token of 9,000)
            k = i
            while k + 1 < len(starts) and starts[k + 1] < q.end \
                    and not doc.tokens[k].text[:1].isdigit():
                k += 1
            got.setdefault(doc.sentence_of[i], []).append((q, k))
    doc.cache["quantities"] = got
    return got


def number_flags(doc: Document, hits: list[tuple[Fact, FactCheck, Hit, bool]],
                  review: list[Review]) -> list[Flag]:
    """A quantity of the check's unit bound to its trigger (the nearest number trigger in
    the sentence) and outside the right values: flagged when in the trigger's clause, asked
    about when in the clause next to it. Each quantity looks at the nearest hits of each
    check only (a search, not a scan), so a sentence of many figures and triggers stays
    linear."""
    # sentence -> check -> its hits in text order
    groups: dict[int, dict[int, tuple[Fact, FactCheck, list[Hit]]]] = {}
    active: set[tuple[int, int]] = set()  # (check, first token) of hits not switched off
    for fact, check, hit, on in hits:
        group = groups.setdefault(hit.sentence, {})
        if id(check) not in group:
            group[id(check)] = (fact, check, [])
        group[id(check)][2].append(hit)
        if on and not doc.negated[hit.first]:
            # a trigger that did not happen ("the police didn't shoot") still claims the
            # figures nearest it, but flags none
            active.add((id(check), hit.first))
    quantities = _quantities(doc)
    clause = doc.clause
    budget = doc.budget
    flags: list[Flag] = []
    for s, checks in groups.items():
        firsts = {k: [h.first for h in hs] for k, (_, _, hs) in checks.items()}
        for q, tok in quantities.get(s, ()):
            budget.tick()
            if not asserted(doc, tok) or doc.negated[tok] or _start_of_change(doc, tok):
                continue
            # the quantity belongs to the nearest trigger of a check of its unit; a measure
            # ("300 miles") only to a check whose trigger names it
            near: list[tuple[int, Fact, FactCheck, Hit, Quantity]] = []
            for k, (fact, check, hs) in checks.items():
                said = _as_checked(doc.text, q, check)
                if said is None:
                    continue
                i = bisect_right(firsts[k], tok)
                for hit in hs[max(0, i - 1):i + 1]:
                    if _people_not_things(doc, q, hit):
                        continue
                    near.append((_token_distance(doc, tok, hit), fact, check, hit, said))
            if not near:
                continue
            best = min(d for d, _, _, _, _ in near)
            for d, fact, check, hit, said in near:
                if d != best or (id(check), hit.first) not in active \
                        or said.agrees(check.low, check.high) \
                        or not _year_fits(doc, tok, check):
                    continue
                trigger_clauses = {clause[a] for a in range(hit.first, hit.last)}
                found = doc.text[said.start:said.end]
                if clause[tok] in trigger_clauses:
                    lo = min(said.start, doc.tokens[hit.first].start)
                    hi = max(said.end, doc.tokens[hit.last - 1].end)
                    flags.append(make_flag(doc, fact, check, "wrong_number", lo, hi, found,
                                       check.expected or _range_text(check)))
                elif any(abs(clause[tok] - c) == 1 for c in trigger_clauses):
                    sent = doc.sentences[s]
                    review.append(Review(
                        fact.id, sent.start, sent.end, doc.sentence_text(sent),
                        f"Is \u201c{found}\u201d about this? The fact sheet says: "
                        f"{statement_of(fact, check)}."))
    return flags


def _as_checked(text: str, q: Quantity, check: FactCheck) -> Quantity | None:
    """The quantity in the check's unit, or None when it cannot answer the check: another
    unit; a length of time for a check of another unit of time is converted ("three years"
    for a check in months: 36); a measure ("300 miles") only for a check whose trigger
    names it."""
    if check.unit in TIME_UNITS:
        return q.in_unit(check.unit)
    if check.unit != q.unit or (q.noun in MEASURE_NOUNS and not any(
            q.noun.startswith(w) for w in check.trigger_words)):
        return None
    if check.unit == "count" and _counts_other_things(text, q, check):
        return None
    return q


_NEXT_WORD: Final = re.compile(r"\s+([A-Za-z]+)")
# words after a figure that are not a describing word before its noun
_NOT_DESCRIBING: Final = frozenset(
    "and or but of in on at to for from by with were was are is had have has could would "
    "did got went came died survived drowned perished lost more less than".split())


def _counts_other_things(text: str, q: Quantity, check: FactCheck) -> bool:
    """'two inquiries', 'five reasons', 'two big inquiries': a figure followed by a plural
    noun (after one describing word at most) that is neither people nor a word of the
    check's trigger counts something else ("1,500 died", "1,500 people", "20 lifeboats" for
    a lifeboat check still answer)."""
    noun = q.noun
    if noun and not noun.endswith("s") and not noun.endswith(("ed", "ing")) \
            and noun not in _NOT_DESCRIBING:
        nxt = _NEXT_WORD.match(text, q.noun_end)
        if nxt is not None:
            noun = nxt.group(1).lower()  # "two big inquiries"
    if len(noun) <= 3 or not noun.endswith("s") or noun.endswith("ss") or noun in COUNT_NOUNS \
            or noun in MEASURE_NOUNS:
        return False
    root = stem(noun)
    return not any(noun.startswith(w) or w.startswith(root) or stem(w) == root
                   for w in check.trigger_words)


# the people a figure may count ("70,000 people"), which a trigger naming things
# ("houses", "churches") is not about
PEOPLE_NOUNS: Final = frozenset(
    "people persons men women children soldiers troops workers passengers prisoners "
    "veterans families farmers members citizens residents inhabitants Londoners".lower().split())


def _people_not_things(doc: Document, q: Quantity, hit: Hit) -> bool:
    """A figure counting people ("left 70,000 people homeless") and a trigger of one word
    naming other things in the plural ("13,200 houses"): the figure is not the things'."""
    if q.noun not in PEOPLE_NOUNS or hit.last - hit.first != 1:
        return False
    w = doc.tokens[hit.first].norm
    return (len(w) > 3 and w.endswith("s") and not w.endswith("ss") and w not in COUNT_NOUNS
            and w not in PEOPLE_NOUNS)


def _token_distance(doc: Document, tok: int, hit: Hit) -> int:
    """Tokens between a quantity and a trigger, plus CLAUSE_PENALTY per clause between."""
    a = hit.first if tok < hit.first else hit.last - 1
    return abs(tok - a) + CLAUSE_PENALTY * abs(doc.clause[tok] - doc.clause[a])


_BEFORE_FIGURE: Final = frozenset("$ £ € about around roughly some nearly almost over "
                                  "just under approximately c".split())


def _start_of_change(doc: Document, tok: int) -> bool:
    """'rose from (about) 3% to 25%': the quantity after "from" is where a change started,
    when a "to" and another figure follow ("came from 58 miles away" is a distance)."""
    j = tok - 1
    while j >= 0 and tok - j <= 3 and doc.tokens[j].norm in _BEFORE_FIGURE:
        j -= 1
    if j < 0 or doc.tokens[j].norm != "from":
        return False
    s = doc.sentences[doc.sentence_of[tok]]
    if any(doc.tokens[m].stem in _CHANGE_STEMS for m in range(max(s.first, j - 3), j)):
        return True  # "rose from 1.5 million (about 3%) in 1929 …"
    for k in range(tok + 1, min(s.last, tok + 12)):
        if doc.tokens[k].norm == "to":
            return any(doc.tokens[m].text[:1].isdigit() or doc.tokens[m].norm in _BEFORE_FIGURE
                       for m in range(k + 1, min(s.last, k + 4)))
    return False


# words of a change whose starting point "from" gives ("rose from 3% to 25%")
_CHANGE_STEMS: Final = frozenset(stem(w) for w in (
    "rose rise rises risen fell fall falls fallen increased increase grew grow grown dropped "
    "drop climbed climb jumped jump soared soar plunged plunge slumped slump went changed "
    "change doubled trebled halved cut reduced raised").split())


def _year_fits(doc: Document, tok: int, check: FactCheck) -> bool:
    """With `years` on the check, the nearest year within 6 tokens in the quantity's clause
    must be one of them ("3% in 1929" is not the 1932 figure)."""
    if not check.years:
        return True
    at: list[int] | None = doc.cache.get("year-tokens")
    if at is None:
        at = doc.cache["year-tokens"] = [y.token for y in doc.years]
    k = bisect_left(at, tok)
    near = [j for j in (k - 1, k) if 0 <= j < len(at) and abs(at[j] - tok) <= 6
            and doc.clause[at[j]] == doc.clause[tok]]
    if not near:
        return True
    # "to 30 million in 1932": a year the figure is followed by ("in", "by" …) is its own
    after = [j for j in near if at[j] > tok and all(
        doc.tokens[m].norm in _FIGURE_TO_YEAR or doc.tokens[m].text[:1].isdigit()
        for m in range(tok + 1, at[j]))]
    y = doc.years[after[0] if after else min(near, key=lambda j: abs(at[j] - tok))]
    return y.overlaps(check.years)


# the words between a figure and its own year: "30 million in 1932", "25% by 1933"
_FIGURE_TO_YEAR: Final = frozenset(
    "in by during of million billion thousand hundred % per cent percent".split())


def _range_text(check: FactCheck) -> str:
    def show(v: float) -> str:
        if check.unit == "clock":
            return clock_text(v)
        text = f"{v:,.1f}".rstrip("0").rstrip(".")
        if check.unit in TIME_UNITS:
            return f"{text} {check.unit}"
        return text + ("%" if check.unit == "percent" else "")
    if check.low == check.high:
        return show(check.low)
    return f"{show(check.low)}\u2013{show(check.high)}"
