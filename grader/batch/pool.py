"""Grade a stream of Items in N worker processes with a bounded window, in order or not.

The rubric is sent to each worker once (its initializer) and reused for every essay. At most
`window` chunks are in flight, so memory stays flat whatever the batch size.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any

from ..rubric import Rubric
from ..text.budget import GradingBudgetExceeded
from .items import Item, prepare_text

Render = Callable[[Any], Any]  # Report -> what the caller writes (a JSON line, a CSV row...)


@dataclass(slots=True)
class Outcome:
    """The result of one Item: `output` (rendered report) and a digest, or an error."""

    name: str
    output: Any = None
    error: str | None = None
    marks: float = 0.0
    max_marks: float = 0.0
    band: int | None = None
    flags: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def grade_one(item: Item, rubric: Rubric, render: Render) -> Outcome:
    """Grade one Item (decoding it if needed); any failure becomes an Outcome with an error."""
    from ..pipeline import grade

    text, error = prepare_text(item)
    if error is not None:
        return Outcome(item.name, error=error)
    try:
        report = grade(text, rubric, essay=item.name)
        output = render(report)
    except GradingBudgetExceeded as exc:  # the essay fails alone, saying why
        return Outcome(item.name, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad essay must not stop the batch
        return Outcome(item.name, error=f"grading failed ({exc.__class__.__name__}: {exc})")
    s = report.score
    return Outcome(item.name, output=output, marks=s.marks, max_marks=s.max_marks, band=s.band,
                   flags=[f.fact for f in report.flags],
                   missing=[f.id for f in report.factors if f.level == 0])


_worker: dict[str, Any] = {}


def _init_worker(rubric: Rubric, render: Render) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _worker["rubric"], _worker["render"] = rubric, render


def _grade_chunk(items: list[Item]) -> list[Outcome]:
    rubric, render = _worker["rubric"], _worker["render"]
    return [grade_one(item, rubric, render) for item in items]


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def grade_items(items: Iterable[Item], rubric: Rubric, render: Render, jobs: int = 1,
                ordered: bool = True, chunk_size: int = 8,
                window: int | None = None) -> Iterator[Outcome]:
    """Yield an Outcome per Item. jobs=1 grades in this process; more uses a process pool.

    With `ordered`, outcomes follow the input; otherwise they come as they finish. Closing
    the generator (or Ctrl-C) cancels the chunks not yet started.
    """
    items = iter(items)
    head = list(islice(items, chunk_size + 1))
    if jobs <= 1 or len(head) <= chunk_size:  # a handful of essays: no pool to start
        for item in chain(head, items):
            yield grade_one(item, rubric, render)
        return
    items = chain(head, items)
    window = window or jobs * 4
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method),
                               initializer=_init_worker, initargs=(rubric, render))
    pending: deque[Future] = deque()
    chunks = _chunks(items, chunk_size)
    try:
        for chunk in chunks:
            pending.append(pool.submit(_grade_chunk, chunk))
            if len(pending) < window:
                continue
            yield from _drain(pending, ordered, until=window - 1)
        yield from _drain(pending, ordered, until=0)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _drain(pending: deque[Future], ordered: bool, until: int) -> Iterator[Outcome]:
    while len(pending) > until:
        if ordered:
            yield from pending.popleft().result()
            continue
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for fut in [f for f in pending if f in done]:
            pending.remove(fut)
            yield from fut.result()
