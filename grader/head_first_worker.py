"""A gunicorn gthread worker that gives a connection to a thread only once its request is here.

gthread hands a connection to a request thread as soon as its first byte arrives, and the
thread then blocks reading the rest: 8 clients sending one header byte a second held all 8
threads of 2 workers x 4, and /healthz timed out. Here the worker's event loop reads every
new or kept-alive connection without blocking until its request head is complete (and, for a
Content-Length body up to grader.request_head.BODY_PREREAD, the body as well), then hands it
to a thread, which parses from those bytes and never waits on the client for them. Slow and
idle connections hold no thread:

- the head must arrive within HEAD_TIMEOUT seconds (from the connection's accept, or from the
  first byte of a kept-alive connection's next request), a small body within BODY_TIMEOUT
  after its head: past that, 408 and the connection closes;
- a head longer than HEAD_LIMIT: 431 and the connection closes;
- bodies read by the thread (larger, or chunked) wait at most BODY_READ_TIMEOUT seconds for
  each read: a stalled body ends as if the client had gone (400), not with a held thread.

A health check (GET /healthz or /readyz: grader.request_head.is_health_check) goes to one of
HEALTH_THREADS threads of its own instead of the request threads' queue, so a probe is
answered while every request thread is busy and many more requests wait (in a soak at 150
grade requests a second, /healthz queued behind them).

TLS connections and HTTP/2 with prior knowledge are served as gthread serves them (the loop
cannot read them raw). If gunicorn's internals ever differ from what this relies on, the
worker behaves as plain gthread.
"""

from __future__ import annotations

import selectors
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from gunicorn.http.unreader import SocketUnreader
from gunicorn.http2 import negotiation
from gunicorn.workers import gthread
from gunicorn.workers.gthread import ThreadWorker

from .request_head import HEAD_LIMIT, Verdict, is_health_check, judge

HEAD_TIMEOUT = 10.0  # seconds for a request head to arrive
BODY_TIMEOUT = 30.0  # seconds for a small body to follow its head
BODY_READ_TIMEOUT = 30.0  # seconds a thread waits for each read of a large or chunked body
SWEEP_EVERY = 0.25  # seconds between looks for connections past their deadline
RECV_SIZE = 64 * 1024
HEALTH_THREADS = 1  # threads serving health checks only
_STOP_LINGER = getattr(gthread, "STOP_KEEPALIVE_LINGER", 2.0)  # seconds, once stopping

_TIMEOUT = (b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
_TOO_LARGE = (b"HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n"
              b"Content-Length: 0\r\n\r\n")

SUPPORTED = (
    all(callable(getattr(ThreadWorker, name, None))
        for name in ("enqueue_req", "murder_pending", "finish_request"))
    and callable(getattr(negotiation, "prior_knowledge_allowed", None))
    and "data_ready" in gthread.TConn.__init__.__code__.co_names
    and "data_ready" in ThreadWorker.handle.__code__.co_names
    and callable(getattr(SocketUnreader, "chunk", None)))


class TimedUnreader(SocketUnreader):
    """The parser's socket reader, each read bounded by BODY_READ_TIMEOUT. A read that times
    out ends the connection's input (the request then looks cut short: the app answers 400)
    and the connection closes after the answer."""

    def chunk(self, size_hint: int | None = None) -> bytes:
        self.sock.settimeout(BODY_READ_TIMEOUT)
        try:
            return super().chunk(size_hint)
        except TimeoutError:
            try:
                self.sock.shutdown(socket.SHUT_RD)
            except OSError:
                pass
            return b""
        finally:
            self.sock.settimeout(None)


class _Arriving:
    """A connection whose request is still arriving: the bytes so far, and its deadline."""

    __slots__ = ("buf", "deadline", "registered", "body_due")

    def __init__(self, buf: bytes, deadline: float) -> None:
        self.buf = bytearray(buf)
        self.deadline = deadline
        self.registered = False
        self.body_due = False


class HeadFirstThreadWorker(ThreadWorker):
    """gthread whose threads only ever get connections with their request already read."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.arriving: dict[object, _Arriving] = {}
        self.next_sweep = 0.0
        self.stop_capped = False
        self.health_pool: ThreadPoolExecutor | None = None

    def init_process(self) -> None:
        self.health_pool = ThreadPoolExecutor(max_workers=HEALTH_THREADS,
                                              thread_name_prefix="health")
        super().init_process()

    def run(self) -> None:
        try:
            super().run()
        finally:
            if self.health_pool is not None:
                self.health_pool.shutdown(wait=False)

    # which connections the loop reads
    def _reads_in_loop(self, conn) -> bool:
        if not SUPPORTED or self.cfg.is_ssl or conn.is_http2:
            return False
        if not conn.initialized and negotiation.prior_knowledge_allowed(self.cfg, conn.client):
            return False
        return conn.parser is None or isinstance(conn.parser.unreader, SocketUnreader)

    def enqueue_req(self, conn) -> None:
        """Instead of a thread now: read what the client has sent, a thread once it is all
        here (gthread calls this for new connections and for kept-alive ones with data)."""
        if not self._reads_in_loop(conn):
            super().enqueue_req(conn)
            return
        ahead = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        self.arriving[conn] = _Arriving(ahead, time.monotonic() + HEAD_TIMEOUT)
        self._on_readable(conn)

    def _on_readable(self, conn, _sock=None) -> None:
        try:
            conn.sock.setblocking(False)
            self._advance(conn)
        except Exception:  # noqa: BLE001 - one bad connection must not stop the event loop
            self.log.exception("Error reading a request")
            if conn in self.arriving:
                self._drop(conn)

    def _advance(self, conn) -> None:
        state = self.arriving[conn]
        verdict = judge(state.buf)
        while verdict in (Verdict.MORE_HEAD, Verdict.MORE_BODY):
            try:
                data = conn.sock.recv(RECV_SIZE)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                data = b""
            if not data:  # the client went away before its request was complete
                self._drop(conn)
                return
            state.buf += data
            verdict = judge(state.buf)
            if len(data) < RECV_SIZE:
                break
        if verdict is Verdict.MORE_BODY and not state.body_due:
            state.body_due = True
            state.deadline = time.monotonic() + BODY_TIMEOUT
        if verdict is Verdict.READY:
            self._hand_over(conn)
        elif verdict is Verdict.TOO_LARGE:
            self._drop(conn, _TOO_LARGE)
        elif not state.registered:
            state.registered = True
            self.poller.register(conn.sock, selectors.EVENT_READ,
                                 partial(self._on_readable, conn))

    def _forget(self, conn) -> _Arriving:
        state = self.arriving.pop(conn)
        if state.registered:
            try:
                self.poller.unregister(conn.sock)
            except (OSError, KeyError, ValueError):
                pass
        return state

    def _hand_over(self, conn) -> None:
        state = self._forget(conn)
        if not conn.initialized:
            conn.init()  # plain HTTP/1: makes the parser, no I/O
            conn.parser.unreader = TimedUnreader(conn.sock)
        conn.parser.unreader.unread(bytes(state.buf))
        conn.data_ready = True  # the thread need not wait for data
        if self.health_pool is not None and is_health_check(state.buf):
            self._enqueue_health_check(conn)
        else:
            super().enqueue_req(conn)

    def _enqueue_health_check(self, conn) -> None:
        """As gthread's enqueue_req, on the health-check threads."""
        fs = self.health_pool.submit(self.handle, conn)
        fs.add_done_callback(
            lambda fut: self.method_queue.defer(self.finish_request, conn, fut))

    def _drop(self, conn, answer: bytes = b"") -> None:
        """Close a connection whose request never came complete (with `answer`, if any)."""
        self._forget(conn)
        if answer:
            try:
                conn.sock.send(answer)
            except OSError:
                pass
        self.nr_conns -= 1
        conn.close()
        self.dropped_before_request()

    def dropped_before_request(self) -> None:
        """A connection closed without taking a thread (a hook for subclasses)."""

    def murder_pending(self) -> None:
        super().murder_pending()
        now = time.monotonic()
        if not self.alive and not self.stop_capped:  # stopping: finish soon
            self.stop_capped = True
            for state in self.arriving.values():
                state.deadline = min(state.deadline, now + _STOP_LINGER)
        if now < self.next_sweep or not self.arriving:
            return
        self.next_sweep = now + SWEEP_EVERY
        for conn in [c for c, s in self.arriving.items() if s.deadline <= now]:
            self._drop(conn, _TIMEOUT if self.arriving[conn].buf.strip() else b"")


__all__ = ["HEAD_LIMIT", "HEAD_TIMEOUT", "HeadFirstThreadWorker", "SUPPORTED"]
