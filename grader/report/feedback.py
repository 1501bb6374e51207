"""Feedback for the student: a sentence per factor, corrections, summary, strengths, next steps.

The words come from the rubric's feedback texts, filled in from what the essay said:
``{title}``, ``{quote}`` (a short excerpt of the student's sentence), ``{details}`` (what the
student's details show, from cue labels) and ``{missing}`` (the factor's description).
"""

from __future__ import annotations

from typing import Final

from ..analysis.coverage import Coverage
from ..rubric.model import Rubric
from ..text.document import Document
from .model import Feedback, Flag

QUOTE_WORDS: Final = 12

DEFAULTS: Final = {
    "explained": "You explain {title}: {details}.",
    "identified": "You mention {title} (\u201c{quote}\u201d) but do not yet explain it with a "
                  "specific detail and how it helped.",
    "missing": "You do not discuss {title}: {missing}",
    "next_step": "Develop {title}: give a specific detail and explain how it helped.",
}


class _Blank(dict):
    def __missing__(self, key):
        return ""


def _fill(template: str, **values) -> str:
    return " ".join(template.format_map(_Blank(values)).split())


def quote(doc: Document, cov: Coverage) -> str:
    if not cov.identified:
        return ""
    s = doc.sentences[cov.identified[0].sentence]
    words = doc.text[s.start:s.end].split()
    text = " ".join(words[:QUOTE_WORDS])
    text = text.rstrip(".,;:!?")
    return text + ("…" if len(words) > QUOTE_WORDS else "")


def details_text(doc: Document, cov: Coverage) -> str:
    labels: list[str] = []
    for h in cov.details:
        label = h.label or doc.text[doc.tokens[h.first].start:doc.tokens[h.last - 1].end]
        if any(label in other or other in label for other in labels):
            continue
        labels.append(label)
        if len(labels) == 3:  # no more are shown
            break
    if not labels:
        return ""
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:3][:-1]) + " and " + labels[:3][-1]


def in_sentence(title: str) -> str:
    """A factor title inside a sentence: "the purges", "factionalism and the ban…", but
    "Lenin's funeral" and "Socialism in One Country" keep their capitals."""
    words = title.split()
    if not words:
        return title
    first = words[0]
    content = [w for w in words[1:] if w.lower() not in ("of", "in", "the", "and", "at", "on",
                                                         "a", "an", "to", "for")]
    title_case = bool(content) and all(w[:1].isupper() for w in content)
    if first in ("The", "A", "An") or (first.isalpha() and first[:1].isupper()
                                        and not title_case):
        return first.lower() + title[len(first):]
    return title


def factor_feedback(doc: Document, cov: Coverage) -> str:
    f = cov.factor
    key = {0: "missing", 1: "identified"}.get(cov.level, "explained")
    template = f.feedback.get(key) or DEFAULTS[key]
    return _fill(template, title=in_sentence(f.title), quote=quote(doc, cov),
                 details=details_text(doc, cov), missing=f.description)


def correction(flag: Flag) -> str:
    return flag.message


def overall(doc: Document, rubric: Rubric, covs: list[Coverage], flags: list[Flag],
            marks: float, max_marks: float, band_label: str, spelling: int) -> Feedback:
    explained = [c for c in covs if c.level >= 2]
    identified = [c for c in covs if c.level == 1]
    missing = [c for c in covs if c.level == 0]
    n = len(covs)
    parts = []
    if rubric.factors and all(f.max_level >= 2 for f in rubric.factors):
        parts.append(f"You explain {len(explained)} of the {n} key factors"
                     + (f" and mention {len(identified)} more" if identified else "") + ".")
    else:
        parts.append(f"Your answer covers {len(explained) + len(identified)} of the {n} "
                     "points the mark scheme looks for.")
    if flags:
        parts.append(f"{len(flags)} factual error{'s' if len(flags) > 1 else ''} "
                     "need{0} correcting.".format("" if len(flags) > 1 else "s"))
    mark_text = _num(marks) + " / " + _num(max_marks)
    parts.append(f"Mark: {mark_text}" + (f" ({band_label})." if band_label else "."))
    summary = " ".join(parts)

    strengths = _strengths(doc, explained, identified, flags, spelling)
    steps = _next_steps(doc, rubric, identified, missing, flags, spelling)
    return Feedback(summary, strengths[:3], steps[:3])


def _strengths(doc: Document, explained: list[Coverage], identified: list[Coverage],
               flags: list[Flag], spelling: int) -> list[str]:
    """Two or three things done well, most specific first."""
    out = [_fill(c.factor.feedback.get("strength") or "A clear explanation of {title}.",
                 title=in_sentence(c.factor.title)) for c in explained[:3]]
    words = doc.word_count()
    extra = []
    if not flags and len(doc.years) >= 3:
        extra.append("Accurate use of dates to support your points.")
    if identified:
        extra.append(f"You recognise {in_sentence(identified[0].factor.title)} as part of "
                     "the answer.")
    if len(doc.paragraphs) >= 3:
        extra.append("Your answer is organised into paragraphs.")
    if words >= 80 and spelling <= 2:
        extra.append("Clear writing with very few spelling mistakes.")
    extra.append("You have made a start on the question.")
    for e in extra:
        if len(out) >= 2:
            break
        out.append(e)
    return out


def _next_steps(doc: Document, rubric: Rubric, identified: list[Coverage],
                missing: list[Coverage], flags: list[Flag], spelling: int) -> list[str]:
    """Two or three things to do next, most useful first."""
    steps: list[str] = []
    if flags:
        steps.append("Correct the factual errors: " + flags[0].message
                     + (" (and the others marked)" if len(flags) > 1 else ""))
    for c in identified + missing:
        if len(steps) >= 3:
            break
        tmpl = c.factor.feedback.get("next_step") or DEFAULTS["next_step"]
        if c.level == 0:
            tmpl = c.factor.feedback.get("missing") or DEFAULTS["missing"]
        steps.append(_fill(tmpl, title=in_sentence(c.factor.title),
                           missing=c.factor.description, quote=quote(doc, c)))
    extra = []
    if spelling >= 5:
        extra.append("Proofread for spelling, especially the names of people and terms.")
    extra.append(rubric.feedback.get("conclusion_step")
                 or "Add a conclusion that weighs which factor mattered most, and why.")
    extra.append(rubric.feedback.get("link_step")
                 or "End each paragraph by linking the point back to the question.")
    for e in extra:
        if len(steps) >= 2:
            break
        steps.append(e)
    return steps


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
