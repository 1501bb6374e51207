"""grade(text, rubric) -> Report: the one function every interface calls."""

from __future__ import annotations

from .analysis import assess_coverage, assess_writing, check_facts
from .report.build import build_report
from .report.model import Report
from .rubric import Rubric, load_rubric
from .text import build_document


def grade(text: str, rubric: Rubric | str, essay: str | None = None) -> Report:
    """Grade one essay. `rubric` is a compiled Rubric or a bundled id / rubric file path."""
    if not isinstance(text, str):
        raise TypeError("text must be a str (decode bytes first)")
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    doc = build_document(text, rubric.lexicon)
    flags = check_facts(doc, rubric)
    coverage = assess_coverage(doc, rubric, flags)
    writing = assess_writing(doc, rubric)
    return build_report(essay, rubric, doc, coverage, flags, writing)
