"""Batches as Celery tasks on a broker (Redis or RabbitMQ) shared by many worker machines.

A task is a ticket to work for a few seconds (BATCH_TICKET_SECONDS): it takes the fairest
pieces of work from the database (grader.jobs.work.run_next: a few items of the batch whose
owner was served least recently, graded and written in one transaction) until its time is
up, then hands on to a new ticket if work is left. A new batch sends up to BATCH_TICKETS
tickets, so a one-essay batch is taken up by the next free ticket, not after every task of
a big batch sent before it. Tasks are acknowledged late and rejected back to the queue if
their worker dies; a ticket claims work under its task id, so the same ticket redelivered
takes its claims back at once (anyone else after BATCH_LEASE_SECONDS), and every result is
written with a conditional update, so a killed worker loses nothing and nothing is stored
twice. With Redis, a task taken by a worker that was SIGKILLed goes back to
the queue once CELERY_VISIBILITY_TIMEOUT has passed, at the next sweep of any live worker
(every CELERY_RESTORE_INTERVAL seconds). Run workers with `celery -A grader.jobs worker`;
they lower their own CPU priority by BATCH_NICE, so on a machine that also serves requests
batch grading takes the CPU the requests leave.
"""

from __future__ import annotations

import os
from functools import partial

from celery import Celery, Task, shared_task
from celery.signals import worker_init
from flask import Flask

from .dispatch import broker_url


def make_celery(app: Flask) -> Celery:
    """A Celery app whose tasks run inside `app`'s context (flask's examples/celery)."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    visibility = float(app.config.get("CELERY_VISIBILITY_TIMEOUT", 3600))
    # How often each worker looks for tasks a dead worker took and never acknowledged (Redis):
    # kombu's default sweeps only every 10 s x 10 (about 100 s) after the visibility timeout.
    restore_every = int(app.config.get("CELERY_RESTORE_INTERVAL", 10))
    settings = dict(
        broker_url=broker_url(app),
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": visibility,
                                  "unacked_restore_interval": restore_every,
                                  "unacked_restore_throttle": 1},
        task_default_queue=app.config.get("CELERY_QUEUE", "grader"),
    )
    settings.update(app.config.get("CELERY") or {})  # GRADER_CELERY='{...}' wins
    celery.conf.update(settings)
    celery.set_default()
    app.extensions["celery"] = celery
    nice = int(app.config.get("BATCH_NICE", 0) or 0)
    if nice:
        # once per process, however many apps are made in it
        worker_init.connect(partial(lower_priority, nice), weak=False,
                            dispatch_uid="grader.batch_nice")
    return celery


def lower_priority(increment: int, **_: object) -> None:
    """Celery's worker_init (the worker's main process, before its pool is forked, so every
    pool process inherits it): lower this process's CPU priority by `increment`."""
    try:
        os.nice(increment)
    except (AttributeError, OSError):  # not on this platform, or not allowed: leave it
        pass


class CeleryExecutor:
    """Sends tickets (tasks that take batch work from the database) and callbacks."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.celery = app.extensions.get("celery") or make_celery(app)

    def submit(self, batch_seq: int, count: int = 0) -> None:
        chunk = max(1, int(self.app.config.get("BATCH_CHUNK", 20)))
        tickets = min(max(1, -(-count // chunk)), int(self.app.config.get("BATCH_TICKETS", 16)))
        with self.celery.connection_for_write() as conn:
            for _ in range(tickets):
                run_batches.apply_async(connection=conn)

    def callback(self, batch_seq: int) -> None:
        send_callback.apply_async((batch_seq,))


def ticket_owner(task_id: str | None) -> str:
    """The name a ticket claims work under: the same when the task is redelivered."""
    return f"celery:{task_id}"


@shared_task(name="grader.run_batches", bind=True, acks_late=True, reject_on_worker_lost=True)
def run_batches(self) -> bool:
    """Work on batches for about BATCH_TICKET_SECONDS; send a new ticket if work is left."""
    from flask import current_app

    from ..store import batch_claims, get_store
    from .work import run_next

    app = current_app._get_current_object()
    me = ticket_owner(self.request.id)
    budget = float(app.config.get("BATCH_TICKET_SECONDS", 5.0))
    if not run_next(app, me, budget=budget):
        return False
    with get_store(app).read() as session:
        more = batch_claims.candidates(session, me, limit=1)
    if more:
        run_batches.apply_async()
    return True


@shared_task(name="grader.grade_item", acks_late=True, reject_on_worker_lost=True)
def grade_item(item_seq: int) -> str:
    """Grade and store one batch item (tasks sent by earlier versions)."""
    from flask import current_app

    from .work import process_item

    return process_item(current_app._get_current_object(), item_seq)


@shared_task(name="grader.finish_batch", acks_late=True)
def finish(batch_seq: int) -> bool:
    from flask import current_app

    from .work import finish_batch

    return finish_batch(current_app._get_current_object(), batch_seq)


@shared_task(name="grader.batch_callback", bind=True, acks_late=True, max_retries=6)
def send_callback(self, batch_seq: int) -> bool:
    """POST the batch's signed callback; retried by Celery with exponential backoff."""
    from flask import current_app

    from .work import send_callback as deliver

    if not deliver(current_app._get_current_object(), batch_seq, attempts=1):
        backoff = current_app.config.get("BATCH_CALLBACK_BACKOFF", 2.0)
        raise self.retry(countdown=backoff * (2 ** self.request.retries))
    return True
