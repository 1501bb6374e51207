"""Coverage: each factor's level (0 not there, 1 identified, 2 explained) with its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..report.model import Flag
from ..rubric.cues import Hit, Phrase, compile_phrase
from ..rubric.model import Factor, Rubric
from ..text.document import FIRST_PERSON, Document

DISCOURSE_VERBS = compile_phrase(
    "cover*|discuss*|writ*|wrote|mention*|talk*|look at|focus*|consider*|includ*|deal with|"
    "explain*|describ*|go into|examin*|analys*|analyz*|address*|explor*")
ESSAY_SUBJECT = compile_phrase("this essay|this answer|this piece|my essay|my answer")
DISCLAIMERS = compile_phrase(
    "different topic|another topic|different subject|another subject|not relevant|irrelevant|"
    "another story|different story|off topic|off-topic|beside the point|unrelated|"
    "not part of this essay|not what this essay")
DIRECT_NEGATORS = frozenset("no not never without".split())
# Openers that carry a passage on: "This meant…", "He…", "As a result…".
CONTINUERS = frozenset("this that these it its he she they his her their him them so thus "
                       "therefore consequently because as also then this".split())
WINDOW_AFTER = 6


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
    excluded = _excluded_sentences(doc)
    ident = {f.id: _identify(doc, f, excluded) for f in rubric.factors}
    owner = _sentence_owners(ident)
    flagged = [(f.start, f.end) for f in flags]
    return [_assess(doc, rubric, f, ident[f.id], owner, flagged, excluded)
            for f in rubric.factors]


def _excluded_sentences(doc: Document) -> set[int]:
    """Sentences whose mentions do not count: disclaimers ("that is a different topic")."""
    out = set()
    for h in DISCLAIMERS.find(doc):
        out.add(h.sentence)
    return out


def _meta_negated(doc: Document, sentence: int) -> bool:
    """ "I won't be covering the purges": the writer says what the essay leaves out."""
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
    for cue in cues:
        for h in cue.find(doc):
            if h.sentence in excluded or _directly_negated(doc, h):
                continue
            if doc.negated[h.first] and _meta_negated(doc, h.sentence):
                continue
            hits.append(h)
    hits.sort(key=lambda h: (h.first, h.last))
    return hits


def _sentence_owners(ident: dict[str, list[Hit]]) -> dict[int, set[str]]:
    owners: dict[int, set[str]] = {}
    for fid, hits in ident.items():
        for h in hits:
            owners.setdefault(h.sentence, set()).add(fid)
    return owners


def _window(doc: Document, factor: Factor, rubric: Rubric, hits: list[Hit],
            owner: dict[int, set[str]]) -> list[int]:
    """Sentences that talk about the factor: from each mention on, within its paragraph,
    while the next sentence carries the passage on and no other factor takes over."""
    factor_id = factor.id
    sentences: set[int] = set()
    for h in hits:
        s = h.sentence
        sentences.add(s)
        para = doc.sentences[s].paragraph
        k = s + 1
        while k < len(doc.sentences) and k <= s + WINDOW_AFTER:
            if doc.sentences[k].paragraph != para:
                break
            others = owner.get(k, set()) - {factor_id}
            if others and factor_id not in owner.get(k, set()):
                break
            if factor_id not in owner.get(k, set()) and not _carries_on(doc, factor, rubric, k):
                break
            sentences.add(k)
            k += 1
    return sorted(sentences)


def _carries_on(doc: Document, factor: Factor, rubric: Rubric, k: int) -> bool:
    s = doc.sentences[k]
    opening = [t for t in doc.tokens[s.first:s.last] if t.is_word][:4]
    if any(t.norm in CONTINUERS for t in opening):
        return True
    return any(c.find(doc, s.first, s.last) for c in [*factor.details, *factor.links])


def _inaccurate(hit: Hit, doc: Document, flagged: list[tuple[int, int]]) -> bool:
    """A detail in a sentence that states a factual error is not an accurate detail."""
    s = doc.sentences[hit.sentence]
    return any(s.start < e and st < s.end for st, e in flagged)


def _assess(doc: Document, rubric: Rubric, factor: Factor, hits: list[Hit],
            owner: dict[int, set[str]], flagged, excluded: set[int]) -> Coverage:
    if not hits:
        return Coverage(factor, 0, 0.85)
    window = [s for s in _window(doc, factor, rubric, hits, owner) if s not in excluded]
    details: list[Hit] = []
    links: list[Hit] = []
    for s_index in window:
        s = doc.sentences[s_index]
        for cue in factor.details:
            for h in cue.find(doc, s.first, s.last):
                if not _inaccurate(h, doc, flagged):
                    details.append(h)
        for cue in [*factor.links, *rubric.links]:
            links.extend(cue.find(doc, s.first, s.last))
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
