"""A one-line progress bar on stderr: essays done, rate, time left."""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """Redrawn at most ten times a second; `clear()` before printing other lines."""

    def __init__(self, total: int | None, stream: TextIO, width: int = 24) -> None:
        self.total, self.stream, self.width = total, stream, width
        self.done = 0
        self.start = self._last = time.monotonic()
        self._shown = False

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._last >= 0.1:
            self._last = now
            self.draw(now)

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.start, 1e-9)
        rate = self.done / elapsed
        if self.total:
            frac = min(self.done / self.total, 1.0)
            filled = int(frac * self.width)
            bar = "[" + "#" * filled + "." * (self.width - filled) + "] "
            left = (self.total - self.done) / rate if rate > 0 else None
            eta = "--:--" if left is None else _clock(left)
            return f"{bar}{self.done}/{self.total} essays  {rate:.1f}/s  {eta} left"
        return f"{self.done} essays  {rate:.1f}/s  {_clock(elapsed)} elapsed"

    def draw(self, now: float | None = None) -> None:
        self.stream.write("\r" + self.line(now) + "\x1b[K")
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False


def _clock(seconds: float) -> str:
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
