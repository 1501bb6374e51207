"""Class overview figures from stored submissions: rows, factor coverage, bands, errors."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..store.models import Submission
from ..store.overrides import final_result

SORT_KEYS = ("student", "mark", "band", "flags")
_FACT_REF = re.compile(r"\s*\(F?\w+\)\.?$")


@dataclass
class EssayRow:
    id: str
    student: str
    marks: float
    max_marks: float
    band: int | None
    band_label: str
    levels: dict[str, int]
    flags: int
    overridden: bool


@dataclass
class Misconception:
    """One factual error and how many essays made it."""

    fact: str
    found: str
    message: str
    essays: int


@dataclass
class ClassView:
    rows: list[EssayRow]
    factors: list[tuple[str, str]]  # (id, title) in rubric order
    covered: dict[str, int]  # essays at level >= 1 per factor
    explained: dict[str, int]  # essays at the top level per factor
    bands: list[tuple[int | None, str, int]]
    misconceptions: list[Misconception]
    mean: float | None = None
    max_marks: float = 0.0
    max_levels: dict[str, int] = field(default_factory=dict)


def _final(row: Submission) -> dict[str, Any]:
    return row.final if row.final is not None else final_result(row.report, None, None)


def _message(flag: dict[str, Any]) -> str:
    text = flag.get("message") or f"{flag.get('found')} should be {flag.get('expected')}"
    return _FACT_REF.sub(".", text).rstrip(".") + "."


def class_view(submissions: list[Submission], sort: str = "student",
               descending: bool = False) -> ClassView:
    """Everything the overview page shows, from the assignment's submissions."""
    factors: list[tuple[str, str]] = []
    max_levels: dict[str, int] = {}
    rows: list[EssayRow] = []
    bands: Counter = Counter()
    labels: dict[int | None, str] = {}
    errors: Counter = Counter()
    messages: dict[tuple[str, str], str] = {}
    for s in submissions:
        final = _final(s)
        for f in s.report["factors"]:
            if f["id"] not in max_levels:
                factors.append((f["id"], f.get("title", f["id"])))
                max_levels[f["id"]] = f["max_level"]
        flags = s.report.get("flags", [])
        for key in {(fl.get("fact", ""), str(fl.get("found", ""))) for fl in flags}:
            errors[key] += 1
        for fl in flags:
            messages.setdefault((fl.get("fact", ""), str(fl.get("found", ""))), _message(fl))
        bands[final["band"]] += 1
        labels[final["band"]] = final.get("band_label", "")
        rows.append(EssayRow(s.id, s.student_ref or s.essay_name or s.id, final["marks"],
                             final["max_marks"], final["band"], final.get("band_label", ""),
                             {f["id"]: f["level"] for f in final["factors"]}, len(flags),
                             bool(s.override)))
    key = {"student": lambda r: r.student.lower(), "mark": lambda r: r.marks,
           "band": lambda r: (r.band is None, r.band or 0), "flags": lambda r: r.flags}
    rows.sort(key=key.get(sort, key["student"]), reverse=descending)
    covered = {fid: sum(1 for r in rows if r.levels.get(fid, 0) >= 1) for fid, _ in factors}
    explained = {fid: sum(1 for r in rows if r.levels.get(fid, 0) >= max(1, max_levels[fid]))
                 for fid, _ in factors}
    band_list = sorted(((b, labels[b], n) for b, n in bands.items()),
                       key=lambda t: (t[0] is None, -(t[0] or 0)))
    mis = [Misconception(fact, found, messages[(fact, found)], n)
           for (fact, found), n in errors.most_common()]
    mean = sum(r.marks for r in rows) / len(rows) if rows else None
    return ClassView(rows, factors, covered, explained, band_list, mis, mean,
                     max((r.max_marks for r in rows), default=0.0), max_levels)
