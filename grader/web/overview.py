"""The class overview of an assignment, its CSV export and the printable feedback sheets."""

from __future__ import annotations

from flask import Response, abort, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue

from ..api.export import stream_csv
from ..store import get_store
from ..store import submissions as repo
from ..store.assignments import assignment_submissions, get_assignment
from ..store.rubrics import resolve
from .classview import SORT_KEYS, class_view
from .report import _context
from .rubric_view import colour_index
from .security import login_required, owner_id
from .views import bp


def _assignment(session, assignment_id: str):
    assignment = get_assignment(session, owner_id(), assignment_id)
    if assignment is None:
        abort(404, description="There is no assignment with that id.")
    return assignment


@bp.get("/assignments/<string:assignment_id>", endpoint="overview")
@login_required
def overview_page(assignment_id: str) -> ResponseReturnValue:
    sort = request.args.get("sort", "student")
    sort = sort if sort in SORT_KEYS else "student"
    descending = request.args.get("dir") == "desc"
    with get_store().read() as session:
        assignment = _assignment(session, assignment_id)
        view = class_view(assignment_submissions(session, owner_id(), assignment.id), sort,
                          descending)
        rubric = resolve(session, owner_id(), assignment.rubric_id)
        if rubric is not None and not view.factors:
            view.factors = [(f.id, f.title) for f in rubric.factors]
            view.max_levels = {f.id: f.max_level for f in rubric.factors}
        if rubric is not None and rubric.bands:
            counts = {b: n for b, _, n in view.bands}
            view.bands = [(b.band, b.label, counts.pop(b.band, 0)) for b in rubric.bands] + [
                (b, label, n) for b, label, n in view.bands if b in counts]
        colours = colour_index([fid for fid, _ in view.factors])
        return render_template("overview.html", assignment=assignment, view=view, sort=sort,
                               descending=descending, colours=colours, rubric=rubric)


@bp.get("/assignments/<string:assignment_id>/export.csv", endpoint="export")
@login_required
def export_csv(assignment_id: str) -> ResponseReturnValue:
    """One row per essay, final marks after the teacher's changes; formulas neutralised."""
    store = get_store()
    owner = owner_id()
    with store.read() as session:
        assignment = _assignment(session, assignment_id)
        filename = "".join(c if c.isalnum() or c in "-_" else "-" for c in assignment.title)
    filters = repo.Filters(assignment_ref=assignment_id)

    def generate():
        with store.read() as session:
            columns = repo.factor_columns(session, owner, filters)
            yield from stream_csv(repo.iter_submissions(session, owner, filters), columns)

    return Response(stream_with_context(generate()), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename[:60] or "marks"}.csv"'})


@bp.get("/assignments/<string:assignment_id>/sheets", endpoint="sheets")
@login_required
def sheets_page(assignment_id: str) -> ResponseReturnValue:
    with get_store().read() as session:
        assignment = _assignment(session, assignment_id)
        rows = assignment_submissions(session, owner_id(), assignment.id)
        rows.sort(key=lambda r: (r.student_ref or r.essay_name or r.id).lower())
        sheets = [_context(session, row, pager=False) for row in rows]
        return render_template("sheets.html", sheets=sheets, assignment=assignment)
