"""/api/v1/submissions: grade and store, list, read, override, delete, export as CSV."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Response, current_app, request, stream_with_context, url_for
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from ..admission import turns
from ..pipeline import grade
from ..store import get_store
from ..store import submissions as repo
from ..store.overrides import OverrideError, changes_between, final_result, merge_override
from ..store.rubrics import rubric_that_graded
from .auth import current_caller, require_key
from .export import stream_csv
from .inputs import invalid, json_body, load, read_body, with_rubric
from .presenters import final_of, submission_full, submission_summary
from .problems import ApiProblem
from .schemas import (
    OverrideSchema,
    SubmissionPageSchema,
    SubmissionQuerySchema,
    SubmissionRequestSchema,
    SubmissionSchema,
    SubmissionUploadSchema,
)
from .spec import documents_errors

bp = Blueprint("api_submissions", __name__, url_prefix="/api/v1",
               description="Stored submissions: graded essays you can list, change and export.")
bp.before_request(require_key)

_JSON = SubmissionRequestSchema()
_FORM = SubmissionUploadSchema()
_OVERRIDE = OverrideSchema()
IDEMPOTENCY_HEADER = {"name": "Idempotency-Key", "in": "header", "required": False,
                      "schema": {"type": "string", "maxLength": 200},
                      "description": "A retry with the same key returns the first result "
                                     "and stores nothing new."}


def _not_found(public_id: str) -> ApiProblem:
    return ApiProblem(404, f"No submission {public_id!r}.")


def _filters(args: dict[str, Any]) -> repo.Filters:
    names = ("assignment_ref", "student_ref", "rubric", "external_id", "created_from",
             "created_to")
    return repo.Filters(**{n: args.get(n) for n in names})


def _idempotency() -> tuple[str, str] | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not key or len(key) > 200:
        raise invalid([{"field": "Idempotency-Key", "message": "must be 1 to 200 characters"}])
    digest = hashlib.sha256()
    digest.update((request.content_type or "").encode())
    digest.update(b"\0")
    digest.update(request.get_data(cache=True))
    return key, digest.hexdigest()


def _replay(session, owner_id: int, key: str, request_hash: str):
    record = repo.find_idempotency(session, owner_id, key)
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise ApiProblem(409, "This Idempotency-Key was already used with a different request.",
                         title="Idempotency conflict")
    row = repo.get_submission(session, owner_id, record.submission_id)
    if row is None:
        raise ApiProblem(409, "The submission created with this Idempotency-Key was deleted.",
                         title="Idempotency conflict")
    return submission_full(row), record.status_code, {
        "Location": url_for(".get_submission", submission_id=row.id),
        "Idempotent-Replayed": "true"}


@bp.route("/submissions", methods=["POST"])
@bp.doc(parameters=[IDEMPOTENCY_HEADER], requestBody={"required": True, "content": {
    "application/json": {"schema": SubmissionRequestSchema},
    "multipart/form-data": {"schema": SubmissionUploadSchema},
}})
@bp.response(201, SubmissionSchema)
@documents_errors(bp, 400, 409, 413, 415, 422)
def create_submission():
    """Grade an essay and store it with its report (text or file, plus your references)."""
    caller = current_caller()
    idem = _idempotency()
    store = get_store()
    if idem is not None:
        with store.read() as session:
            replayed = _replay(session, caller.owner_id, *idem)
        if replayed is not None:
            return replayed
    sent = read_body(_JSON, _FORM)  # decoded and extracted outside any session
    with store.read() as session:
        essay = with_rubric(session, caller.owner_id, sent)
    with turns(current_app).request_turn(len(essay.text)):  # long essays take turns
        report = grade(essay.text, essay.rubric, essay=essay.essay).to_dict()
    fields = {**essay.fields, "essay_name": essay.essay}
    try:
        with store.write() as session:
            row = repo.create_submission(session, caller.owner_id, text=essay.text,
                                         report=report, fields=fields, idempotency=idem,
                                         rubric=essay.rubric)
            body = submission_full(row)
    except IntegrityError:
        if idem is None:
            raise
        with store.read() as session:  # a concurrent request with the same key won
            replayed = _replay(session, caller.owner_id, *idem)
        if replayed is None:
            raise
        return replayed
    return body, 201, {"Location": url_for(".get_submission", submission_id=body["id"])}


@bp.route("/submissions", methods=["GET"])
@bp.arguments(SubmissionQuerySchema, location="query", as_kwargs=False)
@bp.response(200, SubmissionPageSchema)
@documents_errors(bp, 422)
def list_submissions(args: dict[str, Any]):
    """Your submissions, newest first, filtered; follow `next_cursor` for more."""
    caller = current_caller()
    limit = args.get("limit") or current_app.config["PAGE_SIZE"]
    limit = min(limit, current_app.config["MAX_PAGE_SIZE"])
    with get_store().read() as session:
        try:
            rows, cursor = repo.list_submissions(session, caller.owner_id, _filters(args),
                                                 limit, args.get("cursor"))
        except repo.BadCursor as exc:
            raise invalid([{"field": "cursor", "message": str(exc)}]) from None
        return {"items": [submission_summary(r) for r in rows], "next_cursor": cursor}


@bp.route("/submissions/export.csv", methods=["GET"])
@bp.arguments(SubmissionQuerySchema, location="query", as_kwargs=False)
@bp.response(200, {"type": "string"}, content_type="text/csv",
             description="One row per submission; factor levels and marks as columns.")
@documents_errors(bp, 422)
def export_submissions(args: dict[str, Any]):
    """Your submissions as CSV, final marks after overrides: every one matching the filters,
    or with `limit` (and `cursor`) the same rows as that page of the list; streamed."""
    caller = current_caller()
    filters = _filters(args)
    limit, cursor = args.get("limit"), args.get("cursor")
    if cursor:
        try:
            repo.decode_cursor(cursor)
        except repo.BadCursor as exc:
            raise invalid([{"field": "cursor", "message": str(exc)}]) from None
    store = get_store()

    def generate():
        with store.read() as session:
            columns = repo.factor_columns(session, caller.owner_id, filters, limit, cursor)
            rows = repo.iter_submissions(session, caller.owner_id, filters, limit, cursor)
            yield from stream_csv(rows, columns)

    return Response(stream_with_context(generate()), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="submissions.csv"'})


@bp.route("/submissions/<string:submission_id>", methods=["GET"])
@bp.response(200, SubmissionSchema)
@documents_errors(bp, 404)
def get_submission(submission_id: str):
    """One submission: text, the machine's report, the override, final marks, history."""
    with get_store().read() as session:
        row = repo.get_submission(session, current_caller().owner_id, submission_id)
        if row is None:
            raise _not_found(submission_id)
        return submission_full(row)


@bp.route("/submissions/<string:submission_id>", methods=["PATCH"])
@bp.doc(requestBody={"required": True, "content": {"application/json": {
    "schema": OverrideSchema}}})
@bp.response(200, SubmissionSchema)
@documents_errors(bp, 400, 404, 415, 422)
def override_submission(submission_id: str):
    """A teacher's override of levels, marks, band or feedback; the machine's report is kept."""
    caller = current_caller()
    patch = load(_OVERRIDE, json_body())
    teacher = patch.pop("teacher", None)
    actor = f"{teacher} ({caller.actor})" if teacher else caller.actor
    with get_store().write() as session:
        row = repo.get_submission(session, caller.owner_id, submission_id)
        if row is None:
            raise _not_found(submission_id)
        # the rubric version that graded it, not the rubric as edited since
        rubric = rubric_that_graded(session, caller.owner_id, row.rubric_id, row.rubric_digest)
        merged = merge_override(row.override, patch)
        try:
            final = final_result(row.report, merged, rubric)
        except OverrideError as exc:
            raise invalid([{"field": exc.field, "message": exc.message}]) from None
        changes = changes_between(final_of(row), final)
        if changes:
            repo.change_submission(session, row, merged, final, changes, actor)
        return submission_full(row)


@bp.route("/submissions/<string:submission_id>", methods=["DELETE"])
@bp.response(204)
@documents_errors(bp, 404)
def delete_submission(submission_id: str):
    """Delete a submission for good: the student's text, the report and its history."""
    caller = current_caller()
    with get_store().write() as session:
        row = repo.get_submission(session, caller.owner_id, submission_id)
        if row is None:
            raise _not_found(submission_id)
        repo.delete_submission(session, row, caller.actor)
    return ""
