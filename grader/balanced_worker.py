"""A gunicorn gthread worker that takes new connections at the pace it finishes requests.

Grading is CPU-bound, and gunicorn's gthread worker accepts every connection it can: the
workers race for each one, and a keep-alive connection stays with the worker that won it.
Under load one worker can end up with twice the clients of another, and their requests wait
twice as long (seen: 23 and 9 of 32 keep-alive clients, p99 latency doubled). This worker
accepts one new connection for each request it finishes (and one per thread to start with):
workers that finish requests at the same pace take new connections at the same pace, so
clients spread by load, not by luck. A connection waits in the kernel's queue meanwhile, for
whichever worker has room first; no connection waits longer than one request of each thread.

A keep-alive connection is closed after KEEPALIVE_REQUESTS requests (its last answer says
"Connection: close", as nginx's keepalive_requests does), so clients that piled onto one worker
(all those of a killed worker reconnect while its replacement is starting) spread again within
a minute or so: seen in a soak, without it the survivor kept most clients, its requests queued
for 46 s while the new worker idled.

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

import os
import time

from gunicorn.workers.gthread import ThreadWorker

from .head_first_worker import HeadFirstThreadWorker

GRACE = 0.05  # seconds: the longest a worker out of credit refuses new connections
KEEPALIVE_REQUESTS = 100  # requests on one connection before it is closed (GRADER_ setting)
_HOOKS = ("set_accept_enabled", "accept", "finish_request", "wait_for_and_dispatch_events",
          "handle_request")
SUPPORTED = all(callable(getattr(ThreadWorker, name, None)) for name in _HOOKS) and all(
    name in ThreadWorker.__init__.__code__.co_names for name in ("nr_conns", "_accepting"))


class BalancedThreadWorker(HeadFirstThreadWorker):
    """gthread that accepts one new connection per finished request (per thread at start),
    and gives a connection to a thread only once its request is here."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.credit = self.cfg.threads  # new connections it may accept now
        self.last_accept = 0.0
        self.keepalive_requests = keepalive_requests()

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

    def handle_request(self, req, conn):
        """Serve the request; the connection's last if it has served keepalive_requests."""
        served = getattr(conn, "served", 0) + 1
        conn.served = served
        if self.keepalive_requests and served >= self.keepalive_requests:
            req.must_close = True  # the answer says "Connection: close", then it closes
        return super().handle_request(req, conn)

    def dropped_before_request(self) -> None:
        self.credit = min(self.cfg.threads, self.credit + 1)  # it cost no request

    def finish_request(self, conn, fs) -> None:
        self.credit = min(self.cfg.threads, self.credit + 1)
        super().finish_request(conn, fs)


def keepalive_requests() -> int:
    """GRADER_KEEPALIVE_REQUESTS, or KEEPALIVE_REQUESTS (0: no limit)."""
    value = os.environ.get("GRADER_KEEPALIVE_REQUESTS", "").strip()
    return int(value) if value else KEEPALIVE_REQUESTS
