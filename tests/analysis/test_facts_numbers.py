"""Number checks: a quantity bound to its fact's words and outside the right values is
flagged; right values in any form, hedged values that can be true, another time's figure
and a change's starting point are not."""

import textwrap

import pytest

from grader import grade, parse_rubric
from grader.rubric.loader import RubricError

RUBRIC = textwrap.dedent("""
    id: slump
    title: Britain in the Slump
    question: How badly did the Slump hit Britain?
    lexicon:
      people: {macdonald: {name: Ramsay MacDonald, aliases: [MacDonald]}}
      places: {jarrow: {name: Jarrow}}
    factors:
      - {id: jobs, title: Unemployment, marks: [0, 2, 4], identify: ["unemploy*|out of work"]}
    facts:
      - id: F1
        statement: Unemployment peaked at about 3 million in 1932-33
        checks:
          - {type: number, trigger: "unemploy*|out of work|jobless", value: 3000000,
             tolerance: 0.1, years: [1932, 1933]}
      - id: F2
        statement: About 22% of insured workers were unemployed in 1932
        checks:
          - {type: number, trigger: "unemploy*|out of work|jobless", range: [20, 23],
             unit: percent, years: [1932]}
      - id: F3
        statement: About 200 men marched from Jarrow to London in 1936
        checks:
          - {type: number, trigger: "march*", value: 200, tolerance: 0.1}
      - id: F5
        statement: The Jarrow March took about a month (5 to 31 October 1936)
        checks:
          - {type: number, trigger: "march*", range: [3, 5], unit: weeks}
      - id: F4
        statement: The May Report of 1931 called for £96 million of cuts
        checks:
          - {type: number, trigger: "cuts|may report", value: 96000000, tolerance: 0.05,
             unit: money}
      - id: F6
        statement: About 8,000 houses were built in Jarrow
        checks:
          - {type: number, trigger: "houses", value: 8000, tolerance: 0.1}
    bands:
      - {band: 1, label: Any, min_marks: 0}
""")


def test_a_figure_counting_people_is_not_a_count_of_houses(slump):
    assert flagged("They built 8,000 houses and left 70,000 people without work.", slump) == []
    assert flagged("They built 800 houses.", slump) == [("F6", "800")]


@pytest.fixture(scope="module")
def slump():
    return parse_rubric(RUBRIC)


def flagged(text, rubric):
    return [(f.fact, f.found) for f in grade(text, rubric).flags]


@pytest.mark.parametrize("text, fact, found", [
    ("By 1932 unemployment had reached 30 million.", "F1", "30 million"),
    ("In 1932, 12% of workers were unemployed.", "F2", "12%"),
    ("Unemployment stood at forty per cent in 1932.", "F2", "forty per cent"),
    ("Some 2,000 men marched from Jarrow.", "F3", "Some 2,000"),
    ("The May Report demanded £9 million of cuts.", "F4", "£9 million"),
    ("Over 5 million people were out of work in 1933.", "F1", "Over 5 million"),
    ("In 1932 one in two workers was unemployed.", "F2", "one in two"),
    ("In 1932 nearly 9 million were out of work.", "F1", "nearly 9 million"),
    ("The march from Jarrow lasted three months.", "F5", "three months"),
    ("The Jarrow March took 2 days.", "F5", "2 days"),
    ("By 1932 unemployment had reached 5-6 million.", "F1", "5-6 million"),
])
def test_wrong_quantities_are_flagged(slump, text, fact, found):
    assert (fact, found) in flagged(text, slump)


@pytest.mark.parametrize("text", [
    "By 1932 unemployment had reached 3 million.",
    "By 1932 unemployment had reached 3,000,000, about 22% of insured workers.",
    "In 1933 nearly three million people were out of work.",
    "Unemployment rose from 1 million in 1929 to almost 3 million in 1932.",
    "Unemployment was 10% in 1929 and 22 per cent in 1932.",
    "About two hundred men marched from Jarrow to London.",
    "Around 200 marchers walked 300 miles.",
    "The May Report of 1931 demanded £96 million of cuts.",
    "Unemployment never reached 10 million.",
    "Some historians claim 4 million were really out of work.",
    "More than 1 million were unemployed in 1932.",
    "By 1932 unemployment had reached 2.8-3.1 million.",
    "By 1932 unemployment was between 2.5 and 3 million.",
    "In 1932 unemployment was 21–22%.",
    "Unemployment rose from about 1 million in 1929 to about 3 million in 1932.",
    "About 200 men marched and 3 million were unemployed in 1932.",
    "The Jarrow March took about a month.",
    "The marchers walked for 26 days, about 4 weeks.",
])
def test_right_hedged_other_time_and_negated_quantities_are_not_flagged(slump, text):
    assert flagged(text, slump) == []


def test_a_figure_in_the_next_clause_is_asked_about_not_flagged(slump):
    report = grade("Unemployment was the worst problem, and the marchers numbered 2,000.", slump)
    assert ("F3", "2,000") in [(f.fact, f.found) for f in report.flags]
    report = grade("The marchers came from Jarrow, which had 2,000 of them.", slump)
    assert [f.fact for f in report.flags] == []
    assert [r.fact for r in report.review] == ["F3"]
    assert "2,000" in report.review[0].reason


def test_a_hit_switched_off_by_unless_still_claims_its_figures():
    rubric = parse_rubric(RUBRIC.replace(
        '{type: number, trigger: "march*", value: 200, tolerance: 0.1}',
        '{type: number, trigger: "march*", value: 200, tolerance: 0.1, unless: "hunger"}'))
    # 2,000 is the hunger march's (switched off), not the unemployment figure of F1
    assert flagged("The hunger marchers, 2,000 of them, came when unemployment was high.",
                   rubric) == []


def test_the_correction_names_the_right_value_in_plain_words(slump):
    [flag] = grade("In 1932, 12% of workers were unemployed.", slump).flags
    assert flag.kind == "wrong_number" and flag.expected == "20%\u201323%"
    assert flag.message == ("You wrote \u201c12%\u201d, but about 22% of insured workers "
                            "were unemployed in 1932.")


@pytest.mark.parametrize("check, problem", [
    ("{type: number, trigger: march}", "value"),
    ("{type: number, trigger: march, value: 200, range: [1, 2]}", "value"),
    ("{type: number, trigger: march, range: [300, 200]}", "range"),
    ("{type: number, trigger: march, value: 2, unit: furlongs}", "unit"),
    ("{type: date, trigger: march, years: [1936], value: 2}", "value"),
    ("{type: date, trigger: march}", "years"),
])
def test_a_number_check_without_a_value_or_with_a_bad_one_is_refused(check, problem):
    bad = RUBRIC.split("    facts:")[0] + textwrap.dedent(f"""
        facts:
          - id: F9
            statement: x
            checks:
              - {check}
        bands:
          - {{band: 1, label: Any, min_marks: 0}}
    """)
    with pytest.raises(RubricError) as err:
        parse_rubric(bad)
    assert problem in str(err.value)


@pytest.mark.parametrize("text", [
    # a figure counting something else than the fact's trigger or people
    "After the unemployment of 1932 there were two inquiries.",
    "Unemployment in 1932 had five main causes.",
    # a number that names one of something
    "Unemployment in 1932 hit Platform 9 of the exchange hardest.",
    # "from" a figure with no change: a distance, not a starting point
    "The marchers came from 300 miles away.",
])
def test_figures_that_count_or_name_something_else_are_not_flagged(text, slump):
    assert flagged(text, slump) == []


@pytest.mark.parametrize("text, fact", [
    ("In 1932 unemployment reached 30 million people.", "F1"),
    ("In 1932 unemployment reached 30 million jobless workers.", "F1"),
    ("Unemployment went from 1 million in 1929 to 30 million in 1932.", "F1"),
])
def test_figures_of_people_or_the_trigger_still_answer(text, fact, slump):
    assert fact in [f for f, _ in flagged(text, slump)]


@pytest.mark.parametrize("text", [
    # a trigger that did not happen flags no figure near it
    "About 2,000 people watched in 1936, but nobody marched.",
    # a vague plural is not a figure
    "1000s marched from Jarrow.",
])
def test_figures_of_events_that_did_not_happen_or_vague_plurals_are_not_flagged(text, slump):
    assert flagged(text, slump) == []
