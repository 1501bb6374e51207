"""POST /api/v1/grade: an essay in, the version-1 report out; nothing stored."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify
from flask_smorest import Blueprint

from ..admission import turns
from ..pipeline import grade
from ..report.model import Report
from ..store import get_store
from .auth import current_caller, require_key
from .inputs import read_body, with_rubric
from .schemas import GradeRequestSchema, GradeUploadSchema, ReportSchema
from .spec import documents_errors

bp = Blueprint("api_grade", __name__, url_prefix="/api/v1", description="Grade an essay.")
bp.before_request(require_key)

_JSON = GradeRequestSchema()
_FORM = GradeUploadSchema()


@bp.route("/grade", methods=["POST"])
@bp.doc(requestBody={"required": True, "content": {
    "application/json": {"schema": GradeRequestSchema},
    "multipart/form-data": {"schema": GradeUploadSchema},
}})
@bp.response(200, ReportSchema)
@documents_errors(bp, 400, 413, 415, 422)
def grade_essay() -> Response:
    """Grade one essay against a rubric and return the report (stores nothing).

    Send JSON `{"rubric": "stalin-rise", "text": "…"}` or a multipart form with `rubric`
    and a `file` (.txt, .docx, .pdf, .odt, .rtf).
    """
    caller = current_caller()
    body = read_body(_JSON, _FORM)  # uploads are read before a database session opens
    with get_store().read() as session:
        essay = with_rubric(session, caller.owner_id, body)
    with turns(current_app).request_turn(len(essay.text)):  # long essays take turns
        report = grade(essay.text, essay.rubric, essay=essay.essay)
    return jsonify(report_body(report))


def report_body(report: Report) -> dict[str, Any]:
    """The report exactly as ReportSchema dumps it (marks as numbers with a decimal point),
    built in one pass: the schema's second walk over the report cost twice as much as
    building it. tests/api/test_grade.py holds the two equal, types included."""
    body = report.to_dict()
    for part in (*body["factors"], body["score"]):
        part["marks"] = float(part["marks"])
        part["max_marks"] = float(part["max_marks"])
    return body
