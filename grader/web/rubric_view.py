"""A rubric as a teacher reads it: per factor what level 1 and level 2 need, and the marks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..rubric import Rubric


@dataclass
class FactorRow:
    id: str
    title: str
    description: str
    levels: list[str]  # what each level above 0 needs, level 1 first
    marks: list[float]  # marks for level 0, 1, 2...


def _labels(raw_factor: dict[str, Any]) -> list[str]:
    details = (raw_factor.get("explain") or {}).get("details") or []
    return [d["label"] for d in details if isinstance(d, dict) and d.get("label")]


def factor_rows(rubric: Rubric) -> list[FactorRow]:
    """One row per factor, in rubric order."""
    raw = {f.get("id"): f for f in rubric.raw.get("factors", []) if isinstance(f, dict)}
    rows = []
    for f in rubric.factors:
        need = [f"Identifies {f.title}: names or describes it."]
        if f.max_level >= 2:
            labels = _labels(raw.get(f.id, {}))
            n = f.min_details
            detail = f"gives at least {n} accurate specific detail{'s' if n != 1 else ''}"
            if labels:
                detail += " (for example: " + "; ".join(labels) + ")"
            link = " and says how it answers the question" if f.require_link else ""
            need.append(f"Explains {f.title}: {detail}{link}.")
        rows.append(FactorRow(f.id, f.title, f.description, need, list(f.marks)))
    return rows


def colour_index(rubric_factors: list[str]) -> dict[str, int]:
    """A palette slot per factor id (eight colours, reused beyond eight)."""
    return {fid: i % 8 for i, fid in enumerate(rubric_factors)}
