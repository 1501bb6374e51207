"""A gunicorn gthread worker that takes new connections at the pace it finishes requests.

Grading is CPU-bound, and gunicorn's gthread worker accepts every connection it can: the
workers race for each one, and a keep-alive connection stays with the worker that won it.
Under load one worker can end up with twice the clients of another, and their requests wait
twice as long (seen: 23 and 9 of 32 keep-alive clients, p99 latency doubled). This worker
accepts one new connection for each request it finishes (and one per thread to start with):
workers that finish requests at the same pace take new connections at the same pace, so
clients spread by load, not by luck. A connection waits in the kernel's queue meanwhile, for
whichever worker has room first; no connection waits longer than one request of each thread.

Requests on connections a worker already holds are served as before. If gunicorn's
internals ever differ from what this relies on, the worker behaves as plain gthread.

    gunicorn -k grader.balanced_worker.BalancedThreadWorker …   (the default in gunicorn.conf.py)
"""

from __future__ import annotations

from gunicorn.workers.gthread import ThreadWorker

_HOOKS = ("set_accept_enabled", "accept", "finish_request")
SUPPORTED = all(callable(getattr(ThreadWorker, name, None)) for name in _HOOKS) and all(
    name in ThreadWorker.__init__.__code__.co_names for name in ("nr_conns", "_accepting"))


class BalancedThreadWorker(ThreadWorker):
    """gthread that accepts one new connection per finished request (per thread at start)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.credit = self.cfg.threads  # new connections it may accept now

    def set_accept_enabled(self, enabled: bool) -> None:
        if SUPPORTED:
            enabled = enabled and self.credit > 0
        super().set_accept_enabled(enabled)

    def accept(self, listener) -> None:
        before = self.nr_conns
        super().accept(listener)
        if SUPPORTED and self.nr_conns > before:
            self.credit -= 1
            if self.credit <= 0:
                super().set_accept_enabled(False)  # the run loop turns it on again

    def finish_request(self, conn, fs) -> None:
        self.credit = min(self.cfg.threads, self.credit + 1)
        super().finish_request(conn, fs)
