"""A fact sheet's self-test: each fact's own statement must not be flagged, and wrong
versions of it (another year, another figure, another person) must be.

`grader facts test RUBRIC` prints what slipped, fact by fact, so a teacher sees which
checks do not catch the fact as the fact sheet itself words it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..pipeline import grade
from ..rubric.model import Fact, FactCheck, Rubric
from ..text.numbers import clock_text, find_quantities

_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")


@dataclass
class Trial:
    """One sentence tried against the fact sheet: `kind` says what it is ("statement",
    "reported", "wrong year", "wrong figure", "wrong person"); `should_flag` whether the
    fact must flag it; `flagged` whether it did."""

    fact: str
    kind: str
    text: str
    should_flag: bool
    flagged: bool = False

    @property
    def ok(self) -> bool:
        return self.flagged == self.should_flag


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _wrong_years(fact: Fact, check: FactCheck, statement: str) -> list[str]:
    """The statement with every right year moved by the same few years, to none of them
    right ("in 1924-1925" -> "in 1927-1928")."""
    found = [m for m in _YEAR.finditer(statement) if int(m.group(1)) in check.years]
    if not found:
        return []
    shift = next((d for d in (3, -3, 5, -5, 7, 11)
                  if not any(int(m.group(1)) + d in check.years for m in found)), 11)
    out = statement
    for m in reversed(found):
        out = out[:m.start()] + str(int(m.group(1)) + shift) + out[m.end():]
    return [out]


def _figure(value: float, unit: str) -> str:
    if unit == "clock":
        return clock_text(value)
    if unit == "percent":
        return f"{value:g}%"
    text = f"{value:,.0f}" if value >= 10 else f"{value:g}"
    return "$" + text if unit == "money" else text


def _wrong_figures(check: FactCheck, statement: str) -> list[str]:
    for q in find_quantities(statement):
        if q.unit == check.unit and q.agrees(check.low, check.high):
            if q.unit == "clock":
                wrong = q.value + 180  # three hours out
            else:
                wrong = q.value * 3 if not (q.unit == "percent" and q.value * 3 > 100) \
                    else q.value / 3
            return [statement[:q.start] + _figure(wrong, q.unit) + statement[q.end:]]
    return []


def _wrong_people(rubric: Rubric, check: FactCheck, statement: str) -> list[str]:
    """The statement with the first right person it names replaced by another person of
    the lexicon."""
    people = {eid: e for eid, e in rubric.lexicon.entities.items() if e.kind == "person"}
    others = [e for eid, e in people.items() if eid not in check.right and eid not in check.who]
    first: re.Match[str] | None = None
    for eid in check.right:
        ent = people.get(eid)
        if ent is None:
            continue
        for name in sorted({ent.name, *ent.name.split()[-1:]}, key=len, reverse=True):
            m = re.search(rf"\b{re.escape(name)}\b", statement)
            if m and (first is None or m.start() < first.start()):
                first = m
    if first is None or not others:
        return []
    return [statement[:first.start()] + others[0].name + statement[first.end():]]


def fact_trials(rubric: Rubric) -> list[Trial]:
    """The sentences to try for every fact (not yet graded)."""
    trials: list[Trial] = []
    for fact in rubric.facts:
        statements = list(dict.fromkeys(
            _sentence(s) for s in [fact.statement, *(c.statement for c in fact.checks)] if s))
        for s in statements:
            trials.append(Trial(fact.id, "statement", s, False))
        main = statements[0]
        first = main.split()[0].lower() if main.split() else ""
        reported = main[:1].lower() + main[1:] if first in ("the", "a", "an", "it") else main
        trials.append(Trial(fact.id, "reported", "Some historians say that " + reported,
                            False))
        for check in fact.checks:
            s = _sentence(check.statement) if check.statement else main
            if check.type == "date" and check.years:
                trials += [Trial(fact.id, "wrong year", w, True)
                           for w in _wrong_years(fact, check, s)]
            elif check.type == "number":
                trials += [Trial(fact.id, "wrong figure", w, True)
                           for w in _wrong_figures(check, s)]
            elif check.type in ("person", "members") and check.right:
                trials += [Trial(fact.id, "wrong person", w, True)
                           for w in _wrong_people(rubric, check, s)]
    seen: set[tuple[str, str]] = set()
    unique = []
    for t in trials:
        if (t.fact, t.text) not in seen:
            seen.add((t.fact, t.text))
            unique.append(t)
    return unique


def run_fact_trials(rubric: Rubric) -> list[Trial]:
    """Every trial graded on its own: `flagged` is whether its fact flagged it."""
    trials = fact_trials(rubric)
    for t in trials:
        report = grade(t.text, rubric)
        t.flagged = any(f.fact == t.fact for f in report.flags)
    return trials


def render_trials(trials: list[Trial]) -> str:
    """What slipped, fact by fact, and a summary line."""
    lines = []
    by_fact: dict[str, list[Trial]] = {}
    for t in trials:
        by_fact.setdefault(t.fact, []).append(t)
    for fact, ts in by_fact.items():
        wrong = [t for t in ts if t.should_flag]
        caught = sum(t.flagged for t in wrong)
        bad = [t for t in ts if not t.ok]
        status = "ok" if not bad else f"{len(bad)} problem{'s' if len(bad) > 1 else ''}"
        versions = f"{caught} of {len(wrong)} wrong versions flagged" if wrong else \
            "no wrong version could be made from its statement"
        lines.append(f"{fact}: {status} ({versions})")
        for t in bad:
            what = (f"{t.kind} flagged (it is right)" if not t.should_flag
                    else f"{t.kind} not flagged")
            lines.append(f"    {what}: \u201c{t.text}\u201d")
    problems = sum(not t.ok for t in trials)
    lines.append(f"{len(by_fact)} facts, {len(trials)} sentences tried, "
                 f"{problems} problem{'s' if problems != 1 else ''}")
    return "\n".join(lines)


__all__ = ["Trial", "fact_trials", "render_trials", "run_fact_trials"]
