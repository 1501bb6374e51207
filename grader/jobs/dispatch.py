"""Choosing how batches run: in the service's worker processes (default) or as Celery tasks
(CELERY_BROKER_URL). Choosing starts nothing: see EmbeddedExecutor.start."""

from __future__ import annotations

import os
from typing import Protocol

from flask import Flask

EXTENSION = "grader.jobs"


class Executor(Protocol):
    """Runs the work of stored batches and their callbacks."""

    def submit(self, batch_seq: int, count: int = 0) -> None: ...

    def callback(self, batch_seq: int) -> None: ...


def broker_url(app: Flask) -> str | None:
    return app.config.get("CELERY_BROKER_URL") or os.environ.get("CELERY_BROKER_URL") or None


def init_app(app: Flask) -> Executor:
    """Attach the batch executor: Celery when a broker is configured, else embedded threads
    (started lazily, in the process that serves requests, by `start_in_worker`)."""
    if EXTENSION in app.extensions:
        return app.extensions[EXTENSION]
    app.config.setdefault("BATCH_WORKERS", 1)
    app.config.setdefault("BATCH_POLL_SECONDS", 2.0)
    app.config.setdefault("BATCH_TICKETS", 16)
    app.config.setdefault("BATCH_TICKET_SECONDS", 5.0)
    app.config.setdefault("BATCH_CALLBACK_ATTEMPTS", 6)
    app.config.setdefault("BATCH_CALLBACK_BACKOFF", 2.0)
    app.config.setdefault("BATCH_MAX_CONTENT_LENGTH", 100 * 1024 * 1024)
    app.config.setdefault("BATCH_MAX_ITEMS", 100_000)
    if broker_url(app):
        from .celery_app import CeleryExecutor

        app.config.setdefault("BATCH_CHUNK", 100)  # fewer, bigger writes; fairness by tickets
        executor: Executor = CeleryExecutor(app)
    else:
        from .embedded import EmbeddedExecutor

        app.config.setdefault("BATCH_CHUNK", 20)  # small claims: owners take turns often
        executor = EmbeddedExecutor(app, workers=int(app.config["BATCH_WORKERS"]),
                                    poll=float(app.config["BATCH_POLL_SECONDS"]))
        app.before_request(lambda: start_in_worker(app))
    app.extensions[EXTENSION] = executor
    return executor


def start_in_worker(app: Flask) -> None:
    """Start the embedded threads of this process if they are not running (a cheap check)."""
    executor = app.extensions.get(EXTENSION)
    start = getattr(executor, "start", None)
    if start is not None:
        start()


def stop_in_worker(app: Flask) -> None:
    """Stop this process's embedded threads and give up their claims (worker shutdown)."""
    stop = getattr(app.extensions.get(EXTENSION), "stop", None)
    if stop is not None:
        stop()


def get_executor(app: Flask) -> Executor:
    return app.extensions.get(EXTENSION) or init_app(app)
