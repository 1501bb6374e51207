"""The essay report: highlighted essay, rubric table, feedback, the teacher's changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from marshmallow import ValidationError

from ..api.schemas import OverrideSchema
from ..rubric import Rubric
from ..store import get_store
from ..store import submissions as repo
from ..store.assignments import essay_order, get_assignment
from ..store.overrides import OverrideError, changes_between, final_result, merge_override
from ..store.rubrics import rubric_that_graded
from .highlight import essay_marks, render
from .overrides import FormError, form_patch, refreshed_summary
from .rubric_view import colour_index
from .security import login_required, owner_id
from .views import bp

_OVERRIDE = OverrideSchema()


@dataclass
class FactorView:
    """One row of the rubric table: the machine's values beside the final ones."""

    id: str
    title: str
    colour: int
    max_level: int
    max_marks: float
    machine_level: int
    machine_marks: float
    level: int
    marks: float
    evidence: int
    feedback: str
    machine_feedback: str
    overridden: bool
    level_marks: list[float]


def factor_views(report: dict[str, Any], final: dict[str, Any],
                 rubric: Rubric | None) -> list[FactorView]:
    titles = {f.id: f.title for f in rubric.factors} if rubric else {}
    marks = {f.id: list(f.marks) for f in rubric.factors} if rubric else {}
    colours = colour_index([f["id"] for f in report["factors"]])
    by_id = {f["id"]: f for f in final["factors"]}
    rows = []
    for f in report["factors"]:
        now = by_id.get(f["id"], f)
        rows.append(FactorView(
            id=f["id"], title=f.get("title") or titles.get(f["id"], f["id"]),
            colour=colours[f["id"]], max_level=f["max_level"], max_marks=f["max_marks"],
            machine_level=f["level"], machine_marks=f["marks"], level=now["level"],
            marks=now["marks"], evidence=len(f.get("evidence", [])),
            feedback=now.get("feedback", ""), machine_feedback=f.get("feedback", ""),
            overridden=(now["level"], now["marks"]) != (f["level"], f["marks"])
            or now.get("feedback", "") != f.get("feedback", ""),
            level_marks=marks.get(f["id"], [])))
    return rows


def _neighbours(session, row) -> tuple[str | None, str | None, int, int]:
    if not row.assignment_ref:
        return None, None, 1, 1
    ids = essay_order(session, owner_id(), row.assignment_ref)
    i = ids.index(row.id)
    return (ids[i - 1] if i > 0 else None, ids[i + 1] if i + 1 < len(ids) else None,
            i + 1, len(ids))


def _context(session, row, errors: dict[str, str] | None = None,
             pager: bool = True) -> dict[str, Any]:
    rubric = rubric_that_graded(session, owner_id(), row.rubric_id, row.rubric_digest)
    final = row.final if row.final is not None else final_result(row.report, None, None)
    factors = factor_views(row.report, final, rubric)
    titles = {f.id: f.title for f in factors}
    essay = render(row.text, essay_marks(row.report, {f.id: f.colour for f in factors},
                                         titles))
    prev_id, next_id, position, count = (_neighbours(session, row) if pager
                                         else (None, None, 1, 1))
    assignment = (get_assignment(session, owner_id(), row.assignment_ref)
                  if row.assignment_ref else None)
    return {"row": row, "report": row.report, "final": final, "factors": factors,
            "essay_html": essay, "rubric": rubric, "bands": rubric.bands if rubric else [],
            "override": row.override or {}, "prev_id": prev_id, "next_id": next_id,
            "position": position, "count": count, "assignment": assignment,
            "errors": errors or {}, "history": list(row.changes)}


def _owned(session, submission_id: str):
    row = repo.get_submission(session, owner_id(), submission_id)
    if row is None:
        abort(404, description="There is no essay with that id.")
    return row


@bp.get("/essays/<string:submission_id>", endpoint="report")
@login_required
def report_page(submission_id: str) -> ResponseReturnValue:
    with get_store().read() as session:
        return render_template("report.html", **_context(session, _owned(session,
                                                                          submission_id)))


@bp.get("/essays/<string:submission_id>/sheet", endpoint="sheet")
@login_required
def sheet_page(submission_id: str) -> ResponseReturnValue:
    with get_store().read() as session:
        ctx = _context(session, _owned(session, submission_id), pager=False)
        return render_template("sheets.html", sheets=[ctx], assignment=ctx["assignment"])


def _field_of(error_field: str, final: dict[str, Any]) -> str:
    """The form input an API-style error field ('factors.0.level', 'marks') belongs to."""
    parts = error_field.split(".")
    if parts[0] == "factors" and len(parts) >= 3 and parts[1].isdigit():
        return f"{parts[2]}-{final['factors'][int(parts[1])]['id']}" if int(
            parts[1]) < len(final["factors"]) else "form"
    return {"marks": "total"}.get(parts[0], parts[0])


@bp.post("/essays/<string:submission_id>", endpoint="change_report")
@login_required
def change_report(submission_id: str) -> ResponseReturnValue:
    """Apply the teacher's changes (the same override rules and storage as the API)."""
    errors: dict[str, str] = {}
    with get_store().write() as session:
        row = _owned(session, submission_id)
        final = row.final if row.final is not None else final_result(row.report, None, None)
        rubric = rubric_that_graded(session, owner_id(), row.rubric_id, row.rubric_digest)
        try:
            patch = _OVERRIDE.load(form_patch(request.form, final, row.override, rubric))
            merged = merge_override(row.override, patch)
            new_final = final_result(row.report, merged, rubric)
        except FormError as exc:
            errors[exc.field] = exc.message
        except ValidationError as exc:
            errors["form"] = f"These changes are not valid: {exc.messages}"
        except OverrideError as exc:
            errors[_field_of(exc.field, final)] = exc.message
        if not errors and "summary" not in patch.get("feedback", {}):
            summary = refreshed_summary(new_final["feedback"].get("summary", ""), new_final)
            if summary is not None:  # keep "Mark: …" in the summary true to the new mark
                merged = merge_override(merged, {"feedback": {"summary": summary}})
                new_final = final_result(row.report, merged, rubric)
        if not errors:
            changes = changes_between(final, new_final)
            if changes:
                repo.change_submission(session, row, merged, new_final, changes,
                                       f"teacher:{g.teacher.email}")
            return redirect(url_for("web.report", submission_id=row.id, saved=1) + "#marks",
                            303)
    with get_store().read() as session:
        ctx = _context(session, _owned(session, submission_id), errors)
        return render_template("report.html", **ctx), 422
