"""Slow down password guessing: failed sign-ins counted per address and per e-mail.

In-process and per worker (the hardening work may move it to flask-limiter with Redis); a
successful sign-in clears the e-mail's count.
"""

from __future__ import annotations

import threading
import time
from collections import deque


class SignInThrottle:
    """At most `limit` failures per key in `window` seconds; then wait until the oldest ages."""

    def __init__(self, limit: int = 10, window: float = 900.0) -> None:
        self.limit = limit
        self.window = window
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def wait(self, *keys: str) -> int:
        """Seconds before another attempt is allowed for any of `keys` (0: allowed now)."""
        now = time.monotonic()
        with self._lock:
            waits = []
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.limit:
                    waits.append(int(self.window - (now - times[0])) + 1)
            return max(waits, default=0)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._failures) > 100_000:  # bound memory under a spray of e-mails
                self._failures.clear()

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
