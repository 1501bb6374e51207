"""Order checks: an essay that tells two events the wrong way round is flagged; the right
order in any wording, no order at all, and a negated order are not."""

import textwrap

import pytest

from grader import grade, parse_rubric

RUBRIC = textwrap.dedent("""
    id: slump
    title: Britain in the Slump
    question: How badly did the Slump hit Britain?
    factors:
      - {id: crash, title: The Crash, marks: [0, 2, 4], identify: ["wall street crash"]}
    facts:
      - id: F1
        statement: The Wall Street Crash (1929) came before the National Government (1931)
        checks:
          - {type: order, trigger: "wall street crash|the crash", later: "national government"}
    bands:
      - {band: 1, label: Any, min_marks: 0}
""")


@pytest.fixture(scope="module")
def slump():
    return parse_rubric(RUBRIC)


def flagged(text, rubric):
    return [(f.fact, f.kind) for f in grade(text, rubric).flags]


@pytest.mark.parametrize("text", [
    "The National Government led to the Wall Street Crash.",
    "After the National Government was formed, the Wall Street Crash came.",
    "The Wall Street Crash was a response to the National Government.",
    "The Wall Street Crash happened after the National Government took office.",
    "The National Government was formed, and then the Crash hit Britain.",
])
def test_the_wrong_order_is_flagged(slump, text):
    assert flagged(text, slump) == [("F1", "wrong_order")]


@pytest.mark.parametrize("text", [
    "The Wall Street Crash led to the National Government.",
    "After the Wall Street Crash, the National Government was formed.",
    "The National Government was formed because of the Wall Street Crash.",
    "The National Government came after the Crash.",
    "The National Government did not cause the Wall Street Crash.",
    "The Wall Street Crash and the National Government both mattered.",
    "Some say the National Government caused the Wall Street Crash.",
])
def test_the_right_order_no_order_and_denials_are_not_flagged(slump, text):
    assert flagged(text, slump) == []


def test_an_order_check_needs_its_later_event():
    bad = RUBRIC.replace(', later: "national government"', "")
    with pytest.raises(Exception, match="later"):
        parse_rubric(bad)
