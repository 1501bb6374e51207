"""grade(text, rubric) -> Report: the one function every interface calls."""

from __future__ import annotations

from .analysis import assess_coverage, assess_writing, read_facts
from .gcpause import paused_for
from .report.build import build_report
from .report.model import Report
from .rubric import Rubric, load_rubric
from .text import build_document
from .text.budget import DEFAULT_SECONDS, Budget, GradingBudgetExceeded

__all__ = ["grade", "GradingBudgetExceeded", "set_default_budget", "default_budget"]

_default = {"seconds": DEFAULT_SECONDS}


def set_default_budget(seconds: float | None) -> None:
    """The CPU seconds grade() gives an essay when its caller names no budget (create_app
    sets GRADE_CPU_BUDGET here); None restores the built-in 10 s, 0 means no limit."""
    _default["seconds"] = DEFAULT_SECONDS if seconds is None else float(seconds)


def default_budget() -> float:
    return _default["seconds"]


def grade(text: str, rubric: Rubric | str, essay: str | None = None,
          budget: float | None = None) -> Report:
    """Grade one essay. `rubric` is a compiled Rubric or a bundled id / rubric file path.

    `budget` is the CPU seconds the essay may take (None: the default, see
    set_default_budget; 0: no limit); past it, GradingBudgetExceeded is raised, its message
    starting "this essay could not be graded: ".
    """
    if not isinstance(text, str):
        raise TypeError("text must be a str (decode bytes first)")
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    limit = Budget(default_budget() if budget is None else budget)
    # a long essay: no collections walking its tokens (see gcpause); _grade returns within
    # the pause, so the document is freed before the collector runs again
    with paused_for(text):
        return _grade(text, rubric, essay, limit)


def _grade(text: str, rubric: Rubric, essay: str | None, limit: Budget) -> Report:
    doc = build_document(text, rubric.lexicon, limit)
    limit.check()
    facts = read_facts(doc, rubric)
    limit.check()
    coverage = assess_coverage(doc, rubric, facts.flags)
    limit.check()
    writing = assess_writing(doc, rubric)
    limit.check()
    return build_report(essay, rubric, doc, coverage, facts.flags, writing, facts.review)
