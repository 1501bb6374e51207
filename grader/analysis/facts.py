"""Fact checking: assertions in the essay that contradict the rubric's fact sheet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..report.model import Flag
from ..rubric.cues import Hit, Phrase
from ..rubric.model import Fact, FactCheck, Rubric
from ..text.dates import MONTHS, YearMention
from ..text.document import Document
from .people import People

ANAPHORS: Final = frozenset("this it that these".split())
HOSTILE: Final = frozenset(
    "against oppose opposed opposing defeat defeated beat beaten attack attacked "
    "crush crushed expel expelled versus vs rival rivals stop weaken destroy "
    "fought fight broke split quarrelled quarreled turned left".split())
SUBJECT_GAP: Final = frozenset("also then later soon quickly first had has have did was were is "
                               "eventually finally only even actually".split())
COPULA: Final = frozenset("was is were are became".split())
MEMBER_LINKS: Final = frozenset(
    ", and of with including namely made up consisting the by : was were between".split())
RELATIVE: Final = frozenset("which that who".split())
LIST_OPENERS: Final = frozenset("of with including namely : made consisting".split())
OWNED_NOUNS: Final = frozenset("idea policy plan theory answer brainchild belief slogan "
                               "invention creation view".split())
YEAR_CAP: Final = 12
CONTEXT_REACH: Final = 15
CLAUSE_PENALTY: Final = 4
MONTH_NAMES: Final = {v: k.capitalize() for k, v in MONTHS.items()}


@dataclass
class DateEvent:
    check: FactCheck
    sentence: int
    anchors: list[int]
    first: int
    last: int
    participants: frozenset[str]

    def accepts(self, year: YearMention) -> bool:
        if year.vague:
            return year.overlaps(self.check.years)
        if not year.overlaps(self.check.years):
            return False
        if self.check.month and year.month and year.first == year.last:
            return year.month == self.check.month
        return True


def check_facts(doc: Document, rubric: Rubric) -> list[Flag]:
    """Flags for assertions that contradict the fact sheet (dates, people, places, claims)."""
    if not rubric.facts:
        return []
    people = People(doc)
    facts = rubric.fact_by_id
    flags: list[Flag] = []
    date_events: list[DateEvent] = []
    claimants: dict[int, set[int]] = {}  # sentence -> tokens of any dated event word
    for fact in rubric.facts:
        for check in fact.checks:
            for hit, anaphoric in _trigger_hits(doc, check):
                if not _preconditions(doc, check, hit):
                    continue
                if check.type == "date":
                    if not anaphoric:
                        claimants.setdefault(hit.sentence, set()).update(
                            range(hit.first, hit.last))
                    ev = _date_event(doc, people, check, hit)
                    if ev is not None:
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
    flags.extend(_date_flags(doc, date_events, facts, people, claimants))
    return _dedupe(flags)


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
    for h, _ in list(hits):
        s = doc.sentences[h.sentence]
        for nxt in (h.sentence + 1, h.sentence + 2, h.sentence + 3):
            if nxt >= len(doc.sentences) or nxt in seen:
                continue
            t = doc.sentences[nxt]
            if t.paragraph != s.paragraph:
                break
            for i in _anaphor_candidates(doc).get(nxt, ()):
                norm = doc.tokens[i].norm
                if norm in ANAPHORS or (norm in heads and i > t.first
                                        and doc.tokens[i - 1].norm == "the"):
                    hits.append((Hit(nxt, i, i + 1), True))
                    seen.add(nxt)
                    break
    return hits


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
    if not any(doc.tokens[i].norm in ANAPHORS for i in range(s.first, s.last)):
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
    c = doc.clause[hit.first]
    s = doc.sentences[hit.sentence]
    return any(doc.clause[i] == c and doc.tokens[i].norm in ANAPHORS
               for i in range(s.first, s.last))


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


def _asserted(doc: Document, i: int) -> bool:
    return not (doc.reported[i] or doc.modal[i])


def _date_event(doc: Document, people: People, check: FactCheck, hit: Hit) -> DateEvent | None:
    s = doc.sentences[hit.sentence]
    anchors = list(range(hit.first, hit.last))
    if check.verbs is not None:
        verb_hits = check.verbs.find(doc, s.first, s.last)
        if not verb_hits:
            return None
        for v in verb_hits:
            anchors.extend(range(v.first, v.last))
    parts = people.participants(hit.first, hit.last)
    if check.who and not (parts & check.who):
        return None
    return DateEvent(check, hit.sentence, anchors, hit.first, hit.last, parts)


def _distance(doc: Document, y: YearMention, tokens, leading: bool = True) -> int:
    ds = [abs(a - y.token) + CLAUSE_PENALTY * abs(doc.clause[a] - doc.clause[y.token])
          for a in tokens
          if (a > y.token and (leading or a - y.token <= 3))
          or (a < y.token and not (leading and doc.clause[a] < doc.clause[y.token]))]
    return min(ds) if ds else YEAR_CAP + 100


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
    return j < 0 or doc.clause[j] != c


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


def _date_flags(doc: Document, events: list[DateEvent], facts: dict[str, Fact],
                people: People, claimants: dict[int, set[int]]) -> list[Flag]:
    flags: list[Flag] = []
    by_sentence: dict[int, list[DateEvent]] = {}
    for ev in events:
        by_sentence.setdefault(ev.sentence, []).append(ev)
    for y in doc.years:
        s = doc.sentence_of[y.token]
        if s not in by_sentence or _owned_year(doc, y):
            continue
        scored = []
        leading = _leads_clause(doc, y)
        for ev in by_sentence[s]:
            ds = [abs(a - y.token) + CLAUSE_PENALTY * abs(doc.clause[a] - doc.clause[y.token])
                  for a in ev.anchors
                  if (a > y.token and (leading or a - y.token <= 3))
                  or (a < y.token and not (leading and doc.clause[a] < doc.clause[y.token]))]
            d = min(ds) if ds else YEAR_CAP + 1
            if d <= YEAR_CAP:
                scored.append((d, ev))
        if not scored:
            continue
        scored.sort(key=lambda p: p[0])
        dmin = scored[0][0]
        near = [ev for d, ev in scored if d <= dmin + 2]
        if any(ev.accepts(y) for ev in near):
            continue
        ev = scored[0][1]
        # the year belongs to the nearest event word of any fact, even one about someone
        # else ("used the 1921 ban to have them expelled in 1927": 1927 is the expulsion's)
        own = _distance(doc, y, range(ev.first, ev.last))
        others = claimants.get(s, set()) - set(range(ev.first, ev.last))
        if others and _distance(doc, y, others, leading) < own:
            continue
        if doc.negated[y.token] or doc.negated[ev.first] or not _asserted(doc, y.token) \
                or not _asserted(doc, ev.first):
            continue
        fact = facts[ev.check.fact]
        found = y.text_value
        if y.month and not y.vague and y.first == y.last and ev.check.month:
            found = f"{MONTH_NAMES[y.month]} {y.first}"
        start, end = _event_span(doc, people, ev, y)
        flags.append(_flag(doc, fact, ev.check, "wrong_date", start, end, found,
                           ev.check.expected or _years_text(ev.check)))
    return flags


def _event_span(doc: Document, people: People, ev: DateEvent, y: YearMention) -> tuple[int, int]:
    """From the person the event is about (when in the same clause) to the year:
    "the army leader Tukhachevsky was shot in 1939", not the whole sentence."""
    lo, hi = min(ev.first, y.token), max(ev.last - 1, y.token)
    clause = doc.clause[ev.first]
    before = [r for r in people.in_clause(clause) if r.index < ev.first]
    if before and (not ev.check.who or before[-1].entities & ev.check.who):
        lo = min(lo, before[-1].index)
    s = doc.sentences[ev.sentence]
    # open the span to the start of its noun phrase ("the army leader …")
    while lo > s.first and doc.clause[lo - 1] == doc.clause[lo] and doc.tokens[lo - 1].is_word \
            and not doc.tokens[lo - 1].capitalised and doc.tokens[lo - 1].norm not in (
            "and", "or", "but", "had", "has", "have", "then", "when", "after", "before"):
        lo -= 1
        if lo <= s.first:
            break
    while hi + 1 < s.last and doc.tokens[hi + 1].start < y.end:
        hi += 1
    return doc.tokens[lo].start, doc.tokens[hi].end


def _years_text(check: FactCheck) -> str:
    ys = sorted(check.years)
    if not ys:
        return ""
    text = str(ys[0]) if len(ys) == 1 else (
        f"{ys[0]}–{ys[-1]}" if ys[-1] - ys[0] == len(ys) - 1 else " or ".join(map(str, ys)))
    if check.month and len(ys) == 1:
        text = f"{MONTH_NAMES[check.month]} {text}"
    return text


# --- other kinds of claim -------------------------------------------------------------------

def _agent(doc: Document, people: People, check: FactCheck, hit: Hit):
    """Who the essay says owns or did the trigger ("Trotsky's idea", "Stalin introduced X")."""
    s = doc.sentences[hit.sentence]
    refs = people.in_sentence(hit.sentence)
    if check.role == "agent":
        return _doer(doc, check, hit, refs, s)
    # (a2) "Trotsky's idea of / called Socialism in One Country"
    k = hit.first - 1
    if k - 1 >= s.first and doc.tokens[k].norm in ("of", "called", "named"):
        noun = k - 1
        if doc.tokens[noun].norm in OWNED_NOUNS:
            for r in refs:
                if r.possessive and not r.pronoun and r.last in (noun, noun - 1):
                    return r, r.index
    # (a) possessive right before: "Trotsky's Permanent Revolution"
    for r in refs:
        if r.possessive and not r.pronoun and r.last == hit.first:
            return r, hit.first
    # (b) "X was Trotsky's idea"
    j = hit.last
    if j < s.last and doc.tokens[j].norm in COPULA:
        for r in refs:
            if r.possessive and not r.pronoun and j < r.index <= j + 2:
                return r, r.index
    # (c) "Stalin's plan was X"
    k = hit.first - 1
    if k - 1 >= s.first and doc.tokens[k].norm in COPULA:
        noun = k - 1
        while noun > s.first and doc.tokens[noun].norm not in OWNED_NOUNS and noun > k - 3:
            noun -= 1
        if doc.tokens[noun].norm in OWNED_NOUNS:
            for r in refs:
                if r.possessive and not r.pronoun and r.last in (noun, noun - 1):
                    return r, r.index
    return _doer(doc, check, hit, refs, s)


def _doer(doc: Document, check: FactCheck, hit: Hit, refs, s):
    """Who did the verb to the trigger: "Stalin (also) came up with the NEP", "the NEP was
    introduced by Lenin"."""
    if check.verbs is None:
        return None
    # (f) "the ban on factions, which Stalin brought in"
    j = hit.last
    while j < s.last and not doc.tokens[j].is_word:
        j += 1
    if j < s.last and doc.tokens[j].norm in RELATIVE:
        for r in refs:
            if r.index == j + 1 and not r.possessive:
                for v in check.verbs.find(doc, r.last, min(s.last, r.last + 4)):
                    if v.first - r.last <= 2:
                        return r, v.first
    for v in check.verbs.find(doc, s.first, s.last):
        if doc.clause[v.first] != doc.clause[hit.first] and abs(v.first - hit.first) > 6:
            continue
        if v.first < hit.first:
            # (d) "Stalin (also) came up with the NEP"
            i = v.first - 1
            while i >= s.first and doc.tokens[i].norm in SUBJECT_GAP:
                i -= 1
            for r in refs:
                if r.last - 1 == i and not r.possessive:
                    return r, v.first
        else:
            # (e) "the NEP was introduced by Lenin"
            if v.last < s.last and doc.tokens[v.last].norm == "by":
                for r in refs:
                    if r.index == v.last + 1:
                        return r, v.first
    return None


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
                  check.expected or _names(doc, check.right))]


def _member_flags(doc, people, fact, check, hit) -> list[Flag]:
    clause = doc.clause[hit.first]
    s = doc.sentences[hit.sentence]
    if check.verbs is not None:
        vs = [v for v in check.verbs.find(doc, s.first, s.last) if doc.clause[v.first] == clause
              or abs(v.first - hit.first) <= 4]
        if not vs:
            return []
    if doc.negated[hit.first] or not _asserted(doc, hit.first):
        return []
    # members: named people in the trigger's clause, or listed right after it across commas
    # ("the troika of Stalin, Bukharin and Kamenev")
    members = [r for r in people.in_sentence(hit.sentence) if not r.pronoun
               and (doc.clause[r.index] == clause or r.index > hit.first)]
    if check.who and not any(r.entities & check.who for r in members):
        return []
    for r in members:
        if not (r.entities & check.wrong) and not (check.right and not (r.entities
                                                                        & check.right)):
            continue
        named = {i for m in members for i in range(m.index, m.last)}
        if (r.index > hit.first and doc.clause[r.index] != clause
                and (hit.last >= len(doc.tokens) or doc.tokens[hit.last].norm not in LIST_OPENERS)):
            continue  # a later clause lists members only after "of/with/including/:"
        if r.index > hit.first and not all(doc.tokens[i].norm in MEMBER_LINKS or i in named
                                           for i in range(hit.last, r.index)):
            continue  # "formed a troika to keep Trotsky out": not listed as a member
        lo, hi = sorted((r.index, hit.first))
        if r.index < hit.first:
            lo = max(doc.sentences[hit.sentence].first, lo - 2)
        if any(doc.tokens[i].norm in HOSTILE for i in range(lo, hi + 1)):
            continue
        start, end = _clause_span(doc, min(r.index, hit.first), max(r.last, hit.last) - 1)
        name = doc.text[doc.tokens[r.index].start:doc.tokens[r.last - 1].end]
        return [_flag(doc, fact, check, "wrong_person", start, end, _plain_name(name),
                      check.expected or _names(doc, check.right))]
    return []


def _polarity_flags(doc, people, fact, check, hit) -> list[Flag]:
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
    clause = doc.clause[hit.first]
    negative = doc.negated[hit.first] or (ref is not None and doc.negated[ref.index])
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


def _place_flags(doc, people, fact, check, hit) -> list[Flag]:
    parts = people.participants(hit.first, hit.last)
    if check.who and not (parts & check.who):
        return []
    if doc.negated[hit.first] or not _asserted(doc, hit.first):
        return []
    s = doc.sentences[hit.sentence]
    for m in doc.mentions:
        if m.kind != "place" or not (hit.last <= m.first <= hit.last + 6) or m.last > s.last:
            continue
        if doc.clause[m.first] != doc.clause[hit.first]:
            continue
        if m.entity in check.wrong or (check.right and m.entity not in check.right
                                       and not check.wrong):
            before = [r for r in people.in_clause(doc.clause[hit.first]) if r.index < hit.first]
            lo = before[-1].index if before else hit.first
            start, end = doc.tokens[lo].start, doc.tokens[m.last - 1].end
            return [_flag(doc, fact, check, "wrong_place", start, end,
                          doc.text[m.start:m.end], check.expected or _names(doc, check.right))]
    return []


# --- helpers --------------------------------------------------------------------------------

def _clause_span(doc: Document, a: int, b: int) -> tuple[int, int]:
    """Characters of the clauses holding tokens a..b, without edge punctuation."""
    ca, cb = doc.clause[a], doc.clause[b]
    s = doc.sentences[doc.sentence_of[a]]
    i = a
    while i > s.first and doc.clause[i - 1] == ca:
        i -= 1
    j = b
    while j + 1 < s.last and doc.clause[j + 1] == cb:
        j += 1
    while i < j and not doc.tokens[i].is_word:
        i += 1
    while j > i and not doc.tokens[j].is_word:
        j -= 1
    return doc.tokens[i].start, doc.tokens[j].end


def _plain_name(text: str) -> str:
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def _names(doc: Document, ids) -> str:
    return ", ".join(sorted(ids))


def _flag(doc: Document, fact: Fact, check: FactCheck, kind: str, start: int, end: int,
          found: str, expected: str) -> Flag:
    message = correction(fact, kind, found, check.statement)
    return Flag(fact.id, kind, start, end, doc.text[start:end], found, expected, message)


def correction(fact: Fact, kind: str, found: str, statement: str | None = None) -> str:
    """The sentence a student reads: "Lenin died in January 1924, not 1922 (F1)." when the
    statement ends with the right year, else "You wrote “Moscow”, but Trotsky was … (F17)."
    """
    statement = (statement or fact.statement).rstrip(". ")
    if kind == "contradiction":
        return f"{statement} ({fact.id})."
    words = statement.split()
    if kind == "wrong_date" and words and words[-1][:1].isdigit():
        return f"{statement}, not {found} ({fact.id})."
    if not _proper(statement):
        statement = statement[:1].lower() + statement[1:]
    return f"You wrote \u201c{found}\u201d, but {statement} ({fact.id})."


def _proper(statement: str) -> bool:
    first = statement.split()[0] if statement.split() else ""
    return first[:1].isupper() and first.lower() not in ("the", "a", "an", "it", "this")


def _dedupe(flags: list[Flag]) -> list[Flag]:
    out: list[Flag] = []
    for f in sorted(flags, key=lambda f: (f.start, f.end)):
        if any(o.fact == f.fact and o.start < f.end and f.start < o.end for o in out):
            continue
        out.append(f)
    return out
