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


# Net allocations between young-generation collections (CPython's default is 700). Grading
# the seed essay set off about 3 young and 0.25 middle-generation collections, about 4.5% of
# grading's instructions (15.9M -> 15.2M); at 10,000, none in 100 essays.
YOUNG_COLLECTION_THRESHOLD = 10_000


def freeze_startup_objects(worker: Any = None) -> None:
    """gunicorn's post_worker_init: once the worker has loaded and warmed up the app, its
    objects (Flask, SQLAlchemy, compiled rubrics, the word list: some 150,000) leave the
    garbage collector's view, so the collections that grading's allocations set off walk only
    what requests made, not the whole heap again and again (gc.freeze); and the young
    generation is collected every YOUNG_COLLECTION_THRESHOLD allocations, not every 700."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
