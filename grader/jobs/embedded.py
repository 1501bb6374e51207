"""Batches run inside the service's worker processes by background threads: nothing else to
install.

Nothing starts when the app is built or a blueprint registered: the threads start in the
process that first needs them (a request, a submitted batch, gunicorn's post_worker_init),
and a forked child starts its own rather than using its parent's. Each thread takes the
fairest piece of work in the database (grader.jobs.work.run_next), so every worker process
of every server shares the work, a batch left unfinished by a restart is taken up again,
and a database that is down is simply tried again a little later.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
import weakref

from flask import Flask

log = logging.getLogger("grader.jobs")


class EmbeddedExecutor:
    """`workers` daemon threads per process that claim and grade batch work."""

    def __init__(self, app: Flask, workers: int = 1, poll: float = 2.0) -> None:
        self._app = weakref.ref(app)
        self.workers = max(0, workers)
        self.poll = poll
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._names: list[str] = []
        self._submitted: set[int] = set()
        self._idle = threading.Condition()
        self._callbacks = 0

    def start(self) -> bool:
        """Start this process's threads unless they run already: True if it started them."""
        pid = os.getpid()
        if self._pid == pid:
            return False
        with self._lock:
            if self._pid == pid:
                return False
            from .work import worker_name

            self._pid = pid  # a forked child gets threads of its own, never its parent's
            self._wake, self._stop = threading.Event(), threading.Event()
            self._names = [worker_name(f"t{n}-{uuid.uuid4().hex[:6]}")
                           for n in range(self.workers)]
            for me in self._names:
                threading.Thread(target=self._run, args=(me, self._stop), name=f"grader-{me}",
                                 daemon=True).start()
        return True

    def stop(self, release: bool = True) -> None:
        """Stop this process's threads and give up their claims (a worker shutting down)."""
        if self._pid != os.getpid():
            return
        self._stop.set()
        self._wake.set()
        app = self._app()
        if not release or app is None:
            return
        from ..store import batch_claims, get_store

        try:
            with get_store(app).write() as session:
                for me in self._names:
                    batch_claims.release(session, me)
        except Exception as exc:  # noqa: BLE001 - shutting down: the leases lapse anyway
            log.warning("could not release batch claims: %s", exc)

    def submit(self, batch_seq: int, count: int = 0) -> None:
        """A batch has work: wake this process's threads (starting them if need be)."""
        self.start()
        with self._idle:
            self._submitted.add(batch_seq)
        self._wake.set()

    def callback(self, batch_seq: int) -> None:
        with self._idle:
            self._callbacks += 1
        threading.Thread(target=self._callback, args=(batch_seq,),
                         name=f"grader-callback-{batch_seq}", daemon=True).start()

    def _callback(self, batch_seq: int) -> None:
        from .work import send_callback

        try:
            app = self._app()
            if app is not None:
                send_callback(app, batch_seq)
        except Exception:  # noqa: BLE001 - recorded as not delivered
            log.exception("batch %s: callback failed", batch_seq)
        finally:
            with self._idle:
                self._callbacks -= 1
                self._idle.notify_all()

    def _run(self, me: str, stop: threading.Event) -> None:
        from .work import release_dead_claims, run_next

        failures = 0
        while not stop.is_set():
            app = self._app()
            if app is None:  # the app is gone (tests): so is our work
                return
            try:
                did = run_next(app, me) or release_dead_claims(app) > 0
                failures = 0
            except Exception as exc:  # noqa: BLE001 - the database may be down: retry
                failures += 1
                did = False
                log.warning("batch work failed, retrying: %s", exc.__class__.__name__,
                            exc_info=failures == 1)
            del app
            if not did:
                wait = self.poll if not failures else min(30.0, self.poll * 2 ** failures)
                self._wake.wait(wait)
                self._wake.clear()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every batch submitted here is finished and its callback sent."""
        from ..store import get_store
        from ..store.batch_models import Batch

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            app = self._app()
            with self._idle:
                waiting = set(self._submitted)
                callbacks = self._callbacks
            if waiting and app is not None:
                with get_store(app).read() as session:
                    for batch in session.query(Batch).filter(Batch.seq.in_(waiting)):
                        ended = batch.state in ("done", "cancelled")
                        if ended and (not batch.callback_url or batch.callback_state):
                            waiting.discard(batch.seq)
                with self._idle:
                    self._submitted &= waiting
            if not waiting and not callbacks:
                return True
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.05)
