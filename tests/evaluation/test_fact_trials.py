"""`grader facts test`: a fact's own statement is never flagged, its wrong versions are."""

import textwrap

from click.testing import CliRunner

from grader import parse_rubric
from grader.cli.main import cli
from grader.evaluation.fact_trials import fact_trials, render_trials, run_fact_trials

RUBRIC = textwrap.dedent("""
    id: slump
    title: Britain in the Slump
    question: How badly did the Slump hit Britain?
    lexicon:
      people:
        macdonald: {name: Ramsay MacDonald, aliases: [MacDonald]}
        baldwin: {name: Stanley Baldwin, aliases: [Baldwin]}
    factors:
      - {id: jobs, title: Unemployment, marks: [0, 2, 4], identify: ["unemploy*"]}
    facts:
      - id: F1
        statement: The National Government was formed in 1931
        checks:
          - {type: date, trigger: "national government", verbs: "formed|set up", years: [1931]}
      - id: F2
        statement: Unemployment peaked at about 3 million in 1932
        checks:
          - {type: number, trigger: "unemploy*", value: 3000000, tolerance: 0.1}
      - id: F3
        statement: Ramsay MacDonald led the National Government
        checks:
          - {type: person, trigger: "national government", verbs: "led|headed",
             right: ["@macdonald"]}
      - id: F4
        statement: The means test was brought in in 1931
        checks:
          - {type: date, trigger: "dole cuts", years: [1931]}
    bands:
      - {band: 1, label: Any, min_marks: 0}
""")


BANDS = "bands:\n  - {band: 1, label: Any, min_marks: 0}\n"


def test_wrong_versions_of_each_statement_are_made_and_graded():
    rubric = parse_rubric(RUBRIC)
    made = {(t.fact, t.kind): t.text for t in fact_trials(rubric)}
    assert made[("F1", "wrong year")] == "The National Government was formed in 1934."
    assert made[("F2", "wrong figure")] == "Unemployment peaked at 9,000,000 in 1932."
    assert made[("F3", "wrong person")] == "Stanley Baldwin led the National Government."
    assert made[("F1", "reported")].startswith("Some historians say that the National")
    trials = run_fact_trials(rubric)
    assert all(t.ok for t in trials if t.fact in ("F1", "F2", "F3"))
    # F4's trigger never matches its own statement: its wrong year slips through
    [slip] = [t for t in trials if not t.ok]
    assert (slip.fact, slip.kind, slip.flagged) == ("F4", "wrong year", False)
    out = render_trials(trials)
    assert "F4: 1 problem (0 of 1 wrong versions flagged)" in out
    assert "wrong year not flagged: \u201cThe means test was brought in in 1934.\u201d" in out


def test_the_command_exits_1_when_something_slipped(tmp_path):
    path = tmp_path / "slump.yaml"
    path.write_text(RUBRIC)
    res = CliRunner().invoke(cli, ["facts", "test", str(path)])
    assert res.exit_code == 1 and "4 facts" in res.output and "1 problem" in res.output
    path.write_text(RUBRIC.split("  - id: F4")[0] + BANDS)
    res = CliRunner().invoke(cli, ["facts", "test", str(path)])
    assert res.exit_code == 0, res.output
    assert "3 facts" in res.output and "0 problems" in res.output


def test_a_rubric_without_facts_is_a_clear_error(tmp_path):
    path = tmp_path / "bare.yaml"
    path.write_text(RUBRIC.split("facts:")[0] + BANDS)
    res = CliRunner().invoke(cli, ["facts", "test", str(path)])
    assert res.exit_code == 1 and "has no fact sheet" in res.output


def test_a_person_flag_without_expected_names_the_right_people():
    from grader import grade

    [flag] = grade("Stanley Baldwin led the National Government.", parse_rubric(RUBRIC)).flags
    assert flag.fact == "F3" and flag.expected == "Ramsay MacDonald"


def test_facts_show_prints_the_checks_made_from_a_facts_data():
    """`grader facts show` prints, in the fact sheet's form, the checks the grader made from
    a fact written as data (F1: who, event, when) and the hand-written ones; an unknown id is
    an error."""
    import yaml

    res = CliRunner().invoke(cli, ["facts", "show", "stalin-rise", "F1", "F16"])
    assert res.exit_code == 0, res.output
    shown = {f["id"]: f for f in yaml.safe_load(res.output)}
    [date] = shown["F1"]["checks"]
    assert (date["type"], date["who"], date["years"], date["month"]) == (
        "date", ["@lenin"], [1924], 1)
    assert "passed away" in date["trigger"].split("|")
    # the data makes the date check; the place and the 1929 deportation are hand-written
    assert [c["type"] for c in shown["F16"]["checks"]] == ["date", "place", "date"]
    res = CliRunner().invoke(cli, ["facts", "show", "stalin-rise", "F99"])
    assert res.exit_code != 0 and "no fact F99" in res.output
