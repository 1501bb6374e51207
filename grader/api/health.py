"""GET /healthz (the process is up) and GET /readyz (database reachable, rubrics loaded)."""

from __future__ import annotations

import logging

from flask import Blueprint

from ..rubric import bundled_rubrics
from ..store import get_store
from .problems import ApiProblem

bp = Blueprint("health", __name__)
log = logging.getLogger("grader.health")


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    from ..rubric import load_rubric

    try:
        get_store().ping()
    except Exception as exc:  # any driver error means not ready
        log.warning("database not reachable", extra={"error": exc.__class__.__name__})
        raise ApiProblem(503, "The database is not reachable.",
                         headers={"Retry-After": "5"}) from None
    rubrics = [load_rubric(rid).id for rid in sorted(bundled_rubrics())]
    return {"status": "ready", "database": "ok", "rubrics": rubrics}
