"""The JSON API v1 for LMSs and scripts: blueprints, OpenAPI document, docs page, errors."""

from __future__ import annotations

from flask import Flask

from . import auth, batches, docs, grading, health, problems, rubrics, submissions
from .spec import GraderApi, add_security

API_BLUEPRINTS = (grading.bp, rubrics.bp, submissions.bp, batches.bp)


def init_app(app: Flask) -> GraderApi:
    """Register the API, its OpenAPI document and the problem+json error handlers."""
    api = GraderApi(app, spec_kwargs={"info": {"description": (
        "Grade essays against a rubric and store the results. Authenticate with "
        "`Authorization: Bearer KEY`; errors are application/problem+json (RFC 9457).")}})
    add_security(api)
    auth.init_app(app, API_BLUEPRINTS)
    for bp in API_BLUEPRINTS:
        api.register_blueprint(bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(docs.bp)
    problems.init_app(app)
    return api
