"""Batch execution: in the service process by default, Celery tasks when a broker is set.

`celery -A grader.jobs worker` builds the service app (same configuration: DATABASE_URL,
CELERY_BROKER_URL, GRADER_*) and its Celery app on first use of `grader.jobs.celery`.
"""

from __future__ import annotations

from typing import Any

from .dispatch import get_executor, init_app

__all__ = ["init_app", "get_executor", "celery"]


def __getattr__(name: str) -> Any:
    if name in ("celery", "app"):
        from ..app import create_app
        from .celery_app import make_celery

        flask_app = create_app({"WARM_UP": True})
        celery = flask_app.extensions.get("celery") or make_celery(flask_app)
        globals()["celery"] = globals()["app"] = celery
        return celery
    raise AttributeError(f"module 'grader.jobs' has no attribute {name!r}")
