"""The acceptance points of the grading core, on the seed essay and the labelled sets."""

from pathlib import Path

import pytest

from grader import grade
from grader.evaluation.devset import evaluate, read_dataset

HELD_OUT = Path(__file__).parent / "fixtures" / "stalin_heldout.jsonl"
VALIDATION = Path(__file__).parent / "fixtures" / "stalin_validation.jsonl"
BLIND = Path(__file__).parent / "fixtures" / "stalin_blind.jsonl"


def test_seed_essay_explains_all_five_factors_without_flags(rubric, seed_text):
    rep = grade(seed_text, rubric, essay="003.txt")
    assert {f.id: f.level for f in rep.factors} == {
        "testament": 2, "funeral": 2, "socialism_in_one_country": 2, "factionalism": 2,
        "purges": 2}
    assert rep.flags == []
    assert rep.score.marks == rep.score.max_marks == 20
    for f in rep.factors:
        assert f.evidence
        for e in f.evidence:
            assert seed_text[e.start:e.end] == e.text
    funeral = [e.text for e in rep.factor("funeral").evidence]
    assert "Stalin made Lenin’s funeral the centre stage for his plotting." in funeral
    testament = [e.text for e in rep.factor("testament").evidence]
    assert testament[0].startswith("Krupskaya gave Lenin’s secret testament")
    purges = [e.text for e in rep.factor("purges").evidence]
    assert "Thus the purges began." in purges


def test_model_answer_is_all_explained_and_flag_free(rubric):
    rep = grade(rubric.model_answer, rubric)
    assert all(f.level == 2 for f in rep.factors)
    assert rep.flags == []


def _assert_targets(r, exact: float) -> None:
    assert r.presence_f1 >= 0.95
    assert r.exact >= exact
    assert r.qwk >= exact
    assert r.flag_precision >= 0.90
    assert r.flag_recall >= 0.80
    assert r.flags_on_correct == 0


def test_dev_set_meets_the_issue_targets(rubric, dev_set):
    _assert_targets(evaluate(read_dataset(dev_set), rubric), exact=0.85)


@pytest.mark.parametrize("path", [HELD_OUT, VALIDATION, BLIND],
                         ids=["held-out", "validation", "blind"])
def test_essays_written_for_this_project(rubric, path):
    """Essays labelled from the domain brief alone by writers who had not seen the rules:
    16 held-out essays, 14 in other voices (timeline, EAL, bullet points, quotations) and
    16 more (pronoun-heavy, lists of dates, factor words used about other things)."""
    _assert_targets(evaluate(read_dataset(path), rubric), exact=0.90)
