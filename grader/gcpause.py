"""The cyclic garbage collector paused while a long essay is graded.

Grading a long essay allocates millions of objects that all stay alive until its report is
built (tokens, their lists and indexes) and holds no reference cycles among them: each is
freed by its reference count when grade() returns. The collector cannot know that; it walks
them again and again as they pile up (every 700 allocations the young ones, and the whole
heap each time it has grown by a quarter), which on a 2 MB essay was 30-60% of grading's CPU
time (benchmarks/worst_case.py). So grade() pauses it for an essay of LONG_TEXT characters
or more. The collector is one per process: pauses from several threads are counted, and it
is enabled again when the last one ends (only if it was enabled when the first began).
Cyclic garbage that other threads make meanwhile is collected once it runs again.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

# Shorter essays are graded with the collector as configured (grading one of a few pages sets
# off a few young collections, a few per cent of its time).
LONG_TEXT: Final = 50_000

_lock = threading.Lock()
_state = {"pauses": 0, "reenable": False}


@contextmanager
def paused_for(text: str) -> Iterator[None]:
    """Pause the cyclic collector while the block runs, when `text` is LONG_TEXT or longer."""
    if len(text) < LONG_TEXT:
        yield
        return
    with _lock:
        if _state["pauses"] == 0:
            _state["reenable"] = gc.isenabled()
            gc.disable()
        _state["pauses"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["pauses"] -= 1
            if _state["pauses"] == 0 and _state["reenable"]:
                gc.enable()
