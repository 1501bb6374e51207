"""The report page's form as an override patch: only what the teacher actually changed."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.datastructures import MultiDict

from ..rubric import Rubric


class FormError(ValueError):
    """A form value that is not a number where one is needed; `field` names the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _number(form: MultiDict, name: str, kind: type) -> Any:
    raw = form.get(name, "").strip()
    if raw == "":
        return None
    try:
        value = kind(raw)
    except ValueError:
        raise FormError(name, "Enter a number.") from None
    if kind is float and value != value:  # NaN
        raise FormError(name, "Enter a number.")
    return value


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]


def form_patch(form: MultiDict, final: dict[str, Any], override: dict[str, Any] | None,
               rubric: Rubric | None) -> dict[str, Any]:
    """The override patch (as PATCH /submissions takes it) for the fields that changed.

    A changed level without a changed mark sets the rubric's mark for that level when the
    teacher had fixed that factor's mark before (otherwise the marks follow the level).
    The total and the band are set when given and cleared when emptied.
    """
    override = override or {}
    patch: dict[str, Any] = {}
    factors = []
    for f in final["factors"]:
        fid = f["id"]
        entry: dict[str, Any] = {}
        level = _number(form, f"level-{fid}", int)
        marks = _number(form, f"marks-{fid}", float)
        if level is not None and level != f["level"]:
            entry["level"] = level
        if marks is not None and marks != f["marks"]:
            entry["marks"] = marks
        elif "level" in entry and "marks" in override.get("factors", {}).get(fid, {}):
            if rubric is not None:
                factor = next((x for x in rubric.factors if x.id == fid), None)
                if factor is not None and 0 <= level <= factor.max_level:
                    entry["marks"] = factor.marks[level]
        feedback = form.get(f"feedback-{fid}")
        if feedback is not None and feedback.strip() != (f.get("feedback") or "").strip():
            entry["feedback"] = feedback.strip()
        if entry:
            factors.append({"id": fid, **entry})
    if factors:
        patch["factors"] = factors
    total = _number(form, "total", float)
    if total is not None and total != override.get("marks"):
        patch["marks"] = total
    elif total is None and "marks" in override:
        patch["marks"] = None
    band = _number(form, "band", int)
    if band is not None and band != override.get("band"):
        patch["band"] = band
    elif band is None and "band" in override:
        patch["band"] = None
    feedback: dict[str, Any] = {}
    current = final.get("feedback", {})
    if "summary" in form and form["summary"].strip() != (current.get("summary") or "").strip():
        feedback["summary"] = form["summary"].strip()
    for key in ("strengths", "next_steps"):
        if key in form and _lines(form[key]) != list(current.get(key) or []):
            feedback[key] = _lines(form[key])
    if feedback:
        patch["feedback"] = feedback
    return patch


_MARK_SENTENCE = re.compile(r"Mark: [\d.]+ / [\d.]+(?: \([^)]*\))?\.$")


def _num(x: float) -> str:
    return f"{x:g}"


def refreshed_summary(summary: str, final: dict[str, Any]) -> str | None:
    """The machine's summary with its closing 'Mark: …' sentence showing the final marks.

    None when the summary has no such sentence or it already shows them.
    """
    label = final.get("band_label") or ""
    sentence = (f"Mark: {_num(final['marks'])} / {_num(final['max_marks'])}"
                + (f" ({label})." if label else "."))
    if not _MARK_SENTENCE.search(summary or ""):
        return None
    new = _MARK_SENTENCE.sub(sentence, summary)
    return None if new == summary else new
