"""gunicorn settings from GRADER_* environment variables, shared by gunicorn.conf.py and serve."""

from __future__ import annotations

import gc
import logging
import os
import sys
from typing import Any

log = logging.getLogger("grader.serving")

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
        "post_worker_init": worker_ready,
        "worker_exit": worker_exit,
        "on_starting": migrate_in_master,
    }


def migrate_in_master(server: Any = None) -> None:
    """gunicorn's on_starting: migrate the database once before the workers start. Nothing
    else: no batch work and no threads run in the master (workers are forked from it). A
    database that cannot be reached is logged and left to the workers to migrate when it is."""
    try:
        from .app import create_app

        app = create_app({"WARM_UP": False})
        app.extensions["grader.store"].dispose()
    except Exception as exc:  # noqa: BLE001 - the master must outlive a bad database
        log.error("could not prepare the database at start (%s): workers will retry", exc)


# How long a thread computing may keep the interpreter lock before another thread gets a
# turn (CPython's default is 5 ms). A request thread grading a long essay then delays a
# /healthz or an ordinary essay by at most this much at each of its turns: with 8 clients
# posting hostile essays, /healthz p99 went from 198 ms at 5 ms to 92 ms at 1 ms
# (benchmarks/hostile_load.py).
SWITCH_INTERVAL = 0.001


def switch_interval() -> float:
    """GRADER_SWITCH_INTERVAL seconds, or SWITCH_INTERVAL."""
    value = os.environ.get("GRADER_SWITCH_INTERVAL", "").strip()
    return float(value) if value else SWITCH_INTERVAL


def worker_ready(worker: Any = None) -> None:
    """gunicorn's post_worker_init: tune the memory allocator before any thread starts
    (grader.allocator); start this worker's batch threads (embedded batches), so unfinished
    work is taken up even before a request comes; set the interpreter's switch interval
    (switch_interval); then freeze the startup objects (freeze_startup_objects)."""
    from .allocator import tune

    tune()
    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "extensions"):
        from .jobs.dispatch import start_in_worker

        start_in_worker(app)
    sys.setswitchinterval(switch_interval())
    freeze_startup_objects(worker)


def worker_exit(server: Any = None, worker: Any = None) -> None:
    """gunicorn's worker_exit (in the worker): stop its batch threads and give up their
    claims, so another worker takes the work up at once, not when the claims lapse."""
    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "extensions"):
        from .jobs.dispatch import stop_in_worker

        stop_in_worker(app)


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
