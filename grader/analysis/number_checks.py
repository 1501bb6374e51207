"""Number checks: a figure bound to its fact's words (the nearest number trigger of its
unit) and outside the right values (grader.text.numbers reads the figures)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Final

from ..report.model import Flag, Review
from ..rubric.cues import Hit
from ..rubric.model import Fact, FactCheck
from ..text.document import Document
from ..text.numbers import MEASURE_NOUNS, TIME_UNITS, Quantity, clock_text, find_quantities
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
        if on:
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
                said = _as_checked(q, check)
                if said is None:
                    continue
                i = bisect_right(firsts[k], tok)
                for hit in hs[max(0, i - 1):i + 1]:
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


def _as_checked(q: Quantity, check: FactCheck) -> Quantity | None:
    """The quantity in the check's unit, or None when it cannot answer the check: another
    unit; a length of time for a check of another unit of time is converted ("three years"
    for a check in months: 36); a measure ("300 miles") only for a check whose trigger
    names it."""
    if check.unit in TIME_UNITS:
        return q.in_unit(check.unit)
    if check.unit != q.unit or (q.noun in MEASURE_NOUNS and not any(
            q.noun.startswith(w) for w in check.trigger_words)):
        return None
    return q


def _token_distance(doc: Document, tok: int, hit: Hit) -> int:
    """Tokens between a quantity and a trigger, plus CLAUSE_PENALTY per clause between."""
    a = hit.first if tok < hit.first else hit.last - 1
    return abs(tok - a) + CLAUSE_PENALTY * abs(doc.clause[tok] - doc.clause[a])


_BEFORE_FIGURE: Final = frozenset("$ £ € about around roughly some nearly almost over "
                                  "just under approximately c".split())


def _start_of_change(doc: Document, tok: int) -> bool:
    """'rose from (about) 3% to 25%': the quantity after "from" is where a change started."""
    j = tok - 1
    while j >= 0 and tok - j <= 3 and doc.tokens[j].norm in _BEFORE_FIGURE:
        j -= 1
    return j >= 0 and doc.tokens[j].norm == "from"


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
    y = doc.years[min(near, key=lambda j: abs(at[j] - tok))]
    return y.overlaps(check.years)


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
