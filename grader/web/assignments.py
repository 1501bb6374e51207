"""Assignments: the list with counts, creating one from a rubric, and the rubric view."""

from __future__ import annotations

import json

from flask import abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..rubric import Rubric, RubricError, parse_rubric
from ..store import get_store
from ..store import rubrics as stored
from ..store.assignments import create_assignment, list_assignments
from ..store.audit import record
from .rubric_view import factor_rows
from .security import login_required, owner_id
from .views import bp

MAX_RUBRIC_UPLOAD = 1_000_000


def rubric_choices(session, owner: int) -> list[tuple[str, str]]:
    """(id, title) of the bundled rubrics and the teacher's own."""
    choices = [(rid, stored.bundled(rid).title) for rid in sorted(stored.bundled_rubrics())]
    choices += [(r.rubric_id, f"{r.title} (yours)") for r in stored.list_stored(session, owner)]
    return choices


@bp.get("/assignments", endpoint="assignments")
@login_required
def assignments_page() -> ResponseReturnValue:
    with get_store().read() as session:
        return render_template("assignments.html", rows=list_assignments(session, owner_id()))


def _uploaded_rubric(errors: dict[str, list[str]]) -> tuple[Rubric | None, dict | None]:
    upload = request.files.get("rubric_file")
    if upload is None or not upload.filename:
        return None, None
    data = upload.read(MAX_RUBRIC_UPLOAD + 1)
    if len(data) > MAX_RUBRIC_UPLOAD:
        errors["rubric_file"] = [f"The file is larger than {MAX_RUBRIC_UPLOAD:,} bytes."]
        return None, None
    try:
        rubric = parse_rubric(data.decode("utf-8-sig"), source=upload.filename)
    except UnicodeDecodeError:
        errors["rubric_file"] = ["The file is not UTF-8 text."]
        return None, None
    except RubricError as exc:
        errors["rubric_file"] = [f"{p.place}: {p.message}" for p in exc.problems]
        return None, None
    except RecursionError:
        errors["rubric_file"] = ["The file is nested too deeply."]
        return None, None
    if stored.is_bundled(rubric.id):
        errors["rubric_file"] = [f"id: {rubric.id!r} is a bundled rubric; choose another id."]
        return None, None
    return rubric, json.loads(json.dumps(rubric.raw, default=str))


@bp.route("/assignments/new", methods=["GET", "POST"], endpoint="new_assignment")
@login_required
def new_assignment_page() -> ResponseReturnValue:
    errors: dict[str, list[str]] = {}
    owner = owner_id()
    form = {"title": request.form.get("title", "").strip(),
            "rubric": request.form.get("rubric", "stalin-rise")}
    if request.method == "POST":
        if not form["title"]:
            errors["title"] = ["Give the assignment a title."]
        elif len(form["title"]) > 200:
            errors["title"] = ["Keep the title under 200 characters."]
        uploaded, definition = _uploaded_rubric(errors)
        with get_store().write() as session:
            if uploaded is None and not errors.get("rubric_file"):
                if stored.resolve(session, owner, form["rubric"]) is None:
                    errors["rubric"] = ["Choose one of the rubrics listed."]
            if not errors:
                rubric_id = form["rubric"]
                if uploaded is not None:
                    row = stored.get_stored(session, owner, uploaded.id)
                    if row is not None and row.definition != definition:
                        errors["rubric_file"] = [
                            f"id: you already have a different rubric {uploaded.id!r}; "
                            "give this one a new id."]
                    else:
                        stored.save(session, owner, uploaded, definition, row)
                        record(session, owner, f"teacher:{g.teacher.email}",
                               "rubric.replace" if row is not None else "rubric.create",
                               uploaded.id)
                        rubric_id = uploaded.id
                if not errors:
                    a = create_assignment(session, owner, form["title"], rubric_id)
                    return redirect(url_for("web.overview", assignment_id=a.id))
    with get_store().read() as session:
        choices = rubric_choices(session, owner)
    return render_template("assignment_new.html", form=form, errors=errors,
                           choices=choices), (422 if errors else 200)


@bp.get("/rubrics/<string:rubric_id>", endpoint="rubric")
@login_required
def rubric_page(rubric_id: str) -> ResponseReturnValue:
    with get_store().read() as session:
        rubric = stored.resolve(session, owner_id(), rubric_id)
    if rubric is None:
        abort(404, description="There is no rubric with that id.")
    return render_template("rubric.html", rubric=rubric, rows=factor_rows(rubric))
