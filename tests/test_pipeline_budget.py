"""grade() under a CPU budget: given per call, by default, or none at all."""

import pytest

from grader import GradingBudgetExceeded, grade
from grader.pipeline import default_budget, set_default_budget

ESSAY = ("At Lenin's funeral in January 1924 Stalin was chief mourner. Lenin died in 1922. "
         "Trotsky was exiled in 1929.\n") * 20


@pytest.fixture
def restore_default():
    yield
    set_default_budget(None)


def test_a_tiny_budget_turns_grading_into_the_clear_error(rubric):
    with pytest.raises(GradingBudgetExceeded) as err:
        grade(ESSAY, rubric, budget=1e-9)
    assert str(err.value).startswith("this essay could not be graded: ")


def test_the_default_budget_applies_and_zero_means_no_limit(rubric, restore_default):
    assert default_budget() == 10.0
    expected = grade(ESSAY, rubric).to_dict()
    set_default_budget(1e-9)
    with pytest.raises(GradingBudgetExceeded):
        grade(ESSAY, rubric)
    assert grade(ESSAY, rubric, budget=0).to_dict() == expected
    assert grade(ESSAY, rubric, budget=60).to_dict() == expected
    set_default_budget(None)
    assert default_budget() == 10.0
