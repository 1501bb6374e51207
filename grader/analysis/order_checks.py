"""Order checks: two events told the wrong way round ("the Blockade led to the new
currency"), read from the order words between them or an opening "After …,"."""

from __future__ import annotations

from bisect import bisect_left
from typing import Final

from ..report.model import Flag
from ..rubric.cues import Hit
from ..rubric.model import Fact, FactCheck
from ..text.document import Document
from .claim_flags import asserted, clause_span, make_flag

# Words that put two events in order: "A led to B" (A first), "A after B" (B first)
FIRST_THEN: Final = frozenset(
    "led lead leads caused causes causing triggered provoked prompted so then therefore thus "
    "before resulted until later afterwards afterward subsequently".split())
THEN_FIRST: Final = frozenset("after because following due response reaction since".split())


def order_flags(doc: Document, fact: Fact, check: FactCheck, hit: Hit) -> list[Flag]:
    """An essay that puts the trigger's event after `later`'s (the fact's order reversed):
    "the Blockade led to the new currency", "after the Blockade the currency came",
    "the currency was a response to the Blockade"."""
    if check.later is None or doc.negated[hit.first] or not asserted(doc, hit.first):
        return []
    if check.years and _dated_otherwise(doc, check, hit):
        return []  # dated otherwise than the fact: another event told in these words
    s = doc.sentences[hit.sentence]
    out: list[Flag] = []
    laters = check.later.find(doc, s.first, s.last)
    if any(b.first <= hit.first and hit.last <= b.last for b in laters):
        return []  # the trigger's words are part of the later event's ("thrown out of the
        # country" is the deportation, though "thrown out" may be an expulsion)
    for b in laters:
        if b.first < hit.last and hit.first < b.last:
            continue
        lo, hi = (hit, b) if hit.first < b.first else (b, hit)
        between = {doc.tokens[i].norm for i in range(lo.last, hi.first)}
        if ";" in between or ":" in between:  # two statements, not one
            continue
        fwd, back = bool(between & FIRST_THEN), bool(between & THEN_FIRST)
        if fwd == back:  # no order word between (or both): an opening "After A, B"
            opener = doc.tokens[s.first].norm
            if fwd or opener not in ("after", "following", "before"):
                continue
            # "After A, B": A first; "Before A, B": B first
            first_is_lo = opener != "before"
        else:
            first_is_lo = fwd
        if doc.negated[b.first] or any(doc.negated[i] for i in range(lo.last, hi.first)):
            continue
        claimed_first = lo if first_is_lo else hi
        if claimed_first is b:  # `later`'s event told as coming first
            # the span: the clause of the trigger's event, the one put in the wrong place
            start, end = clause_span(doc, hit.first, hit.last - 1)
            found = doc.text[start:end]
            out.append(make_flag(doc, fact, check, "wrong_order", start, end, found,
                             check.expected or fact.right or fact.statement))
    return out


def _dated_otherwise(doc: Document, check: FactCheck, hit: Hit) -> bool:
    """A year within 12 words after the trigger, in its clause, that is not one of the
    fact's ("then thrown out of the USSR in 1929" is not the expulsion of 1927; in
    "deported in 1929 and afterwards expelled" the year before is the deportation's)."""
    at: list[int] | None = doc.cache.get("year-tokens")
    if at is None:
        at = doc.cache["year-tokens"] = [y.token for y in doc.years]
    clause = doc.clause[hit.first]
    k = bisect_left(at, hit.last)
    while k < len(at) and at[k] < hit.last + 12:
        y = doc.years[k]
        if doc.clause[y.token] == clause and not y.vague and not y.overlaps(check.years):
            return True
        k += 1
    return False
