"""gunicorn settings from GRADER_* environment variables, shared by gunicorn.conf.py and serve."""

from __future__ import annotations

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
    }
