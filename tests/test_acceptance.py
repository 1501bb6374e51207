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


BLIND_SETS = Path(__file__).parent / "fixtures" / "blind"


@pytest.mark.parametrize("essays, rubric_file, floors", [
    # (precision, recall, most flags on correct claims, least presence F1): a little under
    # the figures of 2026-12-08 (armada's are its first contact, still far from usable), so
    # a change that loses ground fails here. (A flag counts as
    # "on a correct claim" when its span overlaps one, even when it also finds the error next
    # to it: titanic's second is "hit the iceberg at 11:40 on the 12th of April".)
    ("stalin16/essays.jsonl", None, (0.95, 0.72, 3, 0.97)),
    ("coldwar/essays.jsonl", "coldwar/rubric/coldwar-causes.yaml", (0.85, 0.55, 2, 0.97)),
    ("crash/essays.jsonl", "crash/rubric_v2/crash-depression.yaml", (0.85, 0.54, 4, 0.96)),
    ("stalin17/essays.jsonl", None, (0.92, 0.52, 0, 0.97)),
    ("titanic/essays.jsonl", "titanic/rubric/titanic.yaml", (0.70, 0.50, 2, 0.93)),
    ("stalin18/essays.jsonl", None, (0.95, 0.64, 1, 0.95)),
    ("berlinwall/essays.jsonl", "berlinwall/rubric/berlinwall.yaml", (0.75, 0.39, 2, 0.95)),
    ("stalin19/essays.jsonl", None, (0.95, 0.58, 2, 0.96)),
    ("greatfire/essays.jsonl", "greatfire/rubric/greatfire.yaml", (0.92, 0.45, 4, 0.98)),
    ("stalin20/essays.jsonl", None, (0.95, 0.64, 1, 0.93)),
    ("stalin21/essays.jsonl", None, (0.84, 0.66, 2, 0.93)),
    ("chernobyl/essays.jsonl", "chernobyl/rubric/chernobyl.yaml", (0.93, 0.42, 2, 0.95)),
    ("armada/essays.jsonl", "armada/rubric/armada.yaml", (0.5, 0.2, 5, 0.93)),
], ids=["stalin16", "coldwar", "crash-numbers", "stalin17", "titanic-times", "stalin18",
        "berlinwall", "stalin19", "greatfire", "stalin20", "stalin21", "chernobyl", "armada"])
def test_blind_sets_hold_their_ground(rubric, essays, rubric_file, floors):
    """Sets written from subject briefs by writers who never saw the rules, the last two on
    new questions whose rubrics were written from the documentation alone (see
    fixtures/blind/README.md). Far from the issue's targets; these are floors, not goals."""
    from grader import load_rubric

    r = load_rubric(BLIND_SETS / rubric_file) if rubric_file else rubric
    got = evaluate(read_dataset(BLIND_SETS / essays), r)
    precision, recall, on_correct, presence = floors
    assert got.flag_precision >= precision and got.flag_recall >= recall
    assert got.flags_on_correct <= on_correct and got.presence_f1 >= presence
