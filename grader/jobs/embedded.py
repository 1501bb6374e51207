"""Batches run inside the service process by background threads: nothing else to install.

Each thread takes a batch and grades its pending items one by one (checking for cancellation
as it goes). Batches left unfinished by a restart are picked up again when the first batch
request arrives; results are stored exactly once whatever runs them.
"""

from __future__ import annotations

import logging
import queue
import threading

from flask import Flask

log = logging.getLogger("grader.jobs")


class EmbeddedExecutor:
    """A queue of batches and `workers` daemon threads that drain it."""

    def __init__(self, app: Flask, workers: int = 1) -> None:
        self.app = app
        self._queue: queue.Queue[tuple[str, int]] = queue.Queue()
        self._idle = threading.Condition()
        self._busy = 0
        for n in range(max(1, workers)):
            threading.Thread(target=self._run, name=f"grader-batch-{n}", daemon=True).start()
        self._recover()

    def _recover(self) -> None:
        from ..store import batches as repo
        from ..store import get_store

        try:
            with get_store(self.app).read() as session:
                seqs = repo.unfinished_batches(session)
        except Exception:  # noqa: BLE001 - a missing table must not stop the service
            log.exception("could not look for unfinished batches")
            return
        for seq in seqs:
            self.submit(seq, [])

    def submit(self, batch_seq: int, item_seqs: list[int]) -> None:
        with self._idle:
            self._busy += 1
        self._queue.put(("batch", batch_seq))

    def callback(self, batch_seq: int) -> None:
        with self._idle:
            self._busy += 1
        threading.Thread(target=self._guarded, args=("callback", batch_seq),
                         name=f"grader-callback-{batch_seq}", daemon=True).start()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every submitted batch and callback is finished (tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def _run(self) -> None:
        while True:
            kind, seq = self._queue.get()
            self._guarded(kind, seq)

    def _guarded(self, kind: str, seq: int) -> None:
        try:
            if kind == "batch":
                self._run_batch(seq)
            else:
                from .work import send_callback

                send_callback(self.app, seq)
        except Exception:  # noqa: BLE001 - keep the worker thread alive
            log.exception("batch %s: %s failed", seq, kind)
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def _run_batch(self, batch_seq: int) -> None:
        from ..store import batches as repo
        from ..store import get_store
        from .work import finish_batch, process_item

        with get_store(self.app).read() as session:
            items = repo.pending_items(session, batch_seq)
        for item_seq in items:
            if process_item(self.app, item_seq) == "finished":
                return
        finish_batch(self.app, batch_seq)  # a batch with no pending items at all
