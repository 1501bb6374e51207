"""Choosing how batches run: in this process (default) or as Celery tasks (CELERY_BROKER_URL)."""

from __future__ import annotations

import os
from typing import Protocol

from flask import Flask

EXTENSION = "grader.jobs"


class Executor(Protocol):
    """Runs the items of stored batches and their callbacks."""

    def submit(self, batch_seq: int, item_seqs: list[int]) -> None: ...

    def callback(self, batch_seq: int) -> None: ...


def broker_url(app: Flask) -> str | None:
    return app.config.get("CELERY_BROKER_URL") or os.environ.get("CELERY_BROKER_URL") or None


def init_app(app: Flask) -> Executor:
    """Attach the batch executor: Celery when a broker is configured, else embedded threads."""
    if EXTENSION in app.extensions:
        return app.extensions[EXTENSION]
    app.config.setdefault("BATCH_WORKERS", 1)
    app.config.setdefault("BATCH_CALLBACK_ATTEMPTS", 6)
    app.config.setdefault("BATCH_CALLBACK_BACKOFF", 2.0)
    app.config.setdefault("BATCH_MAX_CONTENT_LENGTH", 100 * 1024 * 1024)
    app.config.setdefault("BATCH_MAX_ITEMS", 100_000)
    if broker_url(app):
        from .celery_app import CeleryExecutor

        executor: Executor = CeleryExecutor(app)
    else:
        from .embedded import EmbeddedExecutor

        executor = EmbeddedExecutor(app, workers=int(app.config["BATCH_WORKERS"]))
    app.extensions[EXTENSION] = executor
    return executor


def get_executor(app: Flask) -> Executor:
    return app.extensions.get(EXTENSION) or init_app(app)
