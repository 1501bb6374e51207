"""Essay requests as JSON or multipart upload: parsed, decoded, checked, rubric resolved."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from marshmallow import Schema, ValidationError

from ..admission import document_cost, turns
from ..ingest import (
    Budget,
    BudgetExceeded,
    IngestError,
    IngestLimits,
    UnsupportedFormat,
    extract_text,
)
from ..rubric import Rubric
from ..store.rubrics import resolve
from ..text.wordcount import words_over
from .problems import ApiProblem, flatten_messages


@dataclass
class EssayInput:
    """A validated essay request: the text, its rubric and the other fields sent."""

    text: str
    rubric: Rubric
    essay: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


def invalid(errors: list[dict[str, str]], detail: str | None = None) -> ApiProblem:
    detail = detail or "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return ApiProblem(422, detail, title="Validation failed", errors=errors)


def json_body() -> Any:
    """The JSON body (400 if malformed, 415 if not JSON)."""
    if not request.is_json:
        raise ApiProblem(415, "Send the body as application/json.")
    data = request.get_json(silent=True)
    if data is None:
        raise ApiProblem(400, "The body is not valid JSON.")
    return data


def load(schema: Schema, data: Any) -> dict[str, Any]:
    """`data` loaded by `schema`, or a 422 naming each field at fault."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise invalid(flatten_messages(exc.messages)) from None


def upload_budget() -> Budget:
    """A fresh reading budget for one upload, from the app's INGEST_* settings."""
    return Budget(IngestLimits.from_config(current_app.config))


def _from_upload(form_schema: Schema) -> tuple[dict[str, Any], str, str | None]:
    upload = request.files.get("file")
    if upload is None:
        raise invalid([{"field": "file", "message": "Missing file upload."}])
    form = {k: v for k, v in request.form.items()}
    form_schema_fields = {k: v for k, v in form.items() if k != "file"}
    values = load(form_schema, {**form_schema_fields, "file": upload.filename or "upload"})
    values.pop("file", None)
    if "metadata" in values:
        try:
            values["metadata"] = json.loads(values["metadata"])
        except ValueError:
            raise invalid([{"field": "metadata", "message": "Not valid JSON."}]) from None
        if not isinstance(values["metadata"], dict):
            raise invalid([{"field": "metadata", "message": "Must be a JSON object."}])
    name = upload.filename or "upload"
    try:
        data = upload.read()
        with turns(current_app).request_turn(document_cost(name, len(data))):
            text = extract_text(data, name, upload_budget())
    except UnsupportedFormat as exc:
        raise ApiProblem(415, exc.message) from None
    except BudgetExceeded as exc:
        raise ApiProblem(exc.status, exc.message, title="Upload over its reading budget",
                         errors=[{"field": "file", "message": exc.message}]) from None
    except IngestError as exc:
        raise invalid([{"field": "file", "message": exc.message}]) from None
    return values, text, name


@dataclass
class EssayBody:
    """An essay request read and checked, its rubric not yet looked up (no database yet)."""

    text: str
    essay: str | None
    rubric_id: str
    fields: dict[str, Any]


def read_body(json_schema: Schema, form_schema: Schema) -> EssayBody:
    """Parse, decode and check an essay request (400/413/415/422 as ApiProblem).

    Uploads are read here, before any database session or transaction is opened.
    """
    mimetype = request.mimetype
    if mimetype == "multipart/form-data":
        values, text, name = _from_upload(form_schema)
    elif request.is_json:
        values = load(json_schema, json_body())
        text = values.pop("text")
        name = values.get("essay")
    else:
        raise ApiProblem(415, "Send application/json or multipart/form-data with a 'file'.")
    if not text.strip():
        raise invalid([{"field": "file" if mimetype.startswith("multipart") else "text",
                        "message": "The essay is empty."}])
    limit = current_app.config["MAX_WORDS"]
    words = words_over(text, limit)
    if words is not None:
        raise invalid([{"field": "text", "message": f"The essay has {words} words; "
                                                    f"the limit is {limit}."}])
    rubric_id = values.pop("rubric")
    values.pop("essay", None)
    return EssayBody(text=text, essay=name, rubric_id=rubric_id, fields=values)


def with_rubric(session, owner_id: int, body: EssayBody) -> EssayInput:
    """The request with its rubric as `owner_id` sees it (422 if unknown)."""
    rubric = resolve(session, owner_id, body.rubric_id)
    if rubric is None:
        raise invalid([{"field": "rubric", "message": f"Unknown rubric {body.rubric_id!r}."}])
    return EssayInput(text=body.text, rubric=rubric, essay=body.essay, fields=body.fields)
