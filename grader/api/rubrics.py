"""/api/v1/rubrics: list and read bundled and own rubrics; create, replace, delete own ones."""

from __future__ import annotations

import json
from typing import Any

from flask import request, url_for
from flask_smorest import Blueprint

from ..rubric import Rubric, RubricError, parse_rubric
from ..store import get_store
from ..store import rubrics as stored
from ..store.audit import record
from .auth import current_caller, require_key
from .inputs import invalid
from .problems import ApiProblem
from .schemas import (
    RubricBodySchema,
    RubricDetailSchema,
    RubricListSchema,
    ValidationResultSchema,
)
from .spec import documents_errors

bp = Blueprint("api_rubrics", __name__, url_prefix="/api/v1",
               description="Rubrics: the bundled ones (read-only) and your own.")
bp.before_request(require_key)

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
              "text/plain")
_BODY_DOC = {"required": True, "content": {
    "application/json": {"schema": RubricBodySchema},
    "application/yaml": {"schema": {"type": "string"}},
}}


def _summary(rubric: Rubric, bundled: bool) -> dict[str, Any]:
    return {"id": rubric.id, "version": str(rubric.version), "title": rubric.title,
            "bundled": bundled}


def _detail(rubric: Rubric, bundled: bool) -> dict[str, Any]:
    factors = [{"id": f.id, "title": f.title, "description": f.description,
                "max_level": f.max_level, "max_marks": f.max_marks,
                "levels": [{"level": i, "marks": m} for i, m in enumerate(f.marks)]}
               for f in rubric.factors]
    bands = [{"band": b.band, "label": b.label, "min_marks": b.min_marks} for b in rubric.bands]
    return {**_summary(rubric, bundled), "question": rubric.question, "factors": factors,
            "bands": bands, "definition": rubric.raw}


def _parse_body() -> Rubric:
    """The rubric in the request body (JSON or YAML), or 400/415/422."""
    if request.is_json:
        data: Any = request.get_json(silent=True)
        if data is None:
            raise ApiProblem(400, "The body is not valid JSON.")
        source: Any = data
    elif request.mimetype in YAML_TYPES:
        try:
            source = request.get_data(as_text=False).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ApiProblem(400, "The YAML body is not UTF-8.") from None
    else:
        raise ApiProblem(415, "Send the rubric as application/json or application/yaml.")
    try:
        return parse_rubric(source, source="request body")
    except RubricError as exc:
        raise invalid(exc.to_list(), f"The rubric is not valid: {exc}") from None
    except RecursionError:
        raise invalid([{"field": "body", "message": "nested too deeply"}]) from None


def _definition(rubric: Rubric) -> dict[str, Any]:
    return json.loads(json.dumps(rubric.raw, default=str))


@bp.route("/rubrics", methods=["GET"])
@bp.response(200, RubricListSchema)
@documents_errors(bp)
def list_rubrics():
    """List the bundled rubrics and your own."""
    caller = current_caller()
    items = [_summary(stored.bundled(rid), True) for rid in sorted(stored.bundled_rubrics())]
    with get_store().read() as session:
        items += [{"id": r.rubric_id, "version": r.version, "title": r.title, "bundled": False}
                  for r in stored.list_stored(session, caller.owner_id)]
    return {"items": items}


@bp.route("/rubrics/<string:rubric_id>", methods=["GET"])
@bp.response(200, RubricDetailSchema)
@documents_errors(bp, 404)
def get_rubric(rubric_id: str):
    """A rubric's factors, levels, marks and bands."""
    rubric = stored.bundled(rubric_id)
    if rubric is not None:
        return _detail(rubric, True)
    with get_store().read() as session:
        row = stored.get_stored(session, current_caller().owner_id, rubric_id)
        if row is None:
            raise ApiProblem(404, f"No rubric {rubric_id!r}.")
        return _detail(stored.compile_stored(row), False)


@bp.route("/rubrics", methods=["POST"])
@bp.doc(requestBody=_BODY_DOC)
@bp.response(201, RubricDetailSchema)
@documents_errors(bp, 400, 409, 413, 415, 422)
def create_rubric():
    """Add a rubric of your own (YAML or JSON, as in a rubric file); errors name the field."""
    caller = current_caller()
    rubric = _parse_body()
    if stored.is_bundled(rubric.id):
        raise ApiProblem(409, f"{rubric.id!r} is a bundled rubric; choose another id.")
    with get_store().write() as session:
        if stored.get_stored(session, caller.owner_id, rubric.id) is not None:
            raise ApiProblem(409, f"You already have a rubric {rubric.id!r}; use PUT to "
                                  "replace it.")
        stored.save(session, caller.owner_id, rubric, _definition(rubric))
        record(session, caller.owner_id, caller.actor, "rubric.create", rubric.id)
    location = url_for("api_rubrics.get_rubric", rubric_id=rubric.id)
    return _detail(rubric, False), 201, {"Location": location}


@bp.route("/rubrics/<string:rubric_id>", methods=["PUT"])
@bp.doc(requestBody=_BODY_DOC)
@bp.response(200, RubricDetailSchema)
@documents_errors(bp, 400, 403, 404, 413, 415, 422)
def replace_rubric(rubric_id: str):
    """Replace one of your rubrics (stored submissions keep the report they were given)."""
    caller = current_caller()
    if stored.is_bundled(rubric_id):
        raise ApiProblem(403, f"{rubric_id!r} is a bundled rubric and cannot be changed.")
    rubric = _parse_body()
    if rubric.id != rubric_id:
        raise invalid([{"field": "id", "message": f"must be {rubric_id!r} (the id in the URL)"}])
    with get_store().write() as session:
        row = stored.get_stored(session, caller.owner_id, rubric_id)
        if row is None:
            raise ApiProblem(404, f"No rubric {rubric_id!r}.")
        stored.save(session, caller.owner_id, rubric, _definition(rubric), row)
        record(session, caller.owner_id, caller.actor, "rubric.replace", rubric_id)
    return _detail(rubric, False)


@bp.route("/rubrics/<string:rubric_id>", methods=["DELETE"])
@bp.response(204)
@documents_errors(bp, 403, 404)
def delete_rubric(rubric_id: str):
    """Delete one of your rubrics."""
    caller = current_caller()
    if stored.is_bundled(rubric_id):
        raise ApiProblem(403, f"{rubric_id!r} is a bundled rubric and cannot be deleted.")
    with get_store().write() as session:
        row = stored.get_stored(session, caller.owner_id, rubric_id)
        if row is None:
            raise ApiProblem(404, f"No rubric {rubric_id!r}.")
        session.delete(row)
        record(session, caller.owner_id, caller.actor, "rubric.delete", rubric_id)
    return ""


@bp.route("/rubrics/validate", methods=["POST"])
@bp.doc(requestBody=_BODY_DOC)
@bp.response(200, ValidationResultSchema)
@documents_errors(bp, 400, 413, 415)
def validate_rubric():
    """Check a rubric without storing it: `valid`, and each error with the field at fault."""
    try:
        rubric = _parse_body()
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        return {"valid": False, "errors": problem.errors or [], "rubric": None}
    return {"valid": True, "errors": [], "rubric": _summary(rubric, False)}
