"""What a head of department wants after a batch: counts, marks, bands, common errors, gaps."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..rubric import Rubric
from .pool import Outcome

MAX_LISTED_FAILURES = 20


@dataclass
class Summary:
    """Accumulates Outcomes in constant memory (failures beyond the first few are counted)."""

    rubric: Rubric
    graded: int = 0
    failed: int = 0
    marks_total: float = 0.0
    max_marks: float = 0.0
    bands: Counter = field(default_factory=Counter)
    facts: Counter = field(default_factory=Counter)
    missing: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        if outcome.error is not None:
            self.add_failure(outcome.name, outcome.error)
            return
        self.graded += 1
        self.marks_total += outcome.marks
        self.max_marks = max(self.max_marks, outcome.max_marks)
        self.bands[outcome.band] += 1
        self.facts.update(set(outcome.flags))
        self.missing.update(outcome.missing)

    def add_report(self, report: dict[str, Any]) -> None:
        """Count a stored version-1 report (the service builds its summary from these)."""
        score = report["score"]
        self.add(Outcome(report.get("essay") or "", marks=score["marks"],
                         max_marks=score["max_marks"], band=score.get("band"),
                         flags=[f["fact"] for f in report.get("flags", [])],
                         missing=[f["id"] for f in report.get("factors", [])
                                  if f["level"] == 0]))

    def add_failure(self, name: str, reason: str) -> None:
        self.failed += 1
        self.reasons[reason] += 1
        if len(self.failures) < MAX_LISTED_FAILURES:
            self.failures.append((name, reason))

    @property
    def mean_marks(self) -> float | None:
        return self.marks_total / self.graded if self.graded else None

    def to_dict(self, top: int = 5) -> dict[str, Any]:
        """The JSON form (also the body of a batch's callback)."""
        facts = {f.id: f for f in self.rubric.facts}
        factors = {f.id: f for f in self.rubric.factors}
        labels = {b.band: b.label for b in getattr(self.rubric, "bands", [])}
        mean = self.mean_marks
        return {
            "graded": self.graded,
            "failed": self.failed,
            "mean_marks": None if mean is None else round(mean, 2),
            "max_marks": self.max_marks,
            "bands": [{"band": b, "label": labels.get(b, ""), "count": n}
                      for b, n in sorted(self.bands.items(), key=lambda kv: (kv[0] is None,
                                                                             kv[0] or 0))],
            "common_factual_errors": [
                {"fact": fid, "statement": facts[fid].statement if fid in facts else "",
                 "essays": n} for fid, n in self.facts.most_common(top)],
            "factors_most_often_missing": [
                {"factor": fid, "title": factors[fid].title if fid in factors else fid,
                 "essays": n} for fid, n in self.missing.most_common(top)],
            "failures": [{"essay": n, "error": r} for n, r in self.failures],
            "failure_reasons": dict(self.reasons.most_common(top)),
        }

    def render(self, top: int = 5) -> str:
        """A short plain-text summary for the terminal."""
        d = self.to_dict(top)
        total = self.graded + self.failed
        lines = [f"Graded {self.graded} of {_essays(total)}; {self.failed} failed."]
        if d["mean_marks"] is not None:
            lines.append(f"Mean mark: {d['mean_marks']:g} / {d['max_marks']:g}")
        if d["bands"]:
            lines.append("Bands:")
            for b in d["bands"]:
                pct = 100 * b["count"] / self.graded
                label = f" ({b['label']})" if b["label"] else ""
                name = "none" if b["band"] is None else b["band"]
                lines.append(f"  band {name}{label}: {b['count']} ({pct:.0f}%)")
        if d["common_factual_errors"]:
            lines.append("Most common factual errors:")
            for f in d["common_factual_errors"]:
                lines.append(f"  {f['fact']} ({_essays(f['essays'])}): {f['statement']}")
        if d["factors_most_often_missing"]:
            lines.append("Factors most often missing:")
            for f in d["factors_most_often_missing"]:
                lines.append(f"  {f['title']}: missing in {_essays(f['essays'])}")
        if self.failed:
            lines.append("Failed:")
            for f in d["failures"]:
                lines.append(f"  {f['essay']}: {f['error']}")
            if self.failed > len(d["failures"]):
                lines.append(f"  ... and {self.failed - len(d['failures'])} more; by reason:")
                for reason, n in d["failure_reasons"].items():
                    lines.append(f"    {n} x {reason}")
        return "\n".join(lines) + "\n"


def _essays(n: int) -> str:
    return f"{n} essay" if n == 1 else f"{n} essays"
