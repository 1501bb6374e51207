"""Order checks: two events told the wrong way round ("the Blockade led to the new
currency"), read from the order words between them or an opening "After …,"."""

from __future__ import annotations

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
