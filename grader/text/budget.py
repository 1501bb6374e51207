"""The per-essay CPU budget: grading that runs past it stops with a clear error.

A Budget is made once per grade() and checked cooperatively: at each stage boundary
(`check`) and inside the long loops (`tick`, which looks at the clock only every
TICKS_PER_CHECK calls, so a check costs almost nothing). It counts the CPU time of the
calling thread, so a busy machine or a slow client does not use it up.
"""

from __future__ import annotations

import time
from typing import Final

# how many tick() calls between two looks at the clock (a power of two: a mask, not a modulo)
TICKS_PER_CHECK: Final = 256
_MASK: Final = TICKS_PER_CHECK - 1
# seconds of CPU per essay when nothing else is configured
DEFAULT_SECONDS: Final = 10.0


class GradingBudgetExceeded(Exception):
    """Grading an essay took more CPU time than its budget; the message says so plainly."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"this essay could not be graded: it needed more than {seconds:g} s of CPU time "
            "(the per-essay limit), which only an unusually long or repetitive text does; "
            "shorten it or split it into several essays")
        self.seconds = seconds


class Budget:
    """CPU seconds an essay may take; `seconds` <= 0 means no limit."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.limited = seconds > 0
        self.deadline = time.thread_time() + seconds if self.limited else 0.0
        self.ticks = 0

    def __reduce__(self) -> tuple[type, tuple[float]]:
        return Budget, (self.seconds,)  # made again, it starts afresh

    def check(self) -> None:
        """Raise GradingBudgetExceeded when the budget is spent."""
        if self.limited and time.thread_time() > self.deadline:
            raise GradingBudgetExceeded(self.seconds)

    def tick(self) -> None:
        """One step of a long loop: checks the clock every TICKS_PER_CHECK steps."""
        self.ticks += 1
        if not self.ticks & _MASK and self.limited:
            self.check()


UNLIMITED: Final = Budget(0.0)
