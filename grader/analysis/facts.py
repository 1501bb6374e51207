"""Fact checking: assertions in the essay that contradict the rubric's fact sheet."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Final

from ..report.model import Flag, Review
from ..rubric.cues import Hit, Phrase
from ..rubric.model import Fact, FactCheck, Rubric
from ..text.dates import MONTHS, YearMention, find_yearless_dates
from ..text.document import Document
from ..text.lexicon import ARTICLES
from .claim_flags import CLAUSE_PENALTY
from .claim_flags import asserted as _asserted
from .claim_flags import clause_span as _clause_span
from .claim_flags import make_flag as _flag
from .claim_flags import statement_of as _statement
from .number_checks import number_flags
from .order_checks import order_flags
from .people import People

ANAPHORS: Final = frozenset("this it that these".split())
HOSTILE: Final = frozenset(
    "against oppose opposed opposing defeat defeated beat beaten attack attacked "
    "crush crushed expel expelled versus vs rival rivals stop weaken destroy "
    "fought fight broke split quarrelled quarreled turned left clashed".split())
# "fallen out with", "fell out with": hostile at "with" (the person follows it)
FALLING_OUT: Final = frozenset(("fallen", "fell", "falling", "falls"))
SUBJECT_GAP: Final = frozenset("also then later soon quickly first had has have did was were is "
                               "eventually finally only even actually".split())
COPULA: Final = frozenset("was is were are became".split())
MEMBER_LINKS: Final = frozenset(
    ", and of with including namely made up consisting the by : was were between".split())
RELATIVE: Final = frozenset("which that who".split())
LOCATIVE: Final = frozenset("in at near off on outside inside within".split())
LIST_OPENERS: Final = frozenset("of with including namely : made consisting".split())
OWNED_NOUNS: Final = frozenset("idea policy plan theory answer brainchild belief slogan "
                               "invention creation view".split())
# A verb that stops the event after it from happening: "stopped it being read out", "failed
# to attend", "refused to publish" (a polarity check reads the event as negated)
BLOCKING: Final = frozenset(
    "stop stops stopped stopping prevent prevents prevented preventing block blocks blocked "
    "blocking refuse refuses refused refusing fail fails failed failing avoid avoids avoided "
    "avoiding forbid forbids forbade forbidden suppress suppressed".split())
BLOCKING_REACH: Final = 6
YEAR_CAP: Final = 12
STATE_SINCE: Final = frozenset("since until till".split())
CONTEXT_REACH: Final = 15
MONTH_NAMES: Final = {v: k.capitalize() for k, v in MONTHS.items()}


@dataclass
class DateEvent:
    """A dated event word (trigger hit `[first, last)`) whose year the essay may give; its
    anchors are its own tokens and `verbs`, the tokens of its check's verbs in its sentence
    (ascending, one list shared by the check's events there)."""

    check: FactCheck
    sentence: int
    verbs: list[int]
    first: int
    last: int
    participants: frozenset[str]
    anaphoric: bool = False  # "it", "this", "the ban" pointing back to the trigger

    def accepts(self, year: YearMention) -> bool:
        if year.yearless:  # "on 12 September": only a fact's month and day can disagree
            if not self.check.month or year.month != self.check.month:
                return not self.check.month or not self.check.years
            return not self.check.day or year.day == self.check.day
        if year.vague:
            return year.overlaps(self.check.years)
        if not year.overlaps(self.check.years):
            return False
        if self.check.month and year.month and year.first == year.last:
            if year.month != self.check.month:
                return False
            return not (self.check.day and year.day) or year.day == self.check.day
        return True


@dataclass
class FactFindings:
    """What the fact checks found: flags (a claim that contradicts the fact sheet, aligned
    with its fact) and review items (a contradiction the grader is not sure belongs to the
    fact: for the teacher, never the student)."""

    flags: list[Flag]
    review: list[Review]


def check_facts(doc: Document, rubric: Rubric) -> list[Flag]:
    """Flags for assertions that contradict the fact sheet (dates, people, places, claims)."""
    return read_facts(doc, rubric).flags


def read_facts(doc: Document, rubric: Rubric) -> FactFindings:
    """Flags for assertions that contradict the fact sheet (dates, people, places, claims),
    and the unsure ones as review items."""
    if not rubric.facts:
        return FactFindings([], [])
    people = People(doc)
    facts = rubric.fact_by_id
    flags: list[Flag] = []
    date_events: list[DateEvent] = []
    number_hits: list[tuple[Fact, FactCheck, Hit, bool]] = []
    claimants: dict[int, set[int]] = {}  # sentence -> tokens of any dated event word
    budget = doc.budget
    for fact in rubric.facts:
        for check in fact.checks:
            for hit, anaphoric in _trigger_hits(doc, check):
                budget.tick()
                if check.type == "number":
                    # a hit its `unless` switches off still claims the figures next to it
                    if not anaphoric:
                        number_hits.append((fact, check, hit, _preconditions(doc, check, hit)))
                    continue
                if not _preconditions(doc, check, hit):
                    continue
                if check.type == "date":
                    if not anaphoric:
                        claimants.setdefault(hit.sentence, set()).update(
                            range(hit.first, hit.last))
                    ev = _date_event(doc, people, check, hit, anaphoric)
                    if ev is not None:
                        ev.anaphoric = anaphoric
                        date_events.append(ev)
                elif anaphoric:
                    continue
                elif check.type == "person":
                    flags.extend(_person_flags(doc, people, fact, check, hit))
                elif check.type == "members":
                    flags.extend(_member_flags(doc, people, fact, check, hit))
                elif check.type == "polarity":
                    flags.extend(_polarity_flags(doc, people, fact, check, hit))
                elif check.type == "place":
                    flags.extend(_place_flags(doc, people, fact, check, hit))
                elif check.type == "order":
                    flags.extend(order_flags(doc, fact, check, hit))
    review: list[Review] = []
    date_events = _most_specific(date_events)
    flags.extend(_date_flags(doc, date_events, facts, people, claimants, review))
    if number_hits:
        flags.extend(number_flags(doc, number_hits, review))
    flags = _dedupe(flags)
    return FactFindings(flags, _review_left(review, flags))


# --- finding events -------------------------------------------------------------------------

def _trigger_hits(doc: Document, check: FactCheck) -> list[tuple[Hit, bool]]:
    """Trigger matches, plus anaphors ("this", "the ban") after a recent trigger (dates only)."""
    hits = [(h, False) for h in check.trigger.find(doc)]
    if check.type != "date":
        return hits
    seen = {h.sentence for h, _ in hits}
    heads = check.trigger_heads
    if heads is None:
        heads = check.trigger_heads = frozenset(_head_words(check.trigger))
    looked: set[int] = set()
    for h, _ in list(hits):
        # a second hit in a sentence finds what the first found (or nothing): skip it
        if h.sentence in looked:
            continue
        looked.add(h.sentence)
        s = doc.sentences[h.sentence]
        for nxt in (h.sentence + 1, h.sentence + 2, h.sentence + 3):
            if nxt >= len(doc.sentences) or nxt in seen:
                continue
            t = doc.sentences[nxt]
            if t.paragraph != s.paragraph:
                break
            for i in _anaphor_candidates(doc).get(nxt, ()):
                norm = doc.tokens[i].norm
                if norm in ANAPHORS and _other_things(doc, i, heads):
                    continue
                if norm == "that" and not _opens_clause(doc, i, t.first):
                    continue  # "the ban that Lenin brought in", "said that": not pointing back
                if norm in ANAPHORS or (norm in heads and i > t.first
                                        and doc.tokens[i - 1].norm == "the"):
                    hits.append((Hit(nxt, i, i + 1), True))
                    seen.add(nxt)
                    break
    return hits


# nouns after "this"/"that" that point at no event ("at this time", "for this reason")
_NOT_EVENTS: Final = frozenset(
    "time times way point reason reasons factor factors period stage moment day days year "
    "years thing things essay question".split())


def _opens_clause(doc: Document, i: int, first: int) -> bool:
    """Token `i` starts its sentence, or follows a mark or a joining word ("That was in
    1925", "…, and that was 1925")."""
    if i == first:
        return True
    prev = doc.tokens[i - 1]
    return not prev.is_word or prev.norm in ("and", "but", "so", "because", "then")


def _other_things(doc: Document, i: int, heads: frozenset[str]) -> bool:
    """ "these things", "this reason", "these factors": a demonstrative before a noun that
    is not the trigger's does not point back to the trigger."""
    if i + 1 >= len(doc.tokens):
        return False
    nxt = doc.tokens[i + 1].norm
    if nxt in heads:
        return False
    if nxt in _NOT_EVENTS:
        return True
    # "these" before a plural noun ("these reasons", "all of these things")
    return doc.tokens[i].norm == "these" and len(nxt) > 3 and nxt.endswith("s") \
        and not nxt.endswith("ss")


def _anaphor_candidates(doc: Document) -> dict[int, list[int]]:
    """Per sentence, ascending, the only tokens that can be an anaphor of a trigger: "this",
    "it", "that", "these", and any word after "the" (cached per document)."""
    got = doc.cache.get("anaphor-candidates")
    if got is None:
        at = {i for a in ANAPHORS for i in doc.by_norm.get(a, ())}
        at.update(j + 1 for j in doc.by_norm.get("the", ()) if j + 1 < len(doc.tokens))
        got = {}
        for i in sorted(at):
            got.setdefault(doc.sentence_of[i], []).append(i)
        doc.cache["anaphor-candidates"] = got
    return got


def _head_words(p: Phrase) -> set[str]:
    return {w.norm for alt in p.alternatives for w in alt
            if w.entity is None and len(w.norm) > 2 and w.norm not in ("the", "and", "of", "on")}


def _preconditions(doc: Document, check: FactCheck, hit: Hit) -> bool:
    s = doc.sentences[hit.sentence]
    if check.unless is not None and check.unless.find(doc, s.first, s.last):
        return False
    if check.context is not None and not check.context.find(doc, s.first, s.last):
        if not _context_nearby(doc, check.context, hit):
            return False
    return True


def _context_nearby(doc: Document, context: Phrase, hit: Hit) -> bool:
    """An anaphor ("it", "this") in the sentence and the context in the two before it."""
    s = doc.sentences[hit.sentence]
    if hit.sentence not in _anaphor_places(doc)[0]:
        return False
    for prev in (hit.sentence - 1, hit.sentence - 2):
        if prev < 0:
            break
        p = doc.sentences[prev]
        if p.paragraph != s.paragraph:
            break
        if context.find(doc, p.first, p.last):
            return True
    return False


def _anaphor_in_clause(doc: Document, hit: Hit) -> bool:
    """ "Zinoviev and Kamenev published it": the claim itself points back."""
    return doc.clause[hit.first] in _anaphor_places(doc)[1]


def _anaphor_places(doc: Document) -> tuple[set[int], set[int]]:
    """The sentences and the clauses that hold an anaphor ("this", "it", ...), cached."""
    got: tuple[set[int], set[int]] | None = doc.cache.get("anaphor-places")
    if got is None:
        at = [i for a in ANAPHORS for i in doc.by_norm.get(a, ())]
        got = ({doc.sentence_of[i] for i in at}, {doc.clause[i] for i in at})
        doc.cache["anaphor-places"] = got
    return got


def _same_claim(doc: Document, ctx: Hit, hit: Hit) -> bool:
    """The context belongs to the claim: in its clause, or in an opening phrase before it
    ("In his Testament, Lenin praised Stalin"), not in a relative clause ("Bukharin, who
    supported the NEP, against…")."""
    c, t = doc.clause[ctx.first], doc.clause[hit.first]
    if c == t:
        return True
    first_clause = doc.clause[doc.sentences[ctx.sentence].first]
    return c == first_clause and c < t


def _blocked(people: People, a: int, b: int) -> bool:
    """Someone else stands between a claim and its subject ("against Stalin's plan to end
    the NEP"); a possessive naming the context itself ("Lenin's funeral") does not count."""
    return any(not (r.possessive and r.last == b) for r in people.between(a, b))


def _date_event(doc: Document, people: People, check: FactCheck, hit: Hit,
                anaphoric: bool = False) -> DateEvent | None:
    verbs: list[int] = []
    if check.verbs is not None:
        found = _verb_tokens(doc, check.verbs, hit.sentence)
        if found is None:
            return None
        verbs = found
        if not anaphoric:
            verbs = [v for v in found if _may_govern(doc, v, hit, found)]
            if not verbs:
                return None
    parts = people.participants(hit.first, hit.last)
    if check.who and not (parts & check.who):
        return None
    return DateEvent(check, hit.sentence, verbs, hit.first, hit.last, parts)


# words that start a verb's own object ("appointed his friends", "appoint people"): a verb
# after the trigger followed by one is not the trigger's event
_OBJECT_START: Final = frozenset(
    "his her their its the a an my our your them him us me people everyone anyone "
    "loyal".split())


def _may_govern(doc: Document, v: int, hit: Hit, verbs: list[int]) -> bool:
    """Whether the verb token `v` may be the trigger's event: before the trigger, or after
    it without an object of its own ("General Secretary, the job he was given in 1922"; not
    "as General Secretary he appointed his friends")."""
    if v < hit.last:
        return True
    j = v + 1
    if j >= len(doc.tokens) or doc.sentence_of[j] != hit.sentence or j in verbs:
        return True
    return doc.tokens[j].norm not in _OBJECT_START


def _most_specific(events: list[DateEvent]) -> list[DateEvent]:
    """The events not told by words inside a longer event's words in the same sentence:
    "thrown out of the USSR" is the deportation, not an expulsion ("thrown out"). In the
    order of `events` (a check's events stay together)."""
    order = sorted(range(len(events)), key=lambda k: (
        events[k].sentence, events[k].first, events[k].first - events[k].last))
    inside: set[int] = set()
    sentence, cover_first, cover_last = -1, -1, -1
    for k in order:
        ev = events[k]
        if ev.sentence != sentence:
            sentence, cover_first, cover_last = ev.sentence, ev.first, ev.last
            continue
        if ev.last <= cover_last and (ev.first > cover_first or ev.last < cover_last):
            inside.add(k)
        elif ev.last > cover_last:
            cover_first, cover_last = ev.first, ev.last
    if not inside:
        return events
    return [ev for k, ev in enumerate(events) if k not in inside]


def _verb_tokens(doc: Document, verbs: Phrase, sentence: int) -> list[int] | None:
    """The tokens of `verbs`' hits in a sentence, ascending (None: no hit), cached."""
    key = ("verb-tokens", id(verbs), sentence)
    if key in doc.cache:
        got: list[int] | None = doc.cache[key]
        return got
    s = doc.sentences[sentence]
    hits = verbs.find(doc, s.first, s.last)
    got = sorted(a for v in hits for a in range(v.first, v.last)) if hits else None
    doc.cache[key] = got
    return got


# How far a year is from an anchor token: tokens between them plus CLAUSE_PENALTY per clause
# boundary. Clause ids never decrease along the text, so the distance grows with every step
# away from the year, on either side: the nearest allowed anchor on each side is the closest.
# An anchor after the year counts when the year leads its clause or is at most 3 tokens
# before it; one before the year counts unless the year leads its clause and the anchor is in
# an earlier clause.

def _range_distance(doc: Document, y: YearMention, lo: int, hi: int, leading: bool) -> int:
    """The distance from `y` to the nearest allowed token of `[lo, hi)`; YEAR_CAP + 100 for
    none."""
    t = y.token
    clause = doc.clause
    best = YEAR_CAP + 100
    a = max(lo, t + 1)
    if a < hi and (leading or (a - t <= 3 and not _coordinated(doc, t, a))):
        best = a - t + CLAUSE_PENALTY * (clause[a] - clause[t])
    a = min(hi - 1, t - 1)
    if a >= lo and not (leading and clause[a] < clause[t]):
        best = min(best, t - a + CLAUSE_PENALTY * (clause[t] - clause[a]))
    return best


def _list_distance(doc: Document, y: YearMention, tokens: list[int], leading: bool,
                   skip_lo: int = 0, skip_hi: int = 0) -> int:
    """The distance from `y` to the nearest allowed token of `tokens` (ascending), leaving out
    those in `[skip_lo, skip_hi)`; YEAR_CAP + 100 for none."""
    t = y.token
    clause = doc.clause
    best = YEAR_CAP + 100
    k = bisect_right(tokens, t)
    if k < len(tokens) and skip_lo <= tokens[k] < skip_hi:
        k = bisect_left(tokens, skip_hi)
    if k < len(tokens):
        a = tokens[k]
        if leading or (a - t <= 3 and not _coordinated(doc, t, a)):
            best = a - t + CLAUSE_PENALTY * (clause[a] - clause[t])
    k = bisect_left(tokens, t) - 1
    if k >= 0 and skip_lo <= tokens[k] < skip_hi:
        k = bisect_left(tokens, skip_lo) - 1
    if k >= 0:
        a = tokens[k]
        if not (leading and clause[a] < clause[t]):
            best = min(best, t - a + CLAUSE_PENALTY * (clause[t] - clause[a]))
    return best


COORDINATORS: Final = frozenset(("and", "but", "or", "then"))


def _coordinated(doc: Document, t: int, a: int) -> bool:
    """'expelled in 1927 and deported in 1929': a coordinator between a year and the event
    word after it starts another predicate, so the year is not that event's."""
    return any(doc.tokens[k].norm in COORDINATORS for k in range(t + 1, a))


def _leads_clause(doc: Document, y: YearMention) -> bool:
    """ "In 1927 they were expelled": a year opening its clause may date what follows it."""
    i = y.token
    c = doc.clause[i]
    j = i - 1
    while j >= 0 and doc.clause[j] == c and doc.tokens[j].norm in (
            "in", "by", "during", "from", "after", "before", "like", "then", "and", "until",
            "of", "the", "early", "late", "mid", "january", "february", "march", "april", "may",
            "june", "july", "august", "september", "october", "november", "december", "on",
            "st", "nd", "rd", "th") or (j >= 0 and doc.clause[j] == c
                                        and not doc.tokens[j].is_word):
        j -= 1
    if j >= 0 and doc.clause[j] != c and _after_until(doc, y):
        return False  # "was not expelled until 1927": the year closes what came before
    return j < 0 or doc.clause[j] != c


def _after_until(doc: Document, y: YearMention) -> bool:
    """A year right after "until" (or "until" and a month)."""
    return _after_word(doc, y, ("until", "till"))


def _after_word(doc: Document, y: YearMention, words: tuple[str, ...]) -> bool:
    """A year right after one of `words` (or one of them and a month)."""
    k = y.token - 1
    if k >= 0 and doc.tokens[k].norm in MONTHS:
        k -= 1
    return k >= 0 and doc.tokens[k].norm in words


def _owned_year(doc: Document, y: YearMention) -> bool:
    """'the 1917 revolution': a year that names some other event."""
    i = y.token
    s = doc.sentences[doc.sentence_of[i]]
    nxt = i + 1
    while nxt < s.last and doc.tokens[nxt].start < y.end:
        nxt += 1
    return (i > s.first and doc.tokens[i - 1].norm == "the" and nxt < s.last
            and doc.tokens[nxt].is_word and not doc.tokens[nxt].text[:1].isdigit()
            and doc.tokens[nxt].norm not in ("and", "to", "when", "was", "were"))


def _span_end(doc: Document, y: YearMention) -> bool:
    """'between Lenin's death and 1929', 'from his exile until 1940': a year ending a span
    that starts with an event is not that event's date (but "from 1924 to 1929" is a span
    of years, each a date)."""
    i = y.token
    s = doc.sentences[doc.sentence_of[i]]
    if i <= s.first or doc.tokens[i - 1].norm not in ("and", "to", "until", "till"):
        return False
    for j in range(i - 2, max(s.first, i - 10) - 1, -1):
        t = doc.tokens[j]
        if t.text[:1].isdigit():
            return False
        if t.norm in ("between", "from", "since"):
            return not doc.tokens[j + 1].text[:1].isdigit()
    return False


class _SentenceEvents:
    """The date events of one sentence grouped by check (in the order of `events`, where a
    check's events come together), with each own anchor token's events."""

    def __init__(self, events: list[DateEvent]) -> None:
        self.groups: list[list[DateEvent]] = []
        self.own: dict[int, list[tuple[int, int]]] = {}  # token -> (group, event in group)
        for ev in events:
            if not self.groups or self.groups[-1][0].check is not ev.check:
                self.groups.append([])
            group = self.groups[-1]
            for a in range(ev.first, ev.last):
                self.own.setdefault(a, []).append((len(self.groups) - 1, len(group)))
            group.append(ev)


def _nearest_event(doc: Document, sev: _SentenceEvents, y: YearMention,
                   leading: bool) -> tuple[DateEvent, bool] | None:
    """The event a year is nearest to (the first one, in event order, at the least distance
    within YEAR_CAP), and whether any event within 2 of that distance accepts the year; None
    when no event is within YEAR_CAP.

    An event's distance is the least over its own tokens and its check's verbs. Every event
    of a check shares the verbs, and an own token within YEAR_CAP lies within YEAR_CAP tokens
    of the year, so only the verbs and the events with a token that near are looked at."""
    n = len(sev.groups)
    best = [YEAR_CAP + 100] * n  # least distance in each group
    first = [-1] * n  # the first event of the group at that distance
    verb_d = [YEAR_CAP + 100] * n
    for g, group in enumerate(sev.groups):
        verbs = group[0].verbs
        if verbs:
            d = _list_distance(doc, y, verbs, leading)
            verb_d[g] = d
            if d <= YEAR_CAP:
                best[g], first[g] = d, 0  # every event of the group is this near
    t = y.token
    s = doc.sentences[doc.sentence_of[t]]
    for a in range(max(s.first, t - YEAR_CAP), min(s.last, t + YEAR_CAP + 1)):
        for g, e in sev.own.get(a, ()):
            ev = sev.groups[g][e]
            d = min(_range_distance(doc, y, ev.first, ev.last, leading), verb_d[g])
            if d <= YEAR_CAP and (d < best[g] or (d == best[g] and e < first[g])):
                best[g], first[g] = d, e
    dmin = min(best, default=YEAR_CAP + 100)
    if dmin > YEAR_CAP:
        return None
    nearest: DateEvent | None = None
    accepted = False
    for g, group in enumerate(sev.groups):
        if best[g] <= dmin + 2 and best[g] <= YEAR_CAP:
            if nearest is None and best[g] == dmin:
                nearest = group[first[g]]
            if not accepted and group[0].accepts(y):
                accepted = True
    assert nearest is not None
    return nearest, accepted


def _date_flags(doc: Document, events: list[DateEvent], facts: dict[str, Fact],
                people: People, claimants: dict[int, set[int]],
                review: list[Review]) -> list[Flag]:
    """Wrong years bound to their events; a wrong year not aligned with its event by the
    clause structure (_year_aligned) goes to `review` instead."""
    flags: list[Flag] = []
    by_sentence: dict[int, list[DateEvent]] = {}
    for ev in events:
        by_sentence.setdefault(ev.sentence, []).append(ev)
    grouped: dict[int, _SentenceEvents] = {}
    claimed: dict[int, list[int]] = {}  # claimants of a sentence, ascending
    budget = doc.budget
    for y in [*doc.years, *_yearless(doc)]:
        budget.tick()
        s = doc.sentence_of[y.token]
        if s not in by_sentence or _owned_year(doc, y) or _span_end(doc, y):
            continue
        sev = grouped.get(s)
        if sev is None:
            sev = grouped[s] = _SentenceEvents(by_sentence[s])
        leading = _leads_clause(doc, y)
        found = _nearest_event(doc, sev, y, leading)
        if found is None:
            continue
        ev, accepted = found
        if accepted:
            continue
        if ev.anaphoric and y.token > 0 and doc.tokens[y.token - 1].norm in STATE_SINCE:
            continue  # "It had been up since 1961": how long a state lasted, not the event
        # the year belongs to the nearest event word of any fact, even one about someone
        # else ("used the 1921 ban to have them expelled in 1927": 1927 is the expulsion's)
        own = _range_distance(doc, y, ev.first, ev.last, leading)
        others = claimed.get(s)
        if others is None:
            others = claimed[s] = sorted(claimants.get(s, ()))
        mine = bisect_left(others, ev.last) - bisect_left(others, ev.first)
        if len(others) > mine and _list_distance(doc, y, others, leading, ev.first,
                                                 ev.last) < own:
            continue
        if ((doc.negated[y.token] or doc.negated[ev.first]) and not _not_until(doc, ev, y)) \
                or not _asserted(doc, y.token) or not _asserted(doc, ev.first):
            continue
        fact = facts[ev.check.fact]
        found_text = y.text_value
        if y.month and not y.vague and not y.yearless and y.first == y.last \
                and ev.check.month:
            found_text = f"{MONTH_NAMES[y.month]} {y.first}"
            if y.day and ev.check.day:
                found_text = f"{y.day} {found_text}"
        if ev.check.role == "since" and not _after_word(doc, y, ("since",)):
            continue  # a state's start: only "since 1917" dates it
        if y.yearless and not _own_clause_event(doc, ev, y):
            continue  # a day and month alone ("by Thursday 6 September") date only the
            # event of their own clause
        start, end = _event_span(doc, people, ev, y)
        if not _year_aligned(doc, ev, y, leading):
            # the whole sentence: the teacher needs it to judge which event the year is of
            sent = doc.sentences[ev.sentence]
            review.append(Review(fact.id, sent.start, sent.end, doc.sentence_text(sent), (
                f"Is \u201c{found_text}\u201d the date of this? It may belong to another "
                f"event in the sentence. The fact sheet says: {_statement(fact, ev.check)}.")))
            continue
        flags.append(_flag(doc, fact, ev.check, "wrong_date", start, end, found_text,
                           ev.check.expected or _years_text(ev.check)))
    return flags


def _own_clause_event(doc: Document, ev: DateEvent, y: YearMention) -> bool:
    """The event's words, and its verb when its check has verbs, in the year's clause."""
    c = doc.clause[y.token]
    if all(doc.clause[a] != c for a in range(ev.first, ev.last)):
        return False
    return not ev.verbs or any(doc.clause[v] == c for v in ev.verbs)


def _yearless(doc: Document) -> list[YearMention]:
    """The essay's days of a month named with no year (cached); none without a month name."""
    got: list[YearMention] | None = doc.cache.get("yearless")
    if got is None:
        got = []
        at = sorted(i for m in MONTHS for i in doc.by_norm.get(m, ()))
        if at:
            got = find_yearless_dates(doc.tokens, doc.years, at)
        doc.cache["yearless"] = got
    return got


def _not_until(doc: Document, ev: DateEvent, y: YearMention) -> bool:
    """ "was not expelled until 1927": the event happened then (a negated event before its
    year, the year after "until", the two in one clause or the next)."""
    return _after_until(doc, y) and ev.last <= y.token \
        and doc.clause[y.token] - doc.clause[ev.first] <= 1


# A year is aligned with its event when the clause structure ties them: the year is in the
# clause of the event's trigger (or of one of its check's verbs in that clause, or in the
# clause straight after it), or its clause is only a time phrase next to the event: fronted
# ("In 1927, ..."), trailing ("... since 1917") or a bracket straight after the trigger
# ("the ban (1925)").
_TIME_WORDS: Final = frozenset(
    "in by during from after before until since of the early late mid on st nd rd th around "
    "about january february march april may june july august september october november "
    "december".split())


def _year_aligned(doc: Document, ev: DateEvent, y: YearMention, leading: bool) -> bool:
    clause = doc.clause
    cy = clause[y.token]
    own = {clause[a] for a in range(ev.first, ev.last)}
    if cy in own:
        return True
    # "the United Opposition, formed in 1926", "the policy, which he put forward in 1924":
    # the clause straight after the trigger's, holding the year and one of its check's verbs
    if cy - 1 in own and any(clause[v] == cy for v in ev.verbs):
        return True
    if not _time_phrase(doc, cy):
        return False
    lo, _ = doc.clause_bounds(cy)
    if doc.tokens[lo].text in ("(", "["):  # a bracket dates the words just before it
        return lo - 1 >= doc.sentences[ev.sentence].first and ev.first <= lo - 1 < ev.last
    if leading and cy + 1 in own:
        return True
    return doc.tokens[lo].norm in ("since", "until", "till") and cy - 1 in own


def _time_phrase(doc: Document, c: int) -> bool:
    """Whether clause `c` holds only time words, figures and punctuation ("In 1927,",
    "(1925)", "since 1917"); remembered per clause, so each clause is read once."""
    memo: dict[int, bool] | None = doc.cache.get("time-phrase")
    if memo is None:
        memo = doc.cache["time-phrase"] = {}
    got = memo.get(c)
    if got is None:
        lo, hi = doc.clause_bounds(c)
        got = memo[c] = all(not t.is_word or t.norm in _TIME_WORDS or t.text[:1].isdigit()
                            for t in doc.tokens[lo:hi])
    return got


# --- numbers --------------------------------------------------------------------------------
def _review_left(review: list[Review], flags: list[Flag]) -> list[Review]:
    """Review items in text order, one per sentence span and fact, none where a flag of the
    same fact already covers it."""
    out: list[Review] = []
    for r in sorted(review, key=lambda r: (r.start, r.end)):
        if any(f.fact == r.fact and f.start < r.end and r.start < f.end for f in flags):
            continue
        if any(o.fact == r.fact and o.start < r.end and r.start < o.end for o in out):
            continue
        out.append(r)
    return out


def _event_span(doc: Document, people: People, ev: DateEvent, y: YearMention) -> tuple[int, int]:
    """From the person the event is about (when in the same clause) to the year:
    "the army leader Tukhachevsky was shot in 1939", not the whole sentence."""
    lo, hi = min(ev.first, y.token), max(ev.last - 1, y.token)
    clause = doc.clause[ev.first]
    before = people.last_in_clause_before(clause, ev.first)
    if before is not None and (not ev.check.who or before.entities & ev.check.who):
        lo = min(lo, before.index)
    s = doc.sentences[ev.sentence]
    lo = _phrase_start(doc, lo, s.first)
    while hi + 1 < s.last and doc.tokens[hi + 1].start < y.end:
        hi += 1
    return doc.tokens[lo].start, doc.tokens[hi].end


_PHRASE_STOPS: Final = frozenset(("and", "or", "but", "had", "has", "have", "then", "when",
                                  "after", "before"))


def _phrase_start(doc: Document, lo: int, first: int) -> int:
    """Token `lo` opened to the start of its noun phrase ("the army leader …"): back over
    lower-case words of its clause (sentence starting at `first`) up to "and", "had", …
    Every token passed on the way has the same start: all are remembered, so the walks of
    one document cost its length at most."""
    memo: dict[int, int] | None = doc.cache.get("phrase-start")
    if memo is None:
        memo = doc.cache["phrase-start"] = {}
    got = memo.get(lo)
    if got is not None:
        return got
    tokens, clause = doc.tokens, doc.clause
    passed = [lo]
    k = lo
    while k > first and clause[k - 1] == clause[k] and tokens[k - 1].is_word \
            and not tokens[k - 1].capitalised and tokens[k - 1].norm not in _PHRASE_STOPS:
        k -= 1
        known = memo.get(k)
        if known is not None:
            k = known
            break
        passed.append(k)
    for i in passed:
        memo[i] = k
    return k


def _years_text(check: FactCheck) -> str:
    ys = sorted(check.years)
    if not ys:
        return ""
    text = str(ys[0]) if len(ys) == 1 else (
        f"{ys[0]}–{ys[-1]}" if ys[-1] - ys[0] == len(ys) - 1 else " or ".join(map(str, ys)))
    if check.month and len(ys) == 1:
        text = f"{MONTH_NAMES[check.month]} {text}"
        if check.day:
            text = f"{check.day} {text}"
    return text


# --- other kinds of claim -------------------------------------------------------------------

def _agent(doc: Document, people: People, check: FactCheck, hit: Hit):
    """Who the essay says owns or did the trigger ("Trotsky's idea", "Stalin introduced X")."""
    s = doc.sentences[hit.sentence]
    sent = hit.sentence
    if check.role == "agent":
        return _doer(doc, people, check, hit, s)
    if check.role == "holder":
        return _holder(doc, people, hit, s)
    # (a2) "Trotsky's idea of / called Socialism in One Country"
    k = hit.first - 1
    if k - 1 >= s.first and doc.tokens[k].norm in ("of", "called", "named"):
        noun = k - 1
        if doc.tokens[noun].norm in OWNED_NOUNS:
            r = _owner_ending(people, sent, noun)
            if r is not None:
                return r, r.index
    # (a) possessive right before: "Trotsky's Permanent Revolution"
    r = people.ending_in(sent, hit.first)
    if r is not None and r.possessive and not r.pronoun:
        return r, hit.first
    # (b) "X was Trotsky's idea", "X, which was Trotsky's idea"
    j = hit.last
    while j < s.last and not doc.tokens[j].is_word:
        j += 1
    if j < s.last and doc.tokens[j].norm in RELATIVE and j + 1 < s.last:
        j += 1
    if j < s.last and doc.tokens[j].norm in COPULA:
        for at in (j + 1, j + 2):
            r = people.at_in(sent, at)
            if r is not None and r.possessive and not r.pronoun:
                return r, r.index
    # (c) "Stalin's plan was X"
    k = hit.first - 1
    if k - 1 >= s.first and doc.tokens[k].norm in COPULA:
        noun = k - 1
        while noun > s.first and doc.tokens[noun].norm not in OWNED_NOUNS and noun > k - 3:
            noun -= 1
        if doc.tokens[noun].norm in OWNED_NOUNS:
            r = _owner_ending(people, sent, noun)
            if r is not None:
                return r, r.index
    return _doer(doc, people, check, hit, s)


_DETERMINERS: Final = ARTICLES | frozenset(("its", "their", "his", "her"))
_APPOSITION: Final = frozenset((",", "-", "–", "—", ":", "(", "as"))


def _holder(doc: Document, people: People, hit: Hit, s):
    """Who the essay says held an office or role: "Drake was the English commander", "the
    English commander was Drake", "the Lord Mayor, Bludworth,", "Bludworth, the Lord Mayor",
    "Drake - commander of the fleet", "English commander Drake". Named people only."""
    sent = hit.sentence
    tokens = doc.tokens
    # a list of keywords or names ("general secretary, Lenin enrolment, testament, …") sets
    # no one beside a comma in an office
    listed = sum(1 for i in range(s.first, s.last) if tokens[i].text == ",") >= 3
    # before the office: "X was/became (the) OFFICE", "X, (the) OFFICE,", "X - OFFICE"
    k = hit.first - 1
    if k >= s.first and tokens[k].norm in _DETERMINERS:
        k -= 1
    if k >= s.first and (tokens[k].norm in COPULA or (
            tokens[k].text in _APPOSITION and not (tokens[k].text == "," and (
                listed or not _closed(doc, hit.last, s))))):
        r = people.ending_in(sent, k)
        if r is not None and not r.pronoun and not r.possessive:
            return r, r.index
    # after it: "OFFICE was X", "OFFICE, X,", "OFFICE X"
    j = hit.last
    comma = j < s.last and tokens[j].text == ","
    if j < s.last and (tokens[j].norm in COPULA or tokens[j].text in (",", "-", "–", ":")):
        j += 1
    r = people.at_in(sent, j)
    if r is not None and not r.pronoun and not r.possessive and not (
            comma and (listed or not _closed(doc, r.last, s))):
        return r, r.index
    return None


def _closed(doc: Document, i: int, s) -> bool:
    """An apposition ends at token `i`: a mark or the sentence's end follows."""
    return i >= s.last or doc.tokens[i].text in (",", ".", ")", ";", "!", "?")


def _owner_ending(people: People, sentence: int, noun: int):
    """A named possessive ending right before `noun` or the token before it (the earlier
    first)."""
    for last in (noun - 1, noun):
        r = people.ending_in(sentence, last)
        if r is not None and r.possessive and not r.pronoun:
            return r
    return None


def _doer(doc: Document, people: People, check: FactCheck, hit: Hit, s):
    """Who did the verb to the trigger: "Stalin (also) came up with the NEP", "the NEP was
    introduced by Lenin"."""
    if check.verbs is None:
        return None
    sent = hit.sentence
    # (f) "the ban on factions, which Stalin brought in"
    j = hit.last
    while j < s.last and not doc.tokens[j].is_word:
        j += 1
    if j < s.last and doc.tokens[j].norm in RELATIVE:
        r = people.at_in(sent, j + 1)
        if r is not None and not r.possessive:
            for v in check.verbs.find(doc, r.last, min(s.last, r.last + 4)):
                if v.first - r.last <= 2:
                    return r, v.first
    # The verbs of the trigger's clause or within 6 tokens of it, in order: before it, one
    # whose subject is named ("Stalin (also) came up with"); after it, one followed by "by"
    # and a name ("was introduced by Lenin"). Those allowed before it are the verbs from the
    # clause's start or 6 tokens back (whichever is earlier); after it, up to the clause's end
    # or 6 tokens on (whichever is later).
    before_at, before, after_at, after = _doer_verbs(doc, people, check.verbs, s)
    c_first, c_end = doc.clause_bounds(doc.clause[hit.first])
    # the verb nearest before the trigger ("Stalin came up with X and Trotsky came up with
    # Y": Trotsky for Y)
    k = bisect_left(before_at, hit.first) - 1
    if k >= 0 and before_at[k] >= min(c_first, hit.first - 6):
        return before[k], before_at[k]
    k = bisect_left(after_at, hit.first)
    if k < len(after_at) and after_at[k] < max(c_end, hit.first + 7):
        return after[k], after_at[k]
    return None


def _doer_verbs(doc: Document, people: People, verbs: Phrase, s) -> tuple[
        list[int], list, list[int], list]:
    """For the verbs' hits of a sentence, ascending: where one with its subject named right
    before it starts, and that person; where one followed by "by" and a person starts, and
    that person (cached per sentence)."""
    key = ("doer-verbs", id(verbs), s.index)
    got = doc.cache.get(key)
    if got is None:
        before_at: list[int] = []
        before = []
        after_at: list[int] = []
        after = []
        for v in verbs.find(doc, s.first, s.last):
            # (d) "Stalin (also) came up with the NEP" (not "Stalin started arguing about
            # the NEP": a verb before a gerund is that gerund's)
            if v.last < s.last and doc.tokens[v.last].norm.endswith("ing") \
                    and len(doc.tokens[v.last].norm) > 4:
                continue
            i = v.first - 1
            passive = False
            while i >= s.first and doc.tokens[i].norm in SUBJECT_GAP:
                passive = passive or doc.tokens[i].norm in BE_FORMS
                i -= 1
            # "the Duke of York was put in charge": the one named is who it was done to
            passive = passive and _participle(doc.tokens[v.first].norm)
            r = people.ending_in(s.index, i + 1)
            if r is not None and not r.possessive and not passive:
                before_at.append(v.first)
                before.append(r)
            # (e) "the NEP was introduced by Lenin", "commanded by the Duke of Parma"
            if v.last < s.last and doc.tokens[v.last].norm == "by":
                at = v.last + 1
                if at + 1 < s.last and doc.tokens[at].norm in ARTICLES:
                    at += 1
                r = people.at_in(s.index, at)
                if r is not None:
                    after_at.append(v.first)
                    after.append(r)
        got = doc.cache[key] = (before_at, before, after_at, after)
    return got


BE_FORMS: Final = frozenset("was were is are been being".split())
_PARTICIPLES: Final = frozenset(
    "put made given brought set led kept hidden shown sent held told chosen taken thrown "
    "driven done beaten forced left built lost won begun gone seen known found caught spent "
    "fought thought taught bought felt met paid said sold understood written become come run "
    "got gotten stood struck blown grown drawn flown fallen forgotten frozen broken spoken "
    "stolen woken ridden risen eaten burnt learnt meant dealt hurt cut shut spread let "
    "read".split())


def _participle(word: str) -> bool:
    """A past participle, as a passive verb after "was" has: "appointed", "put", "given"."""
    return word.endswith("ed") or word in _PARTICIPLES


def _person_flags(doc, people, fact, check, hit) -> list[Flag]:
    found = _agent(doc, people, check, hit)
    if found is None:
        return []
    ref, pivot = found
    if ref.pronoun:
        return []  # "he came up with it": too unsure who "he" is to call it wrong
    if doc.negated[pivot] or doc.negated[hit.first] or not _asserted(doc, pivot):
        return []
    wrong = [e for e in ref.entities
             if (check.right and e not in check.right) or e in check.wrong]
    if not wrong or (ref.entities & check.right):
        return []
    start, end = _clause_span(doc, min(ref.index, hit.first), max(ref.last, hit.last) - 1)
    name = doc.text[doc.tokens[ref.index].start:doc.tokens[ref.last - 1].end]
    return [_flag(doc, fact, check, "wrong_person", start, end, _plain_name(name),
                  check.expected or check.right_names)]


def _member_flags(doc, people, fact, check, hit) -> list[Flag]:
    """A wrong person named as a member of a group ("the troika of Stalin, Trotsky and …").

    Members are the named people of the sentence from the trigger's clause on. The one
    flagged is the first member that is wrong: before the trigger, with no hostile word from
    2 tokens before it to the trigger; after it, listed (only links and names between the
    trigger and it, the list going past the clause only after "of/with/…") with no hostile
    word up to it. Each test is a search of positions, not a scan of the sentence."""
    clause = doc.clause[hit.first]
    s = doc.sentences[hit.sentence]
    c_first, c_end = doc.clause_bounds(clause)
    if check.verbs is not None:
        # a verb in the trigger's clause or within 4 tokens of it
        firsts = _hit_firsts(doc, check.verbs, s)
        k = bisect_left(firsts, min(c_first, hit.first - 4))
        if not (k < len(firsts) and firsts[k] < max(c_end, hit.first + 5)):
            return []
    if doc.negated[hit.first] or not _asserted(doc, hit.first):
        return []
    if check.who:
        # whoever joins, allies or sides: the person named last before the trigger in its
        # clause ("they joined with Trotsky" is not Stalin allying with him)
        subject = people.last_in_clause_before(clause, hit.first)
        if subject is not None and not (subject.entities & check.who):
            return []
        if not (people.named_from(hit.sentence, c_first) & check.who):
            return []
    at, refs = _wrong_members(doc, people, check, s)
    hostile = _hostile_places(doc)
    # before the trigger (and at it): after the last hostile word up to the trigger
    h = bisect_right(hostile, hit.first) - 1
    bound = c_first
    if h >= 0 and hostile[h] >= s.first:
        bound = max(bound, hostile[h] + 3)
    k = bisect_left(at, bound)
    if k < len(at) and at[k] < hit.first and (
            not check.who or _listed_with_subject(doc, people, refs[k], hit)):
        return _member_flag(doc, fact, check, hit, refs[k])
    k = bisect_left(at, hit.first)  # one named at the trigger: no hostile word there
    if k < len(at) and at[k] == hit.first and doc.tokens[hit.first].norm not in HOSTILE:
        return _member_flag(doc, fact, check, hit, refs[k])
    # after it: the first wrong member, if it is listed and no hostile word comes first
    k = bisect_right(at, hit.first)
    if k == len(at):
        return []
    r = refs[k]
    if r.index >= c_end and (hit.last >= len(doc.tokens)
                             or doc.tokens[hit.last].norm not in LIST_OPENERS):
        return []  # a later clause lists members only after "of/with/including/:"
    q = bisect_left(hostile, hit.first)
    if q < len(hostile) and hostile[q] <= r.index:
        return []
    i = hit.last
    while i < r.index:  # "formed a troika to keep Trotsky out": not listed as a member
        if doc.tokens[i].norm not in MEMBER_LINKS:
            named = people.covering(i)
            if named is None or named.index < c_first:
                return []
        i += 1
    return _member_flag(doc, fact, check, hit, r)


def _listed_with_subject(doc: Document, people: People, r, hit: Hit) -> bool:
    """A person before a joining trigger is one of its subjects when only list words stand
    between them and the trigger's subject ("Stalin and Trotsky teamed up"; not "once
    Trotsky was weaker Stalin teamed up")."""
    subject = people.last_in_clause_before(doc.clause[hit.first], hit.first)
    if subject is None or subject.index <= r.index:
        return True
    return all(doc.tokens[j].norm in MEMBER_LINKS for j in range(r.last, subject.index))


def _member_flag(doc, fact, check, hit, r) -> list[Flag]:
    start, end = _clause_span(doc, min(r.index, hit.first), max(r.last, hit.last) - 1)
    name = doc.text[doc.tokens[r.index].start:doc.tokens[r.last - 1].end]
    return [_flag(doc, fact, check, "wrong_person", start, end, _plain_name(name),
                  check.expected or check.right_names)]


def _hit_firsts(doc: Document, phrase: Phrase, s) -> list[int]:
    """Where the phrase's hits in a sentence start, ascending (cached)."""
    key = ("hit-firsts", id(phrase), s.index)
    got: list[int] | None = doc.cache.get(key)
    if got is None:
        got = doc.cache[key] = [h.first for h in phrase.find(doc, s.first, s.last)]
    return got


def _wrong_members(doc: Document, people: People, check: FactCheck, s) -> tuple[
        list[int], list]:
    """The named people of a sentence whom a members check calls wrong (named in `wrong`,
    or not in `right` when it names some), ascending, with their places (cached)."""
    key = ("wrong-members", id(check), s.index)
    got = doc.cache.get(key)
    if got is None:
        refs = [r for r in people.in_sentence(s.index) if not r.pronoun
                and ((r.entities & check.wrong) or (check.right and not (r.entities
                                                                         & check.right)))]
        got = doc.cache[key] = ([r.index for r in refs], refs)
    return got


def _hostile_places(doc: Document) -> list[int]:
    got: list[int] | None = doc.cache.get("hostile")
    if got is None:
        places = [i for w in HOSTILE for i in doc.by_norm.get(w, ())]
        tokens = doc.tokens
        for w in FALLING_OUT:
            for i in doc.by_norm.get(w, ()):
                if i + 2 < len(tokens) and tokens[i + 1].norm == "out" \
                        and tokens[i + 2].norm == "with":
                    places.append(i + 2)
        got = doc.cache["hostile"] = sorted(places)
    return got


def _polarity_flags(doc, people, fact, check, hit) -> list[Flag]:
    if _auxiliary(doc, hit):
        return []  # "had left out a containment building": "had" is not possession here
    ref = people.nearest(hit.first, hit.last, check.side)
    if check.who and (ref is None or not (ref.entities & check.who)):
        return []
    if ref is not None and people.between(ref.index, hit.first) and not ref.pronoun:
        return []
    if doc.reported[hit.first] or (doc.modal[hit.first] and not check.hedged):
        return []
    s = doc.sentences[hit.sentence]
    if check.context is not None:
        ctx = [c for c in check.context.find(doc, s.first, s.last)
               if abs(c.first - hit.first) <= CONTEXT_REACH and _same_claim(doc, c, hit)]
        if not ctx and not (check.anaphora and _anaphor_in_clause(doc, hit)
                            and _context_nearby(doc, check.context, hit)):
            return []
        if ctx and all(c.first > hit.first and _blocked(people, hit.first, c.first)
                       for c in ctx):
            return []
        if _person_object(people, hit, check, ctx):
            return []  # "defended the NEP against Stalin's plans", "attacked him over the
            # NEP": the trigger is aimed at a person, not at the context
    clause = doc.clause[hit.first]
    negative = doc.negated[hit.first] or (ref is not None and doc.negated[ref.index])
    if _blocked_before(doc, hit.first):
        negative = not negative
    if check.negative is not None:
        negative = negative or any(doc.clause[h.first] == clause
                                   for h in check.negative.find(doc, s.first, s.last))
    asserted = not negative
    if asserted == check.expect:
        return []
    lo = min(hit.first, ref.index) if ref is not None else hit.first
    start, end = _clause_span(doc, lo, hit.last - 1)
    found = doc.text[doc.tokens[hit.first].start:doc.tokens[hit.last - 1].end]
    if negative:
        found = f"not {found}"
    return [_flag(doc, fact, check, "contradiction", start, end, found,
                  check.expected or fact.right or fact.statement)]


HAVE_FORMS: Final = frozenset("had has have having".split())
_AUX_GAP: Final = frozenset("also already not never just only even then since".split())


def _auxiliary(doc: Document, hit: Hit) -> bool:
    """A trigger of one form of "have" that is the auxiliary of a participle after it ("had
    also left out"), not a word of owning."""
    if hit.last - hit.first != 1 or doc.tokens[hit.first].norm not in HAVE_FORMS:
        return False
    j = hit.last
    while j < len(doc.tokens) and doc.tokens[j].norm in _AUX_GAP:
        j += 1
    return j < len(doc.tokens) and doc.sentence_of[j] == hit.sentence \
        and doc.tokens[j].norm != "been" and _participle(doc.tokens[j].norm)


def _person_object(people: People, hit: Hit, check: FactCheck, ctx: list[Hit]) -> bool:
    """A person (or a pronoun for one) right after the trigger who is not one of `who`; a
    possessive of the context itself ("attended Lenin's funeral") is not one."""
    r = people.at_in(hit.sentence, hit.last)
    if r is None or (r.possessive and any(c.first == r.last for c in ctx)):
        return False
    return not (check.who and r.entities & check.who)


def _blocked_before(doc: Document, i: int) -> bool:
    """A blocking verb (BLOCKING) shortly before token `i` in its clause."""
    c = doc.clause[i]
    for j in range(i - 1, max(-1, i - 1 - BLOCKING_REACH), -1):
        if doc.clause[j] != c:
            return False
        if doc.tokens[j].norm in BLOCKING:
            return True
    return False


def _place_flags(doc, people, fact, check, hit) -> list[Flag]:
    parts = people.participants(hit.first, hit.last)
    if check.who and not (parts & check.who):
        return []
    if doc.negated[hit.first] or not _asserted(doc, hit.first):
        return []
    s = doc.sentences[hit.sentence]
    # the mentions starting within 6 tokens after the trigger, in text order
    for m in (m for at in range(hit.last, hit.last + 7) for m in doc.mentions_at.get(at, ())):
        if m.kind != "place" or m.last > s.last:
            continue
        if doc.clause[m.first] != doc.clause[hit.first]:
            continue
        if m.first > 0 and doc.forms[m.first - 1] == "from":
            continue  # where someone came from ("an agent sent from Moscow"), not the place
        before = m.first - 1  # the word before the place, past an article ("in the Crimea")
        if before > 0 and doc.forms[before] in ARTICLES:
            before -= 1
        if check.right and not check.wrong and (before < 0 or doc.forms[before] not in LOCATIVE):
            continue  # where it happened is "in/at/near …" a place ("built to carry people
            # to New York" does not say where it was built)
        if m.entity in check.right:
            # the right place, named first: the places after it say more about it
            # ("in Sarajevo, Bosnia") or belong to another event
            return []
        if m.entity in check.wrong or (check.right and not check.wrong):
            before = people.last_in_clause_before(doc.clause[hit.first], hit.first)
            lo = before.index if before is not None else hit.first
            start, end = doc.tokens[lo].start, doc.tokens[m.last - 1].end
            return [_flag(doc, fact, check, "wrong_place", start, end,
                          doc.text[m.start:m.end], check.expected or check.right_names)]
    return []


# --- helpers --------------------------------------------------------------------------------

def _plain_name(text: str) -> str:
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def _dedupe(flags: list[Flag]) -> list[Flag]:
    """Flags in text order, leaving out one that overlaps a kept flag of the same fact. Kept
    flags start no later than the next one, so a non-empty flag overlaps one of them when it
    starts before the furthest end kept for its fact."""
    out: list[Flag] = []
    reach: dict[str, int] = {}  # fact -> the furthest end of its kept flags
    for f in sorted(flags, key=lambda f: (f.start, f.end)):
        if f.start < f.end:
            if f.start < reach.get(f.fact, f.start):
                continue
        elif any(o.fact == f.fact and o.start < f.end and f.start < o.end for o in out):
            continue
        out.append(f)
        reach[f.fact] = max(reach.get(f.fact, f.end), f.end)
    return out
