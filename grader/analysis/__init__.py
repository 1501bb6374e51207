"""Analysers: coverage of factors, fact checks, writing — pure functions of (Document, Rubric)."""

from .coverage import Coverage, assess_coverage
from .facts import FactFindings, check_facts, read_facts
from .writing import assess_writing

__all__ = ["Coverage", "FactFindings", "assess_coverage", "check_facts", "read_facts",
           "assess_writing"]
