"""gunicorn settings from GRADER_* environment variables, shared by gunicorn.conf.py and serve."""

from __future__ import annotations

import gc
import os
from typing import Any

# gthread taking new connections at the pace it finishes requests (grader/balanced_worker.py)
BALANCED = "grader.balanced_worker.BalancedThreadWorker"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def gunicorn_settings() -> dict[str, Any]:
    """bind, workers, threads and timeouts, with defaults that suit a small server."""
    return {
        "bind": [os.environ.get("GRADER_BIND", "127.0.0.1:8000")],
        "workers": _int("GRADER_WORKERS", 2),
        "threads": _int("GRADER_THREADS", 4),
        "worker_class": os.environ.get("GRADER_WORKER_CLASS", BALANCED),
        "timeout": _int("GRADER_TIMEOUT", 60),
        "graceful_timeout": _int("GRADER_GRACEFUL_TIMEOUT", 30),
        "keepalive": _int("GRADER_KEEPALIVE", 5),
        "max_requests": _int("GRADER_MAX_REQUESTS", 0),
        "max_requests_jitter": _int("GRADER_MAX_REQUESTS_JITTER", 0),
        "accesslog": None,  # the app logs each request as JSON
        "errorlog": "-",
        "loglevel": os.environ.get("GRADER_GUNICORN_LOG_LEVEL", "info"),
        "limit_request_line": 8190,
        "post_worker_init": freeze_startup_objects,
    }


def freeze_startup_objects(worker: Any = None) -> None:
    """gunicorn's post_worker_init: once the worker has loaded and warmed up the app, its
    objects (Flask, SQLAlchemy, compiled rubrics, the word list: some 150,000) leave the
    garbage collector's view, so the collections that grading's allocations set off walk only
    what requests made, not the whole heap again and again (gc.freeze)."""
    gc.collect()
    gc.freeze()
