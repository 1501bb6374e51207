"""flask-smorest's Api with errors documented as application/problem+json."""

from __future__ import annotations

import http

from flask_smorest import Api
from flask_smorest.utils import prepare_response

from .problems import PROBLEM_JSON
from .schemas import ProblemSchema

BEARER = {"type": "http", "scheme": "bearer", "description": "An API key from "
          "`grader keys create`, sent as `Authorization: Bearer KEY`."}


class GraderApi(Api):
    """The OpenAPI document and its error responses, generated from our schemas."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_JSON)
            else:
                prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error (problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def _register_error_handlers(self) -> None:
        """Errors are handled app-wide by grader.api.problems, not by flask-smorest."""


def add_security(api: GraderApi) -> None:
    api.spec.components.security_scheme("bearerAuth", BEARER)
    api.spec.options["security"] = [{"bearerAuth": []}]


def documents_errors(bp, *codes: int):
    """Decorator: document problem responses for `codes` plus 401 and 429 on a view."""

    def decorate(view):
        for code in sorted({401, 429, *codes}, reverse=True):
            view = bp.alt_response(code, response=http.HTTPStatus(code).name)(view)
        return view

    return decorate
