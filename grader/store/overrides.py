"""A teacher's override applied to the machine's report: final levels, marks, band, feedback."""

from __future__ import annotations

import copy
from typing import Any

from ..report.scoring import band_for, factor_marks, total_marks
from ..rubric.model import Rubric


class OverrideError(ValueError):
    """An override that does not fit the rubric; `field` names the part at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def merge_override(current: dict[str, Any] | None, patch: dict[str, Any]) -> dict[str, Any]:
    """The stored override after `patch` (factors merge by id; other keys replace)."""
    merged = copy.deepcopy(current or {})
    for item in patch.get("factors", []):
        entry = merged.setdefault("factors", {}).setdefault(item["id"], {})
        entry.update({k: v for k, v in item.items() if k != "id"})
    for key in ("marks", "band", "feedback"):
        if key in patch:
            if patch[key] is None:
                merged.pop(key, None)
            elif key == "feedback":
                merged.setdefault("feedback", {}).update(patch["feedback"])
            else:
                merged[key] = patch[key]
    return merged


def _check(report: dict[str, Any], override: dict[str, Any], rubric: Rubric | None) -> None:
    factors = {f["id"]: f for f in report["factors"]}
    for i, (fid, entry) in enumerate(override.get("factors", {}).items()):
        place = f"factors.{i}"
        if fid not in factors:
            raise OverrideError(f"{place}.id", f"no factor {fid!r} in this rubric")
        f = factors[fid]
        if "level" in entry and not 0 <= entry["level"] <= f["max_level"]:
            raise OverrideError(f"{place}.level", f"level must be 0 to {f['max_level']}")
        if "marks" in entry and not 0 <= entry["marks"] <= f["max_marks"]:
            raise OverrideError(f"{place}.marks", f"marks must be 0 to {f['max_marks']}")
        if "level" in entry and "marks" not in entry and rubric is None:
            raise OverrideError(
                f"{place}.marks", "the rubric is no longer available: give marks with the level"
            )
    max_marks = report["score"]["max_marks"]
    if "marks" in override and not 0 <= override["marks"] <= max_marks:
        raise OverrideError("marks", f"marks must be 0 to {max_marks}")
    if "band" in override and rubric is not None:
        bands = {b.band for b in rubric.bands}
        if bands and override["band"] not in bands:
            raise OverrideError("band", f"band must be one of {sorted(bands)}")


def final_result(
    report: dict[str, Any], override: dict[str, Any] | None, rubric: Rubric | None
) -> dict[str, Any]:
    """Levels, marks, band and feedback after the override (the report's own if none).

    Raises OverrideError if the override does not fit the report and rubric.
    """
    override = override or {}
    _check(report, override, rubric)
    chosen = override.get("factors", {})
    levels = {f["id"]: chosen.get(f["id"], {}).get("level", f["level"]) for f in report["factors"]}
    score = report["score"]
    marks = float(score["marks"])
    if rubric is not None and any("level" in e for e in chosen.values()):
        marks, _ = total_marks(rubric, levels)
        per_factor = factor_marks(rubric, levels)
    else:
        per_factor = {f["id"]: f["marks"] for f in report["factors"]}
    factors = []
    for f in report["factors"]:
        entry = chosen.get(f["id"], {})
        f_marks = per_factor.get(f["id"], f["marks"])
        if "marks" in entry:
            marks += entry["marks"] - f_marks
            f_marks = entry["marks"]
        factors.append(
            {
                "id": f["id"],
                "level": levels[f["id"]],
                "marks": f_marks,
                "max_marks": f["max_marks"],
                "feedback": entry.get("feedback", f.get("feedback", "")),
                "overridden": bool(entry),
            }
        )
    marks = override.get("marks", max(0.0, min(marks, float(score["max_marks"]))))
    band, label = score.get("band"), score.get("band_label", "")
    if rubric is not None and marks != score["marks"]:
        band, label = band_for(rubric, marks)
    if "band" in override:
        band = override["band"]
        if rubric is not None:
            label = next((b.label for b in rubric.bands if b.band == band), "")
    feedback = dict(report.get("feedback", {}))
    feedback.update(override.get("feedback", {}))
    return {
        "marks": marks,
        "max_marks": score["max_marks"],
        "band": band,
        "band_label": label,
        "factors": factors,
        "feedback": feedback,
        "overridden": bool(override),
    }


def changes_between(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What a teacher changed between two final results: {"marks": {"from": 3, "to": 4}, …}
    for marks, band, each factor's level, marks and feedback, and the overall feedback."""
    changes: dict[str, Any] = {}
    for key in ("marks", "band", "band_label"):
        if old[key] != new[key]:
            changes[key] = {"from": old[key], "to": new[key]}
    before = {f["id"]: f for f in old["factors"]}
    for f in new["factors"]:
        for key in ("level", "marks", "feedback"):
            if before[f["id"]][key] != f[key]:
                changes[f"factors.{f['id']}.{key}"] = {"from": before[f["id"]][key],
                                                       "to": f[key]}
    for key in sorted(set(old["feedback"]) | set(new["feedback"])):
        if old["feedback"].get(key) != new["feedback"].get(key):
            changes[f"feedback.{key}"] = {"from": old["feedback"].get(key),
                                          "to": new["feedback"].get(key)}
    return changes
