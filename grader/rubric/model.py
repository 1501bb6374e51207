"""A compiled rubric: cues, lexicon and fact checks built once and reused for every essay."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..text.lexicon import Lexicon
from .cues import Cue, Phrase


@dataclass
class Factor:
    id: str
    title: str
    description: str
    marks: list[float]
    identify: list[Cue]
    accept: Phrase | None
    details: list[Cue]
    links: list[Cue]
    min_details: int
    require_link: bool
    explainable: bool
    feedback: dict[str, str]
    examples: list[str] = field(default_factory=list)
    similarity: float | None = None
    wrong: list[Cue] = field(default_factory=list)

    @property
    def max_level(self) -> int:
        return len(self.marks) - 1

    @property
    def max_marks(self) -> float:
        return self.marks[-1]


@dataclass
class FactCheck:
    fact: str
    type: str
    trigger: Phrase
    who: frozenset[str]
    verbs: Phrase | None
    context: Phrase | None
    unless: Phrase | None
    negative: Phrase | None
    years: frozenset[int]
    month: int | None
    right: frozenset[str]
    wrong: frozenset[str]
    expect: bool
    hedged: bool
    side: str
    anaphora: bool
    role: str
    found: str | None
    expected: str | None
    statement: str | None = None
    # number checks: the right values [low, high] and the unit ("count", "percent", "money")
    low: float = 0.0
    high: float = 0.0
    unit: str = "count"
    # order checks: the event that came after the trigger's
    later: Phrase | None = None
    # date checks: the day of the month (checked when the essay gives one with the month)
    day: int | None = None
    # the names of `right`, for a correction ("Krupskaya and Lenin")
    right_names: str = ""
    # the trigger's plain words (a number check's measure words: "300 miles"), set at load
    trigger_words: frozenset[str] = frozenset()
    # the trigger's head words ("the ban" points back to it), filled on first use
    trigger_heads: frozenset[str] | None = field(default=None, repr=False, compare=False)


@dataclass
class Fact:
    id: str
    statement: str
    right: str
    checks: list[FactCheck]
    # each check as written or as made from the fact's data (keys left at their defaults
    # dropped): what `grader facts show` prints
    written: list[dict[str, Any]] = field(default_factory=list, repr=False, compare=False)


@dataclass
class Band:
    band: int
    label: str
    min_marks: float


@dataclass
class Group:
    id: str
    factors: list[str]
    cap: float | None


@dataclass
class Scoring:
    count: str
    groups: list[Group]
    table: list[tuple[float, float]]
    max_marks: float | None


@dataclass
class Rubric:
    """Everything needed to grade an essay against one question."""

    id: str
    version: str
    title: str
    question: str
    subject: str
    lexicon: Lexicon
    factors: list[Factor]
    facts: list[Fact]
    links: list[Cue]
    bands: list[Band]
    scoring: Scoring
    feedback: dict[str, str]
    period: tuple[int, int] | None = None
    model_answer: str | None = None
    source: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    similarity: float | None = None
    # example embeddings per factor id, filled on first use when the model is present
    example_vectors: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def factor(self, factor_id: str) -> Factor:
        return next(f for f in self.factors if f.id == factor_id)

    @property
    def fact_by_id(self) -> dict[str, Fact]:
        return {f.id: f for f in self.facts}
