"""Marks from levels, the rubric's scoring rules (groups, caps, tables) and the band."""

from __future__ import annotations

from ..rubric.model import Rubric


def factor_marks(rubric: Rubric, levels: dict[str, int]) -> dict[str, float]:
    return {f.id: f.marks[min(levels.get(f.id, 0), f.max_level)] for f in rubric.factors}


def total_marks(rubric: Rubric, levels: dict[str, int]) -> tuple[float, float]:
    """(marks, max_marks) on the rubric's own scale.

    `count: marks` adds factor marks; `count: factors` counts factors present (key elements).
    Groups cap what their factors can add; a table maps the count to a score.
    """
    sc = rubric.scoring
    marks = factor_marks(rubric, levels)
    if sc.count == "factors":
        values = {fid: (1.0 if levels.get(fid, 0) >= 1 else 0.0) for fid in marks}
        maxima = {fid: 1.0 for fid in marks}
    else:
        values = marks
        maxima = {f.id: f.max_marks for f in rubric.factors}
    grouped: set[str] = set()
    total = 0.0
    possible = 0.0
    for g in sc.groups:
        got = sum(values[f] for f in g.factors)
        top = sum(maxima[f] for f in g.factors)
        if g.cap is not None:
            got, top = min(got, g.cap), min(top, g.cap)
        total += got
        possible += top
        grouped.update(g.factors)
    for fid, v in values.items():
        if fid not in grouped:
            total += v
            possible += maxima[fid]
    if sc.table:
        score = next((s for minimum, s in sc.table if total >= minimum), 0.0)
        top = max(s for _, s in sc.table)
        return score, sc.max_marks if sc.max_marks is not None else top
    return total, sc.max_marks if sc.max_marks is not None else possible


def band_for(rubric: Rubric, marks: float) -> tuple[int | None, str]:
    for b in rubric.bands:
        if marks >= b.min_marks:
            return b.band, b.label
    return None, ""
