"""Coverage: each factor's level (0 not there, 1 identified, 2 explained) with its evidence."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Final

from ..report.model import Flag
from ..rubric.cues import Hit, Phrase, compile_phrase
from ..rubric.model import Factor, Rubric
from ..text.document import FIRST_PERSON, Document
from .similarity import paraphrase_hits

DISCOURSE_VERBS: Final = compile_phrase(
    "cover*|discuss*|writ*|wrote|mention*|talk*|look at|focus*|consider*|includ*|deal with|"
    "explain*|describ*|go into|examin*|analys*|analyz*|address*|explor*")
ESSAY_SUBJECT: Final = compile_phrase("this essay|this answer|this piece|my essay|my answer")
DISCLAIMERS: Final = compile_phrase(
    "different topic|another topic|different subject|another subject|not relevant|irrelevant|"
    "another story|different story|off topic|off-topic|beside the point|unrelated|"
    "not part of this essay|not what this essay|nothing to do with|"
    "other dictators|other dictatorships|"
    "space to go into|room to go into|time to go into|enough space|enough room|no space|"
    "no room|not got space|another essay|for another time|space to discuss|room to discuss")
DIRECT_NEGATORS: Final = frozenset("no not never without".split())
# Openers that carry a passage on: "This meant…", "He…", "As a result…".
CONTINUERS: Final = frozenset("this that these it its he she they his her their him them so thus "
                              "therefore consequently because as".split())
LINK_REACH: Final = 15
HEDGES: Final = frozenset("may might perhaps maybe possibly".split())
WINDOW_AFTER: Final = 6
# A sentence naming this many factors lists them: no detail or link in it counts
LIST_OF_FACTORS: Final = 3


@dataclass
class Coverage:
    """One factor's result before marks and feedback are attached."""

    factor: Factor
    level: int
    confidence: float
    identified: list[Hit] = field(default_factory=list)
    details: list[Hit] = field(default_factory=list)
    links: list[Hit] = field(default_factory=list)
    evidence_sentences: list[int] = field(default_factory=list)


def assess_coverage(doc: Document, rubric: Rubric, flags: list[Flag]) -> list[Coverage]:
    """Level and evidence for every factor of the rubric."""
    excluded = _excluded_sentences(doc, rubric)
    ident = {f.id: _identify(doc, f, excluded) for f in rubric.factors}
    missed = [f for f in rubric.factors if f.examples and not ident[f.id]]
    if missed:  # paraphrases of the factor's examples, when the optional model is present
        ident.update(paraphrase_hits(doc, rubric, missed, excluded))
    owner = _sentence_owners(ident)
    flagged = _Spans([(f.start, f.end) for f in flags])
    return [_assess(doc, rubric, f, ident[f.id], owner, flagged, excluded)
            for f in rubric.factors]


def _excluded_sentences(doc: Document, rubric: Rubric) -> set[int]:
    """Sentences whose mentions do not count: disclaimers ("that is a different topic") and,
    when the rubric gives its period, sentences dated only outside it ("in 1903")."""
    out = set()
    for h in DISCLAIMERS.find(doc):
        out.add(h.sentence)
    if rubric.period is not None:
        lo, hi = rubric.period
        dated: dict[int, list[bool]] = {}
        for y in doc.years:
            inside = not (y.last < lo or y.first > hi)
            dated.setdefault(doc.sentence_of[y.token], []).append(inside)
        out.update(s for s, marks in dated.items() if not any(marks))
    return out


class _Spans:
    """Half-open spans, asked whether any overlaps a given one (a search, not a scan)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        # the furthest end among the spans up to each one
        self.reach: list[int] = []
        furthest = 0
        for k, (_, e) in enumerate(spans):
            furthest = e if k == 0 else max(furthest, e)
            self.reach.append(furthest)

    def overlaps(self, a: int, b: int) -> bool:
        """Whether some span (s, e) has a < e and s < b."""
        k = bisect_left(self.starts, b)
        return k > 0 and self.reach[k - 1] > a


def _meta_negated(doc: Document, sentence: int) -> bool:
    """ "I won't be covering the purges": the writer says what the essay leaves out
    (cached per sentence)."""
    memo: dict[int, bool] | None = doc.cache.get("meta-negated")
    if memo is None:
        memo = doc.cache["meta-negated"] = {}
    got = memo.get(sentence)
    if got is None:
        got = memo[sentence] = _meta_negated_now(doc, sentence)
    return got


def _meta_negated_now(doc: Document, sentence: int) -> bool:
    s = doc.sentences[sentence]
    toks = doc.tokens[s.first:s.last]
    if not any(doc.negated[i] for i in range(s.first, s.last)):
        return False
    writer = any(t.norm in FIRST_PERSON for t in toks) or ESSAY_SUBJECT.find(doc, s.first, s.last)
    return bool(writer) and bool(DISCOURSE_VERBS.find(doc, s.first, s.last))


def _directly_negated(doc: Document, hit: Hit) -> bool:
    """ "there were no purges", "not the funeral" — a negator right before the cue."""
    s = doc.sentences[hit.sentence]
    j = hit.first - 1
    if j >= s.first and doc.tokens[j].norm in ("the", "a", "an", "any"):
        j -= 1
    return j >= s.first and doc.tokens[j].norm in DIRECT_NEGATORS and not (
        j + 1 < s.last and doc.tokens[j + 1].norm in ("only", "just"))


def _identify(doc: Document, factor: Factor, excluded: set[int]) -> list[Hit]:
    hits: list[Hit] = []
    cues = list(factor.identify) + ([factor.accept] if factor.accept else [])
    wrong = _Spans([(w.first, w.last) for c in factor.wrong for w in c.find(doc)])
    budget = doc.budget
    for cue in cues:
        for h in cue.find(doc):
            budget.tick()
            if h.sentence in excluded or _directly_negated(doc, h):
                continue
            if wrong.starts and _stated_wrongly(h, wrong):
                continue
            if doc.negated[h.first] and _meta_negated(doc, h.sentence):
                continue
            hits.append(h)
    hits.sort(key=lambda h: (h.first, h.last))
    return hits


def _stated_wrongly(hit: Hit, wrong: _Spans) -> bool:
    """ "active transport moves substances from high to low": a mention that shares words
    with a wrong statement of the factor does not earn it."""
    return wrong.overlaps(hit.first, hit.last)


def _sentence_owners(ident: dict[str, list[Hit]]) -> dict[int, set[str]]:
    owners: dict[int, set[str]] = {}
    for fid, hits in ident.items():
        for h in hits:
            owners.setdefault(h.sentence, set()).add(fid)
    return owners


def _keyword_line(doc: Document, sentence: int) -> bool:
    """A sentence of keywords: three commas or more, and a comma or dash for every four
    words or fewer ("RBMK, positive void coefficient, no containment")."""
    s = doc.sentences[sentence]
    marks = words = 0
    for i in range(s.first, s.last):
        t = doc.tokens[i]
        if t.is_word:
            words += 1
        elif t.text in (",", "-", "–", "—", ":", ";"):
            marks += 1
    return marks >= 3 and words <= 4 * marks


def _window(doc: Document, factor: Factor, rubric: Rubric, hits: list[Hit],
            owner: dict[int, set[str]]) -> list[int]:
    """Sentences that talk about the factor: from each mention on, within its paragraph,
    while the next sentence carries the passage on and no other factor takes over."""
    factor_id = factor.id
    sentences: set[int] = set()
    para_start = _paragraph_starts(doc)
    started: set[int] = set()
    for h in hits:
        s = h.sentence
        if s in started:
            continue
        started.add(s)
        sentences.add(s)
        para = doc.sentences[s].paragraph
        # the sentence before may open the passage ("In the 1930s Stalin made sure no one
        # could threaten him again. Kirov was murdered…")
        first_in_para = para_start[para]
        if s - 2 <= first_in_para < s and all(
                not owner.get(b) and _carries_on(doc, factor, rubric, b)
                for b in range(first_in_para, s)):
            sentences.update(range(first_in_para, s))
        k = s + 1
        gap = 0
        while k < len(doc.sentences) and k <= s + WINDOW_AFTER:
            if doc.sentences[k].paragraph != para:
                break
            owners = owner.get(k)
            mine = owners is not None and factor_id in owners
            # another factor names this sentence (no sets made: this runs per sentence)
            others = owners is not None and len(owners) > (1 if mine else 0)
            if mine or _carries_on(doc, factor, rubric, k):
                sentences.add(k)
                gap = 0
            elif others:
                break
            else:
                gap += 1  # one sentence aside is allowed; two end the passage
                if gap > 1:
                    break
            k += 1
    return sorted(sentences)


def _paragraph_starts(doc: Document) -> dict[int, int]:
    starts = doc.cache.get("paragraph-starts")
    if starts is None:
        starts = {}
        for s in doc.sentences:
            starts.setdefault(s.paragraph, s.index)
        doc.cache["paragraph-starts"] = starts
    return starts


def _hedged(doc: Document, h: Hit) -> bool:
    """ "it may also have helped Stalin, perhaps because…": a guess is not a link."""
    i = doc.clause_bounds(doc.clause[h.first])[0]
    hedges: list[int] | None = doc.cache.get("hedges")
    if hedges is None:
        hedges = doc.cache["hedges"] = sorted(k for w in HEDGES for k in doc.by_norm.get(w, ()))
    k = bisect_left(hedges, i)
    return k < len(hedges) and hedges[k] < h.last


class _Anchors:
    """The hits naming or detailing a factor, by sentence, for `near`."""

    def __init__(self, anchors: list[Hit]) -> None:
        by_sentence: dict[int, list[tuple[int, int]]] = {}
        for a in anchors:
            by_sentence.setdefault(a.sentence, []).append((a.first, a.last))
        self.firsts: dict[int, list[int]] = {}
        self.reach: dict[int, list[int]] = {}  # the furthest `last` up to each
        for sent, spans in by_sentence.items():
            spans.sort()
            self.firsts[sent] = [f for f, _ in spans]
            reach = []
            furthest = spans[0][1]
            for _, last in spans:
                furthest = max(furthest, last)
                reach.append(furthest)
            self.reach[sent] = reach

    def near(self, link: Hit) -> bool:
        """A link in a sentence that names or details the factor must be near that mention (a
        run-on sentence can hold several points); elsewhere in the passage it counts as is.
        Near: at most LINK_REACH tokens apart, so an anchor starting by link.last + LINK_REACH
        and ending from link.first - LINK_REACH on."""
        firsts = self.firsts.get(link.sentence)
        if firsts is None:
            return True
        k = bisect_right(firsts, link.last + LINK_REACH)
        return k > 0 and self.reach[link.sentence][k - 1] >= link.first - LINK_REACH


def _carries_on(doc: Document, factor: Factor, rubric: Rubric, k: int) -> bool:
    s = doc.sentences[k]
    seen = 0
    for i in range(s.first, s.last):  # the first four words
        t = doc.tokens[i]
        if t.is_word:
            if t.norm in CONTINUERS:
                return True
            seen += 1
            if seen == 4:
                break
    return k in _cue_sentences(doc, factor)


def _cue_sentences(doc: Document, factor: Factor) -> set[int]:
    key = ("factor-cue-sentences", factor.id)
    got = doc.cache.get(key)
    if got is None:
        got = {h.sentence for c in [*factor.details, *factor.links] for h in c.find(doc)}
        doc.cache[key] = got
    return got


def _inaccurate(hit: Hit, doc: Document, flagged: _Spans) -> bool:
    """A detail inside a flagged claim is not an accurate detail."""
    a, b = doc.tokens[hit.first].start, doc.tokens[hit.last - 1].end
    return flagged.overlaps(a, b)


def _core_flagged(doc: Document, hits: list[Hit], flagged: _Spans) -> set[int]:
    """Sentences where the claim naming the factor is itself wrong ("Socialism in One Country
    was Trotsky's idea"): nothing else in them counts as an accurate detail."""
    return {h.sentence for h in hits if _inaccurate(h, doc, flagged)}


def _assess(doc: Document, rubric: Rubric, factor: Factor, hits: list[Hit],
            owner: dict[int, set[str]], flagged, excluded: set[int]) -> Coverage:
    if not hits:
        return Coverage(factor, 0, 0.85)
    # a sentence that names three factors or more lists them ("I will explain how the
    # Testament, the funeral and factionalism helped him"): it explains none of them
    window = [s for s in _window(doc, factor, rubric, hits, owner)
              if s not in excluded and len(owner.get(s, ())) < LIST_OF_FACTORS]
    # a line of keywords ("Design - RBMK, positive void coefficient, no containment.") names
    # details but explains nothing: its details and links do not count
    notes = {s for s in window if _keyword_line(doc, s)}
    wset = set(window)
    core = _core_flagged(doc, hits, flagged)
    details = [h for cue in factor.details for h in cue.find(doc)
               if h.sentence in wset and h.sentence not in core
               and not _inaccurate(h, doc, flagged)]
    anchors = _Anchors(hits + details)
    links = [h for cue in [*factor.links, *rubric.links] for h in cue.find(doc)
             if h.sentence in wset and not _hedged(doc, h) and anchors.near(h)
             and h.sentence not in notes]
    distinct = {(h.label or doc.text[doc.tokens[h.first].start:doc.tokens[h.last - 1].end]
                 .lower()) for h in details}
    explained = (factor.explainable and len(distinct) >= max(1, factor.min_details)
                 and (links or not factor.require_link))
    level = min(2 if explained else 1, factor.max_level)
    evidence = sorted({h.sentence for h in hits}
                      | ({h.sentence for h in details} | {h.sentence for h in links}
                         if level >= 2 else set()))
    if level >= 2:
        confidence = min(0.95, 0.7 + 0.05 * (len(distinct) + min(len(links), 2)))
    else:
        near_miss = bool(distinct) or bool(links)
        confidence = 0.6 if near_miss else 0.75
    return Coverage(factor, level, round(confidence, 2), hits, details, links, evidence)



__all__ = ["Coverage", "assess_coverage", "Phrase"]
