"""Assemble the Report from the analysers' findings."""

from __future__ import annotations

from ..analysis.coverage import Coverage
from ..analysis.writing import WritingResult
from ..rubric.model import Rubric
from ..text.document import Document
from .feedback import factor_feedback, overall
from .model import Evidence, FactorResult, Flag, Report, Review, Score
from .scoring import band_for, total_marks


def build_report(essay: str | None, rubric: Rubric, doc: Document, covs: list[Coverage],
                 flags: list[Flag], writing: WritingResult,
                 review: list[Review] | None = None) -> Report:
    factors = []
    for c in covs:
        f = c.factor
        evidence = [Evidence(doc.sentences[i].start, doc.sentences[i].end,
                             doc.sentence_text(doc.sentences[i])) for i in c.evidence_sentences]
        factors.append(FactorResult(
            id=f.id, title=f.title, level=c.level, max_level=f.max_level,
            marks=f.marks[c.level], max_marks=f.max_marks, confidence=c.confidence,
            evidence=evidence, feedback=factor_feedback(doc, c)))
    levels = {c.factor.id: c.level for c in covs}
    marks, max_marks = total_marks(rubric, levels)
    band, label = band_for(rubric, marks)
    fb = overall(doc, rubric, covs, flags, marks, max_marks, label,
                 len(writing.writing.spelling))
    return Report(essay, rubric.id, rubric.version, writing.stats, factors, flags,
                  writing.writing, Score(marks, max_marks, band, label), fb, review or [])
