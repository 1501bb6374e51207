"""The unit of batch work, the same under any executor: grade one item and store it once."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from ..batch.summary import Summary
from ..pipeline import GradingBudgetExceeded, grade
from ..store import batches as repo
from ..store import get_store
from ..store.rubrics import resolve

log = logging.getLogger("grader.jobs")


def build_summary(session, batch) -> dict[str, Any]:
    """The batch summary (counts, marks, bands, common errors) from what is stored."""
    from ..rubric import RubricError, load_rubric

    rubric = resolve(session, batch.owner_id, batch.rubric_id)
    if rubric is None:
        try:
            rubric = load_rubric(batch.rubric_id)
        except RubricError:
            return {}
    summary = Summary(rubric)
    for report in repo.summary_rows(session, batch.seq):
        summary.add_report(report)
    for e in repo.item_errors(session, batch.seq, limit=1_000_000):
        summary.add_failure(e["essay"], e["error"])
    return summary.to_dict()


def callback_payload(session, batch) -> dict[str, Any]:
    c = repo.counts(session, batch.seq)
    return {"batch": batch.id, "state": batch.state, "rubric": batch.rubric_id,
            "assignment_ref": batch.assignment_ref, "total": batch.total, **c,
            "summary": batch.summary or {}}


def process_item(app: Flask, item_seq: int) -> str:
    """Grade item `item_seq` and store its submission unless already done: what happened.

    Safe to run twice or concurrently for one item (a redelivered task, a restarted worker):
    only the first to commit stores a result. Returns 'stored', 'failed', 'skipped' or
    'finished' (stored and it was the batch's last item).
    """
    store = get_store(app)
    with store.read() as session:
        loaded = repo.load_item(session, item_seq)
        if loaded is None:
            return "skipped"
        item, batch = loaded
        if item.state != "pending":
            return "skipped"
        rubric = resolve(session, batch.owner_id, batch.rubric_id)
        session.expunge(item)  # keep their loaded values after the read session ends
        session.expunge(batch)
    report = error = None
    if rubric is None:
        error = f"unknown rubric {batch.rubric_id!r}"
    else:
        try:
            report = grade(item.text or "", rubric, essay=item.name).to_dict()
        except GradingBudgetExceeded as exc:  # the essay fails alone, saying why
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - one bad essay must not stop the batch
            log.exception("grading batch item %s failed", item_seq)
            error = f"grading failed ({exc.__class__.__name__})"
    with store.write() as session:
        repo.mark_running(session, batch.seq)
        if not repo.complete_item(session, item, batch, report=report, error=error):
            return "skipped"
    return "finished" if finish_batch(app, batch.seq) else ("stored" if report else "failed")


def finish_batch(app: Flask, batch_seq: int) -> bool:
    """If nothing is pending, mark the batch done (once) and send its callback."""
    store = get_store(app)
    with store.read() as session:
        if repo.pending_items(session, batch_seq):
            return False
        from ..store.batch_models import Batch

        batch = session.get(Batch, batch_seq)
        summary = build_summary(session, batch)
    with store.write() as session:
        won = repo.finish_if_complete(session, batch_seq, summary)
    if won:
        schedule_callback(app, batch_seq)
    return won


def schedule_callback(app: Flask, batch_seq: int) -> None:
    """Hand the batch's callback (if it has one) to the executor that runs batches."""
    from ..store.batch_models import Batch

    with get_store(app).read() as session:
        batch = session.get(Batch, batch_seq)
        if batch is None or not batch.callback_url:
            return
    from .dispatch import get_executor

    get_executor(app).callback(batch_seq)


def send_callback(app: Flask, batch_seq: int, attempts: int | None = None) -> bool:
    """Build, sign and POST the batch's callback with retries; record how it went."""
    from ..store.batch_models import Batch
    from .callbacks import deliver, encode
    from .egress import check_callback_url

    store = get_store(app)
    with store.read() as session:
        batch = session.get(Batch, batch_seq)
        if batch is None or not batch.callback_url:
            return False
        url, secret = batch.callback_url, batch.callback_secret
        body = encode(callback_payload(session, batch))
    ok = deliver(url, body, secret,
                 attempts=attempts or app.config.get("BATCH_CALLBACK_ATTEMPTS", 6),
                 backoff=app.config.get("BATCH_CALLBACK_BACKOFF", 2.0),
                 check=lambda target: check_callback_url(target, app.config))
    with store.write() as session:
        repo.set_callback_state(session, batch_seq, "delivered" if ok else "failed")
    return ok
