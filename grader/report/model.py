"""The report: plain dataclasses and their version-1 JSON form (ARCHITECTURE.md)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Final

REPORT_VERSION: Final = "1"


@dataclass
class Evidence:
    start: int
    end: int
    text: str


@dataclass
class FactorResult:
    id: str
    title: str
    level: int
    max_level: int
    marks: float
    max_marks: float
    confidence: float
    evidence: list[Evidence]
    feedback: str


@dataclass
class Flag:
    fact: str
    kind: str
    start: int
    end: int
    text: str
    found: str
    expected: str
    message: str


@dataclass
class Review:
    """A sentence the grader could not settle against the fact sheet: for the teacher to
    check, never shown to the student (`reason` says what to look at, in plain words)."""

    fact: str
    start: int
    end: int
    text: str
    reason: str


@dataclass
class SpellingIssue:
    start: int
    end: int
    word: str
    suggestions: list[str]


@dataclass
class CaseIssue:
    start: int
    end: int
    word: str
    expected: str


@dataclass
class Writing:
    spelling: list[SpellingIssue] = field(default_factory=list)
    capitalisation: list[CaseIssue] = field(default_factory=list)


@dataclass
class Stats:
    words: int
    sentences: int
    paragraphs: int


@dataclass
class Score:
    marks: float
    max_marks: float
    band: int | None
    band_label: str


@dataclass
class Feedback:
    summary: str
    strengths: list[str]
    next_steps: list[str]


@dataclass
class Report:
    """Everything the grader says about one essay."""

    essay: str | None
    rubric_id: str
    rubric_version: str
    stats: Stats
    factors: list[FactorResult]
    flags: list[Flag]
    writing: Writing
    score: Score
    feedback: Feedback
    review: list[Review] = field(default_factory=list)

    def factor(self, factor_id: str) -> FactorResult:
        return next(f for f in self.factors if f.id == factor_id)

    def to_dict(self) -> dict[str, Any]:
        """The version-1 wire form."""
        return {
            "essay": self.essay,
            "rubric": {"id": self.rubric_id, "version": self.rubric_version},
            "stats": _plain(self.stats),
            "factors": [_num(_plain(f)) for f in self.factors],
            "flags": [_plain(f) for f in self.flags],
            "writing": _plain(self.writing),
            "score": _num(_plain(self.score)),
            "feedback": _plain(self.feedback),
            "review": [_plain(r) for r in self.review],
        }


_FIELDS: Final[dict[type, tuple[str, ...]]] = {}
_LEAVES: Final = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """`dataclasses.asdict` without its deep copies of plain values (the report holds only
    dataclasses, lists, tuples, dicts, strings, numbers, booleans and None). Leaves are
    returned where they are met, without a call each."""
    cls = type(value)
    names = _FIELDS.get(cls)
    if names is None and hasattr(cls, "__dataclass_fields__"):
        names = _FIELDS.setdefault(cls, tuple(f.name for f in fields(cls)))
    if names is not None:
        return {n: v if type(v) in _LEAVES else _plain(v)
                for n in names for v in (getattr(value, n),)}
    if cls is list:
        return [v if type(v) in _LEAVES else _plain(v) for v in value]
    if cls is tuple:
        return tuple(v if type(v) in _LEAVES else _plain(v) for v in value)
    if cls is dict:
        return {k: v if type(v) in _LEAVES else _plain(v) for k, v in value.items()}
    return value


def _num(d: dict[str, Any]) -> dict[str, Any]:
    """Whole-number marks print as ints (4, not 4.0)."""
    for k in ("marks", "max_marks"):
        v = d.get(k)
        if isinstance(v, float) and v.is_integer():
            d[k] = int(v)
    return d
