"""Turns for heavy work: a few CPU-heavy jobs at a time in each process, so light requests
keep answering.

Grading and reading documents hold Python's interpreter lock while they compute. With every
request thread of a worker grading a long hostile essay, a `/healthz` or an ordinary essay
waits behind all of them for each turn at the lock. So work that may be heavy takes one of
HEAVY_SLOTS turns of its process first: an essay of HEAVY_CHARS characters or more, reading
an uploaded document, and the batch threads' grading and reading. Light work (an ordinary
essay, a page, a health check) never waits. At most HEAVY_QUEUE requests wait for a turn,
so heavy requests never fill every request thread of a worker: one more, or one that finds
no turn within HEAVY_WAIT seconds, gets `Busy` (503 with Retry-After) at once. Batch
threads wait as long as it takes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

EXTENSION = "grader.admission"
DEFAULT_SLOTS = 1
DEFAULT_CHARS = 30_000  # a 700-word essay is about 4,000 characters
DEFAULT_WAIT = 30.0
DEFAULT_QUEUE = 1  # of a worker's 4 request threads, at most 1 + 1 hold heavy work


class Busy(Exception):
    """No turn for heavy work came in time; retry after `retry_after` seconds."""

    def __init__(self, retry_after: int = 5) -> None:
        super().__init__("The service is busy with other long essays and uploads; "
                         "send this one again shortly.")
        self.retry_after = retry_after


class Turns:
    """`slots` turns per process (a forked child makes its own, never sharing its parent's)."""

    def __init__(self, slots: int = DEFAULT_SLOTS, wait: float = DEFAULT_WAIT,
                 heavy_chars: int = DEFAULT_CHARS, queue: int = DEFAULT_QUEUE) -> None:
        self.slots = max(1, int(slots))
        self.wait = float(wait)
        self.heavy_chars = int(heavy_chars)
        self.queue = max(0, int(queue))
        self._waiting = 0  # requests waiting for a turn now
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._semaphore = threading.BoundedSemaphore(self.slots)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Turns:
        return cls(config.get("HEAVY_SLOTS", DEFAULT_SLOTS),
                   config.get("HEAVY_WAIT", DEFAULT_WAIT),
                   config.get("HEAVY_CHARS", DEFAULT_CHARS),
                   config.get("HEAVY_QUEUE", DEFAULT_QUEUE))

    def _slots(self) -> threading.BoundedSemaphore:
        pid = os.getpid()
        if self._pid != pid:
            with self._lock:
                if self._pid != pid:
                    self._semaphore = threading.BoundedSemaphore(self.slots)
                    self._pid = pid
        return self._semaphore

    @contextmanager
    def turn(self, wait: float | None = None) -> Iterator[None]:
        """Hold one turn while the block runs. `wait`: seconds to wait for it (default the
        configured HEAVY_WAIT; None waits as long as it takes), then Busy."""
        slots = self._slots()
        got = slots.acquire() if wait is None else slots.acquire(timeout=max(0.0, wait))
        if not got:
            raise Busy(retry_after=max(1, round(self.wait / 2)))
        try:
            yield
        finally:
            slots.release()

    @contextmanager
    def request_turn(self, chars: int) -> Iterator[None]:
        """For a request: a turn if `chars` (the essay's length, or the upload's size for a
        document to read) makes it heavy, waiting at most HEAVY_WAIT; else no wait at all."""
        if chars < self.heavy_chars:
            yield
            return
        slots = self._slots()
        if not slots.acquire(blocking=False):  # no free turn: wait in line, if there is room
            with self._lock:
                if self._waiting >= self.queue:
                    raise Busy(retry_after=max(1, round(self.wait / 6)))
                self._waiting += 1
            try:
                got = slots.acquire(timeout=max(0.0, self.wait))
            finally:
                with self._lock:
                    self._waiting -= 1
            if not got:
                raise Busy(retry_after=max(1, round(self.wait / 6)))
        try:
            yield
        finally:
            slots.release()


def turns(app: Any) -> Turns:
    """The app's Turns (made on first use from its HEAVY_* settings)."""
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions.setdefault(EXTENSION, Turns.from_config(app.config))
    return found


def document_cost(filename: str | None, size: int) -> int:
    """What reading an uploaded file weighs, in request_turn's units: a plain-text file its
    size; any other document (PDF, Word, OpenDocument, RTF: parsed, perhaps inflated) is
    always heavy."""
    plain = (filename or "").lower().endswith(".txt")
    return size if plain else ALWAYS_HEAVY


ALWAYS_HEAVY = 1 << 62
