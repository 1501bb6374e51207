"""The per-essay CPU budget: unlimited at 0, a clear error once spent, checked in long loops."""

import pytest

from grader.text import build_document
from grader.text.budget import TICKS_PER_CHECK, Budget, GradingBudgetExceeded
from grader.text.sentences import PUNKT_REACH, sentence_spans


def _spend(budget: Budget) -> None:
    """Burn CPU until the thread's clock passes the budget's deadline."""
    import time

    while time.thread_time() <= budget.deadline:
        sum(range(1000))


def test_no_limit_never_raises():
    b = Budget(0)
    for _ in range(5 * TICKS_PER_CHECK):
        b.tick()
    b.check()


def test_a_spent_budget_raises_the_clear_error_from_check_and_from_tick():
    b = Budget(1e-6)
    _spend(b)
    with pytest.raises(GradingBudgetExceeded) as err:
        b.check()
    assert str(err.value).startswith("this essay could not be graded: ")
    assert "CPU time" in str(err.value)
    with pytest.raises(GradingBudgetExceeded):
        for _ in range(TICKS_PER_CHECK):
            b.tick()


def test_document_building_stops_inside_its_loops(rubric):
    b = Budget(1e-6)
    _spend(b)
    text = "Stalin rose.\n" * 2 * TICKS_PER_CHECK  # only the per-paragraph ticks can stop it
    with pytest.raises(GradingBudgetExceeded):
        build_document(text, rubric.lexicon, b)


def test_one_long_paragraph_checks_the_budget_between_its_pieces():
    b = Budget(1e-6)
    _spend(b)
    text = "Stalin met Mr. Lenin at the congress. " * (PUNKT_REACH // 10)
    assert sentence_spans(text, 0, 1000)  # a short run is read at once, budget or not
    with pytest.raises(GradingBudgetExceeded):
        sentence_spans(text, 0, len(text), b)
