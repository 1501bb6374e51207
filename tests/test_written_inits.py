"""Dataclasses whose __init__ is written out (so mypyc compiles it) take their fields, in order."""

import dataclasses

import pytest

from grader.analysis.people import PersonRef
from grader.rubric.cues import Hit
from grader.text.document import Mention, Sentence
from grader.text.tokens import Token

WRITTEN = [Token, Hit, Sentence, Mention, PersonRef]


def _sample(annotation, i: int):
    """A value of the field's type, different from its neighbours' (so a swap shows); the
    annotation is a string in pure Python, a runtime class in a compiled module (where
    `str | None` becomes `type`)."""
    name = annotation if isinstance(annotation, str) else annotation.__name__
    text, words = f"s{i}", frozenset({f"e{i}"})
    return {"int": 100 + i, "str": text, "str | None": text, "type": text, "bool": i % 2 == 0,
            "frozenset[str]": words, "frozenset": words}[name]


@pytest.mark.parametrize("cls", WRITTEN)
def test_written_init_sets_every_field(cls):
    fields = dataclasses.fields(cls)
    values = [_sample(f.type, i) for i, f in enumerate(fields)]
    obj = cls(*values)
    assert [getattr(obj, f.name) for f in fields] == values
    assert dataclasses.replace(obj) == obj
    assert cls(**{f.name: v for f, v in zip(fields, values, strict=True)}) == obj
    required = [v for f, v in zip(fields, values, strict=True) if f.default is dataclasses.MISSING]
    defaulted = cls(*required)
    for f in fields:
        if f.default is not dataclasses.MISSING:
            assert getattr(defaulted, f.name) == f.default, (cls.__name__, f.name)
