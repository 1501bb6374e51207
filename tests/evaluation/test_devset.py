"""`grader eval`'s measures: a correction that cites another fact than the labelled error's."""

from grader import load_rubric
from grader.evaluation.devset import evaluate
from grader.evaluation.report import render_eval

TEXT = "Stalin rose to power in the 1920s. Trotsky was killed in Mexico in 1929 by a Soviet agent."
QUOTE = "Trotsky was killed in Mexico in 1929"


def row(fact: str) -> dict:
    return {"id": "e1", "text": TEXT, "levels": {}, "correct_claims": [],
            "errors": [{"quote": QUOTE, "fact": fact, "why": "he was murdered in 1940"}]}


def test_a_flag_on_the_error_citing_its_fact_is_a_right_correction():
    result = evaluate([row("F17")], load_rubric("stalin-rise"))
    assert (result.flag_precision, result.flag_recall, result.wrong_corrections) == (1, 1, 0)


def test_a_flag_on_the_error_citing_another_fact_is_counted_and_listed():
    result = evaluate([row("F16")], load_rubric("stalin-rise"))
    assert result.flag_recall == 1 and result.wrong_corrections == 1
    assert any(d["what"] == "flag F17" and "F16" in d["expected"] for d in result.disagreements)
    assert "corrections citing another fact 1" in render_eval(result)
