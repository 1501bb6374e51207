"""The grading core's objects survive pickle, copy and deepcopy, compiled by mypyc or not (a
batch pool that spawns its workers pickles the rubric)."""

import copy
import pickle

import pytest

from grader import grade
from grader.analysis.people import person_refs
from grader.text import build_document

ESSAY = ("Stalin was General Secretary from 1922. Lenin's Testament warned against him, but "
         "Zinoviev and Kamenev helped him hide it. Trotsky was exiled in 1929.")


def _objects(rubric):
    doc = build_document(ESSAY, rubric.lexicon)
    hits = [h for f in rubric.factors for cue in f.identify for h in cue.find(doc)]
    return {"document": doc, "token": doc.tokens[0], "sentence": doc.sentences[0],
            "mention": doc.mentions[0], "span": doc.paragraphs[0], "year": doc.years[0],
            "person": person_refs(doc)[0], "hits": hits, "report": grade(ESSAY, rubric),
            "entity": next(iter(rubric.lexicon.entities.values()))}


@pytest.mark.parametrize("how", ["pickle", "copy", "deepcopy"])
def test_core_objects_are_made_again_equal(rubric, how):
    again = {"pickle": lambda o: pickle.loads(pickle.dumps(o)), "copy": copy.copy,
             "deepcopy": copy.deepcopy}[how]
    for name, obj in _objects(rubric).items():
        assert again(obj) == obj, name


def test_the_rubric_pickles(rubric):
    again = pickle.loads(pickle.dumps(rubric))
    assert again.id == rubric.id
    assert grade(ESSAY, again).to_dict() == grade(ESSAY, rubric).to_dict()
