"""Rubric files: schema, cue language, compilation and the bundled rubrics."""

from .loader import (
    Problem,
    RubricError,
    bundled_rubrics,
    check_rubric,
    load_bundled,
    load_rubric,
    parse_rubric,
)
from .model import Fact, FactCheck, Factor, Rubric

__all__ = ["Problem", "RubricError", "bundled_rubrics", "check_rubric", "load_bundled",
           "load_rubric", "parse_rubric", "Factor", "Fact", "FactCheck", "Rubric"]
