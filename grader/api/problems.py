"""Errors as application/problem+json (RFC 9457), never an HTML page or a stack trace."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from ..admission import Busy
from ..text.budget import GradingBudgetExceeded

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("grader.api")


class ApiProblem(Exception):
    """Raise from a view to answer with a problem document."""

    def __init__(self, status: int, detail: str, *, title: str | None = None,
                 errors: list[dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.errors = errors
        self.headers = headers or {}


def problem_response(status: int, detail: str, *, title: str | None = None,
                     errors: list[dict[str, str]] | None = None,
                     headers: dict[str, str] | None = None) -> Response:
    """A problem+json response for the current request."""
    body: dict[str, Any] = {"type": "about:blank", "title": title or HTTPStatus(status).phrase,
                            "status": status, "detail": detail, "instance": request.path}
    request_id = g.get("request_id")
    if request_id:
        body["request_id"] = request_id
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """marshmallow's nested error dict as [{field, message}] with dotted field paths."""
    out: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            place = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                place = prefix or "body"
            out.extend(flatten_messages(value, place))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out.extend({"field": prefix or "body", "message": m} for m in messages)
    elif isinstance(messages, list):
        for value in messages:
            out.extend(flatten_messages(value, prefix))
    else:
        out.append({"field": prefix or "body", "message": str(messages)})
    return out


_DETAILS = {
    400: "The request could not be understood.",
    401: "Send a valid API key as 'Authorization: Bearer KEY'.",
    404: "There is nothing at this address (or it belongs to someone else).",
    405: "This method is not allowed here.",
    413: "The request body is larger than the limit.",
    415: "This content type is not supported here.",
    500: "Something went wrong on our side; it has been logged.",
}


def _from_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    headers: dict[str, str] = {}
    data = getattr(error, "data", None) or {}
    errors = None
    if "messages" in data:  # webargs / flask-smorest validation of query arguments
        errors = flatten_messages(data["messages"])
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    elif status == 413:
        limit = request.max_content_length
        detail = (f"The request body is larger than the limit of {limit} bytes."
                  if limit else _DETAILS[413])
    elif status in _DETAILS and status != 400:
        detail = _DETAILS[status]
    else:
        detail = error.description or _DETAILS.get(status, HTTPStatus(status).phrase)
    valid_methods = getattr(error, "valid_methods", None)
    if status == 405 and valid_methods:
        headers["Allow"] = ", ".join(valid_methods)
    return problem_response(status, detail, errors=errors, headers=headers or data.get("headers"))


def _database_down(error: Exception) -> bool:
    """A lost or refused database connection (an outage), not a bug in a query."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(error, OperationalError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def init_app(app: Flask) -> None:
    """Answer every error under /api, /healthz and /readyz with problem+json."""

    @app.errorhandler(ApiProblem)
    def _problem(error: ApiProblem) -> Response:
        return problem_response(error.status, error.detail, title=error.title,
                                errors=error.errors, headers=error.headers)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        return _from_http_exception(error)

    @app.errorhandler(Busy)
    def _busy(error: Busy) -> Response:
        return problem_response(503, str(error), title="Busy with long essays",
                                headers={"Retry-After": str(error.retry_after)})

    @app.errorhandler(GradingBudgetExceeded)
    def _over_budget(error: GradingBudgetExceeded) -> Response:
        return problem_response(422, str(error), title="Essay could not be graded")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return _from_http_exception(error)
        if isinstance(error, RecursionError):  # a body nested thousands deep (JSON, YAML)
            return problem_response(400, "The body is nested too deeply.")
        if _database_down(error):
            log.warning("database unavailable", extra={"path": request.path,
                                                       "error": error.__class__.__name__})
            return problem_response(503, "The database is not reachable; retry shortly.",
                                    headers={"Retry-After": "5"})
        log.exception("unhandled error", extra={"path": request.path})
        return problem_response(500, _DETAILS[500])
