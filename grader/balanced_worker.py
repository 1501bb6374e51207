"""A gunicorn gthread worker that takes new connections at the pace it finishes requests.

Grading is CPU-bound, and gunicorn's gthread worker accepts every connection it can: the
workers race for each one, and a keep-alive connection stays with the worker that won it.
Under load one worker can end up with twice the clients of another, and their requests wait
twice as long (seen: 23 and 9 of 32 keep-alive clients, p99 latency doubled). This worker
accepts one new connection for each request it finishes (and one per thread to start with):
workers that finish requests at the same pace take new connections at the same pace, so
clients spread by load, not by luck. A connection waits in the kernel's queue meanwhile, for
whichever worker has room first; no connection waits longer than one request of each thread.

A connection goes to a thread only once its request has arrived (grader/head_first_worker.py):
slow or idle clients hold no thread. Requests on connections a worker already holds are served
as before. A worker out of
credit still takes a connection once GRACE seconds have passed since its last one, so
connections that never send a request (a browser's preconnect, a load balancer's TCP check,
which gunicorn lets wait 5 s for data) hold up nobody for longer than that. If gunicorn's
internals ever differ from what this relies on, the worker behaves as plain gthread.

    gunicorn -k grader.balanced_worker.BalancedThreadWorker …   (the default in gunicorn.conf.py)
"""

from __future__ import annotations

import time

from gunicorn.workers.gthread import ThreadWorker

from .head_first_worker import HeadFirstThreadWorker

GRACE = 0.05  # seconds: the longest a worker out of credit refuses new connections
_HOOKS = ("set_accept_enabled", "accept", "finish_request", "wait_for_and_dispatch_events")
SUPPORTED = all(callable(getattr(ThreadWorker, name, None)) for name in _HOOKS) and all(
    name in ThreadWorker.__init__.__code__.co_names for name in ("nr_conns", "_accepting"))


class BalancedThreadWorker(HeadFirstThreadWorker):
    """gthread that accepts one new connection per finished request (per thread at start),
    and gives a connection to a thread only once its request is here."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.credit = self.cfg.threads  # new connections it may accept now
        self.last_accept = 0.0

    def may_accept(self) -> bool:
        return self.credit > 0 or time.monotonic() - self.last_accept >= GRACE

    def set_accept_enabled(self, enabled: bool) -> None:
        if SUPPORTED:
            enabled = enabled and self.may_accept()
        super().set_accept_enabled(enabled)

    def accept(self, listener) -> None:
        before = self.nr_conns
        super().accept(listener)
        if SUPPORTED and self.nr_conns > before:
            self.credit -= 1
            self.last_accept = time.monotonic()
            if not self.may_accept():
                super().set_accept_enabled(False)  # the run loop turns it on again

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        if SUPPORTED and not self._accepting:
            timeout = min(timeout, GRACE)  # wake to take connections again after GRACE
        super().wait_for_and_dispatch_events(timeout)

    def dropped_before_request(self) -> None:
        self.credit = min(self.cfg.threads, self.credit + 1)  # it cost no request

    def finish_request(self, conn, fs) -> None:
        self.credit = min(self.cfg.threads, self.credit + 1)
        super().finish_request(conn, fs)
