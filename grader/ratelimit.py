"""Rate limits with flask-limiter, one Limiter per app, shared by the API and the web pages.

Counts live in Redis, shared by every worker and machine, when the service has one:
GRADER_RATELIMIT_STORAGE (`redis://host:6379/0`), else GRADER_REDIS_URL or REDIS_URL, else a
redis:// CELERY_BROKER_URL (its database, keys under RATELIMIT_KEY_PREFIX). Without Redis
(the embedded default) each process counts in its own memory (`memory://`): with N gunicorn
workers a key limited to L a minute may then get up to N x L. If Redis stops answering, each
process counts in memory until Redis is back, so a Redis outage never stops the service.

`memory://` is served by SweptMemoryStorage: limits' own memory storage starts a timer thread
to drop expired counts about every 10 ms while requests come in (80 threads a second at 220
requests a second), and each start waits for the new thread to get the GIL from the threads
that are grading. Here the request that finds a sweep due does it, at most once a second.
"""

from __future__ import annotations

import math
import os
import time

from flask import Flask, current_app
from flask_limiter import Limiter
from limits.storage import MemoryStorage

EXTENSION = "grader.limiter"
REDIS_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}
IN_PROCESS = "grader-memory://"  # SweptMemoryStorage, what `memory://` means here
SWEEP_EVERY = 1.0  # seconds between sweeps of expired counts


class SweptMemoryStorage(MemoryStorage):
    """limits' memory storage with expired counts swept in the caller's thread, at most every
    SWEEP_EVERY seconds, instead of by a new timer thread every 10 ms. A count past its
    expiry reads as zero either way (MemoryStorage.get checks); the sweep only frees memory.
    """

    STORAGE_SCHEME = [IN_PROCESS.removesuffix("://")]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the one timer MemoryStorage starts when created
        self.next_sweep = time.monotonic() + SWEEP_EVERY

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - replaces the private hook
        now = time.monotonic()
        if now >= self.next_sweep:
            self.next_sweep = now + SWEEP_EVERY
            self._MemoryStorage__expire_events()


def _no_key() -> str:
    """The default key (never used: every limit of ours names its own key function)."""
    return "-"


def _redis(url: object) -> str | None:
    text = str(url or "").strip()
    return text if text.startswith(("redis://", "rediss://")) else None


def storage_uri(app: Flask) -> str:
    """Where counts are kept: RATELIMIT_STORAGE (or flask-limiter's RATELIMIT_STORAGE_URI),
    else the service's Redis (REDIS_URL, or a redis:// CELERY_BROKER_URL), else memory."""
    config = app.config
    uri = str(config.get("RATELIMIT_STORAGE_URI") or config.get("RATELIMIT_STORAGE")
              or _redis(config.get("REDIS_URL")) or _redis(os.environ.get("REDIS_URL"))
              or _redis(config.get("CELERY_BROKER_URL"))
              or _redis(os.environ.get("CELERY_BROKER_URL")) or IN_PROCESS)
    return IN_PROCESS if uri == "memory://" else uri


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
