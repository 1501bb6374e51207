"""/api/v1/batches: mark many essays at once (JSON, files, a zip or a table), follow, cancel."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from flask import Response, current_app, request, stream_with_context, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..batch.items import Item, prepare_text
from ..batch.sources import kind_of
from ..jobs import get_executor
from ..jobs.callbacks import callback_secret
from ..jobs.egress import CallbackRefused, check_callback_url
from ..store import batches as repo
from ..store import get_store
from ..store.batch_models import Batch
from ..store.rubrics import resolve
from .auth import _bearer, current_caller, require_key
from .export import safe_cell
from .inputs import invalid, json_body, load
from .problems import ApiProblem
from .spec import documents_errors

bp = Blueprint("api_batches", __name__, url_prefix="/api/v1",
               description="Batches: many essays marked with one rubric, in the background.")
bp.before_request(require_key)

RAW_KINDS = {"application/zip": "zip", "application/x-zip-compressed": "zip",
             "text/csv": "csv", "text/tab-separated-values": "tsv",
             "application/x-ndjson": "jsonl", "application/jsonl": "jsonl"}


class EssaySchema(Schema):
    text = fields.String(required=True)
    essay = fields.String(metadata={"description": "A name for the essay (file name, id)."})
    student_ref = fields.String(validate=validate.Length(max=200))
    external_id = fields.String(validate=validate.Length(max=200))


class BatchOptionsSchema(Schema):
    rubric = fields.String(required=True, metadata={"description": "Rubric id."})
    assignment_ref = fields.String(validate=validate.Length(max=200))
    callback_url = fields.Url(schemes={"http", "https"}, require_tld=False,
                              metadata={"description": "POSTed the batch summary when it "
                                        "ends, signed in X-Grader-Signature."})
    text_column = fields.String(metadata={"description": "Table column with the essays."})
    id_column = fields.String(metadata={"description": "Table column naming each essay."})


class BatchRequestSchema(BatchOptionsSchema):
    essays = fields.List(fields.Nested(EssaySchema), required=True,
                         validate=validate.Length(min=1))


class BatchErrorSchema(Schema):
    position = fields.Integer(required=True)
    essay = fields.String(required=True)
    error = fields.String(required=True)


class BatchSchema(Schema):
    id = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "queued, running, done or "
                                                                  "cancelled"})
    rubric = fields.String(required=True)
    assignment_ref = fields.String(allow_none=True)
    total = fields.Integer(required=True)
    pending = fields.Integer(required=True)
    done = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    cancelled = fields.Integer(required=True)
    errors = fields.List(fields.Nested(BatchErrorSchema), required=True)
    summary = fields.Dict(allow_none=True)
    callback_state = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True)
    results_url = fields.String(required=True)


def present(session, batch: Batch) -> dict[str, Any]:
    return {"id": batch.id, "state": batch.state, "rubric": batch.rubric_id,
            "assignment_ref": batch.assignment_ref, "total": batch.total,
            **repo.counts(session, batch.seq), "errors": repo.item_errors(session, batch.seq),
            "summary": batch.summary, "callback_state": batch.callback_state,
            "created_at": batch.created_at, "finished_at": batch.finished_at,
            "results_url": url_for(".batch_results", batch_id=batch.id)}


Upload = tuple[str, str, bytes]  # (file name, kind, bytes) read later, by a worker


def _read_request() -> tuple[dict[str, Any], list[repo.NewItem], list[Upload]]:
    """(options, essays sent as JSON, files to read later) from JSON, multipart or a raw
    zip/table. Files are kept as they came: reading them is a worker's job."""
    if request.is_json:
        body = json_body()
        if isinstance(body, list):
            body = {**request.args.to_dict(), "essays": body}
        values = load(BatchRequestSchema(), body)
        return values, _json_items(values.pop("essays")), []
    if request.mimetype == "multipart/form-data":
        values = load(BatchOptionsSchema(), request.form.to_dict())
        uploads = [f for key in request.files for f in request.files.getlist(key)]
        if not uploads:
            raise invalid([{"field": "files", "message": "Upload at least one file."}])
        return values, [], [(up.filename or "upload", kind_of(up.filename or ""), up.read())
                            for up in uploads]
    kind = RAW_KINDS.get(request.mimetype)
    if kind is None:
        raise ApiProblem(415, "Send JSON, multipart/form-data files, a zip (application/zip) "
                              "or a table (text/csv, text/tab-separated-values, "
                              "application/x-ndjson).")
    args = request.args.to_dict()
    name = args.pop("name", None) or f"upload.{kind}"  # what the upload's items are named by
    values = load(BatchOptionsSchema(), args)
    return values, [], [(name[:500], kind, request.get_data())]


def _json_items(essays: list[dict[str, Any]]) -> list[repo.NewItem]:
    max_words, max_items = current_app.config["MAX_WORDS"], current_app.config["BATCH_MAX_ITEMS"]
    if len(essays) > max_items:
        raise invalid([{"field": "essays", "message": f"more than {max_items} essays"}])
    items = []
    for n, e in enumerate(essays, start=1):
        item = Item(e.get("essay") or f"essay-{n}", text=e["text"])
        text, error = prepare_text(item, max_words=max_words)
        items.append(repo.NewItem(item.name, text=text, error=error,
                                  student_ref=e.get("student_ref"),
                                  external_id=e.get("external_id")))
    return items


@bp.route("/batches", methods=["POST"])
@bp.doc(requestBody={"required": True, "content": {
    "application/json": {"schema": BatchRequestSchema},
    "multipart/form-data": {"schema": BatchOptionsSchema},
    "application/zip": {"schema": {"type": "string", "format": "binary"}},
    "text/csv": {"schema": {"type": "string"}}}})
@bp.response(202, BatchSchema)
@documents_errors(bp, 400, 413, 415, 422)
def create_batch():
    """Start marking many essays; each becomes a stored submission. Poll the Location.

    Uploaded files (a zip, a table, documents) are read by a worker after this answers:
    until then the batch is queued with a total of 0, and a file that cannot be read
    becomes a failed item saying why."""
    request.max_content_length = current_app.config["BATCH_MAX_CONTENT_LENGTH"]
    caller = current_caller()
    values, items, uploads = _read_request()
    store = get_store()
    with store.read() as session:
        if resolve(session, caller.owner_id, values["rubric"]) is None:
            raise invalid([{"field": "rubric", "message": f"Unknown rubric {values['rubric']!r}."}])
    callback = values.get("callback_url")
    if callback:
        try:
            check_callback_url(callback, current_app.config)
        except CallbackRefused as exc:
            raise invalid([{"field": "callback_url", "message": str(exc)}]) from None
    options = {k: values[k] for k in ("text_column", "id_column") if values.get(k)}
    with store.write() as session:
        batch = repo.create_batch(session, caller.owner_id, rubric_id=values["rubric"],
                                  items=items, assignment_ref=values.get("assignment_ref"),
                                  callback_url=callback, options=options or None,
                                  callback_secret=callback_secret(_bearer()) if callback else None)
        repo.add_uploads(session, batch.seq, uploads)
        body = present(session, batch)
        seq = batch.seq
    get_executor(current_app._get_current_object()).submit(seq, len(items) or len(uploads))
    return body, 202, {"Location": url_for(".get_batch", batch_id=body["id"])}


def _owned(session, batch_id: str) -> Batch:
    batch = repo.get_batch(session, current_caller().owner_id, batch_id)
    if batch is None:
        raise ApiProblem(404, f"No batch {batch_id!r}.")
    return batch


@bp.route("/batches/<batch_id>", methods=["GET"])
@bp.response(200, BatchSchema)
@documents_errors(bp, 404)
def get_batch(batch_id: str):
    """The batch's state, counts done/failed/pending, per-item errors and summary."""
    with get_store().read() as session:
        return present(session, _owned(session, batch_id))


@bp.route("/batches/<batch_id>", methods=["DELETE"])
@bp.response(200, BatchSchema)
@documents_errors(bp, 404)
def cancel_batch(batch_id: str):
    """Cancel the essays not yet marked; those already marked stay stored."""
    from ..jobs.work import build_summary, schedule_callback

    app = current_app._get_current_object()
    store = get_store()
    with store.read() as session:
        batch = _owned(session, batch_id)
        seq = batch.seq
        summary = build_summary(session, batch)
    with store.write() as session:
        batch = session.get(Batch, seq)
        cancelled = repo.cancel(session, batch, summary)
    if cancelled:
        schedule_callback(app, seq)
    with store.read() as session:
        return present(session, session.get(Batch, seq))


@bp.route("/batches/<batch_id>/results", methods=["GET"])
@bp.doc(parameters=[{"name": "format", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": ["jsonl", "csv"]}}])
@bp.response(200, {"type": "string"}, content_type="application/x-ndjson",
             description="One JSON object per essay in input order (or CSV with format=csv).")
@documents_errors(bp, 404, 422)
def batch_results(batch_id: str):
    """Every essay's outcome in input order: its report, or why it failed."""
    fmt = request.args.get("format") or (
        "csv" if request.accept_mimetypes.best == "text/csv" else "jsonl")
    if fmt not in ("jsonl", "csv"):
        raise invalid([{"field": "format", "message": "Must be jsonl or csv."}])
    store = get_store()
    with store.read() as session:
        batch = _owned(session, batch_id)
        seq = batch.seq
        rubric = resolve(session, batch.owner_id, batch.rubric_id)
    factor_ids = [f.id for f in rubric.factors] if rubric else []

    def generate() -> Iterator[str]:
        with store.read() as session:
            if fmt == "csv":
                yield _csv_line(["position", "essay", "state", "submission_id", "marks",
                                 "max_marks", "band", *factor_ids, "flags", "error"])
            for item, sub in repo.iter_results(session, seq):
                if fmt == "jsonl":
                    yield current_app.json.dumps({
                        "position": item.position, "essay": item.name, "state": item.state,
                        "submission_id": item.submission_id, "error": item.error,
                        "report": sub.report if sub else None}) + "\n"
                    continue
                report = sub.report if sub else None
                levels = {f["id"]: f["level"] for f in report["factors"]} if report else {}
                score = report["score"] if report else {}
                yield _csv_line([item.position, item.name, item.state, item.submission_id,
                                 score.get("marks"), score.get("max_marks"), score.get("band"),
                                 *[levels.get(f, "") for f in factor_ids],
                                 len(report["flags"]) if report else "", item.error])

    mimetype = "text/csv" if fmt == "csv" else "application/x-ndjson"
    return Response(stream_with_context(generate()), mimetype=mimetype)


def _csv_line(cells: list[object]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow(["" if c is None else safe_cell(c) for c in cells])
    return buf.getvalue()
