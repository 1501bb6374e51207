"""Rate limits with flask-limiter, one Limiter per app, shared by the API and the web pages.

Counts live in GRADER_RATELIMIT_STORAGE (`redis://host:6379/0`: shared by every worker and
machine) or in each process's memory (`memory://`, the default). If Redis stops answering,
each process counts in memory until Redis is back, so a Redis outage never stops the service.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app
from flask_limiter import Limiter

EXTENSION = "grader.limiter"
REDIS_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}


def _no_key() -> str:
    """The default key (never used: every limit of ours names its own key function)."""
    return "-"


def storage_uri(app: Flask) -> str:
    """Where counts are kept: RATELIMIT_STORAGE (or flask-limiter's RATELIMIT_STORAGE_URI)."""
    return str(app.config.get("RATELIMIT_STORAGE_URI") or app.config.get("RATELIMIT_STORAGE")
               or "memory://")


def init_app(app: Flask) -> Limiter:
    """The app's Limiter (created once): storage, key prefix, in-memory fallback."""
    if EXTENSION in app.extensions:
        return app.extensions[EXTENSION]
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "grader")
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    uri = storage_uri(app)
    options = dict(REDIS_OPTIONS) if uri.startswith(("redis", "rediss")) else {}
    options.update(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
    limiter = Limiter(_no_key, storage_uri=uri, storage_options=options,
                      key_prefix=str(app.config["RATELIMIT_KEY_PREFIX"]))
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    return limiter


def get_limiter(app: Flask | None = None) -> Limiter:
    app = app or current_app._get_current_object()
    return app.extensions.get(EXTENSION) or init_app(app)


def retry_after() -> int:
    """Whole seconds until the limit this request broke lets another request through."""
    current = get_limiter().current_limit
    if current is None:
        return 1
    return max(1, math.ceil(current.window[0] - time.time()))
