"""The unit of batch work, the same under any executor: claim a few items, grade, store once.

`run_next` takes the fairest piece of work there is (reading a batch's uploads into items,
or up to BATCH_CHUNK items of the batch whose owner was served least recently), grades it
and writes every result in one transaction. Whoever runs it (a thread in a gunicorn worker,
a Celery task) and however often (a redelivered task, a restarted worker), each item is
stored once: see grader.store.batch_claims.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from flask import Flask

from ..admission import turns
from ..batch.pool import Outcome
from ..batch.summary import Summary
from ..pipeline import GradingBudgetExceeded, grade
from ..store import batch_claims as claims
from ..store import batches as repo
from ..store import get_store
from ..store.batch_models import Batch
from ..store.rubrics import digest_of, resolve

log = logging.getLogger("grader.jobs")

DEFAULTS: dict[str, Any] = {
    "BATCH_CHUNK": 20,  # at most this many items claimed, graded and written together
    "BATCH_LEASE_SECONDS": 120,  # a claim lapses this long after it was made (sooner if
    # its claimant was a process of this machine that is gone: release_dead_claims)
    "BATCH_MAX_STARTS": 2,  # an item started this often without a result is failed
}


# a batch of up to this many essays is claimed, graded and written as one piece
SMALLEST_CHUNK = 5


def setting(app: Flask, name: str) -> Any:
    return app.config.get(name, DEFAULTS[name])


def worker_name(tag: str) -> str:
    """Who claims work: host, process and a tag (a thread number, a Celery task id)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{tag}"[:100]


def run_next(app: Flask, me: str, budget: float = 0.0) -> bool:
    """Do the fairest piece of work `me` may claim; False if there is none. With `budget`
    seconds, keep taking pieces until that much time has passed or the work runs out."""
    get_store(app).migrate()  # a database that was down at start is migrated first
    deadline = time.monotonic() + budget
    did = False
    while True:
        if not _one_piece(app, me):
            return did
        did = True
        if time.monotonic() >= deadline:
            return True


def _one_piece(app: Flask, me: str) -> bool:
    from .expand import read_uploads

    store = get_store(app)
    with store.read() as session:
        found = claims.candidates(session, me)
    for batch_seq, has_uploads, total in found:
        if has_uploads and read_uploads(app, batch_seq, me):
            return True
        # up to BATCH_CHUNK items, fewer for a big batch's share so that workers share it,
        # but never fewer than SMALLEST_CHUNK: a piece costs a few queries and two
        # transactions besides the grading, too much to pay for each essay
        chunk = max(1, min(int(setting(app, "BATCH_CHUNK")),
                           max(SMALLEST_CHUNK, -(-total // 8))))
        with store.write() as session:
            seqs = claims.claim_items(session, batch_seq, me, limit=chunk,
                                      lease=float(setting(app, "BATCH_LEASE_SECONDS")),
                                      max_starts=int(setting(app, "BATCH_MAX_STARTS")))
        if seqs:
            grade_claimed(app, batch_seq, seqs, me)
            return True
        if finish_batch(app, batch_seq):  # nothing left (the claim may have failed the last)
            return True
    return False


def _dead_here(claimant: str) -> bool:
    """Whether `claimant` (host:pid:tag) was a process of this machine that has ended."""
    host, _, rest = claimant.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def release_dead_claims(app: Flask) -> int:
    """Give up the claims of this machine's processes that died (a SIGKILLed gunicorn
    worker): its work is taken up now instead of when the lease lapses. How many."""
    store = get_store(app)
    with store.read() as session:
        dead = [c for c in claims.claimants(session) if _dead_here(c)]
    for claimant in dead:
        log.warning("taking back the batch work of %s, which has ended", claimant)
        with store.write() as session:
            claims.release(session, claimant)
    return len(dead)


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
    for name, d in claims.digests(session, batch.seq):  # not every report: their digests
        summary.add(Outcome(name, marks=d["marks"], max_marks=d["max_marks"], band=d["band"],
                            flags=d["flags"], missing=d["missing"]))
    for e in repo.item_errors(session, batch.seq, limit=1_000_000):
        summary.add_failure(e["essay"], e["error"])
    return summary.to_dict()


def callback_payload(session, batch) -> dict[str, Any]:
    c = repo.counts(session, batch.seq)
    return {"batch": batch.id, "state": batch.state, "rubric": batch.rubric_id,
            "assignment_ref": batch.assignment_ref, "total": batch.total, **c,
            "summary": batch.summary or {}}


def grade_claimed(app: Flask, batch_seq: int, seqs: list[int], me: str | None = None) -> int:
    """Grade the claimed items and write all their results in one transaction; finish the
    batch if they were its last. How many results were written (0: others got there first).
    The claim of `me` is renewed while grading takes long, so it does not lapse meanwhile."""
    store = get_store(app)
    with store.read() as session:
        batch = session.get(Batch, batch_seq)
        if batch is None:
            return 0
        work = claims.load_work(session, seqs)
        rubric = resolve(session, batch.owner_id, batch.rubric_id)
        session.expunge(batch)
    results = []
    lease = float(setting(app, "BATCH_LEASE_SECONDS"))
    renewed = time.monotonic()
    for item in work:
        if me is not None and time.monotonic() - renewed > lease / 3:
            with store.write() as session:
                claims.renew(session, me, [w.seq for w in work], lease)
            renewed = time.monotonic()
        result = claims.Result(item)
        if rubric is None:
            result.error = f"unknown rubric {batch.rubric_id!r}"
        else:
            try:
                with turns(app).turn(wait=None):  # requests' heavy work takes turns with it
                    result.report = grade(item.text or "", rubric, essay=item.name).to_dict()
            except GradingBudgetExceeded as exc:  # the essay fails alone, saying why
                result.error = str(exc)[:1000]
            except Exception as exc:  # noqa: BLE001 - one bad essay must not stop the batch
                log.warning("grading batch item %s failed: %s", item.seq, exc)
                result.error = _grading_error(exc)
        results.append(result)
    with store.write() as session:
        written = claims.store_results(session, batch, results,
                                       digest_of(rubric) if rubric is not None else None)
    with store.read() as session:
        left = claims.pending_count(session, batch_seq)
    if not left:
        finish_batch(app, batch_seq)
    return written


def _grading_error(exc: Exception) -> str:
    message = str(exc).strip()
    if message.lower().startswith("this essay could not be graded"):
        return message[:1000]  # a budget's own message says it all
    return f"grading failed ({exc.__class__.__name__})"


def process_item(app: Flask, item_seq: int) -> str:
    """Grade one item (claimed alone) unless already done: 'stored', 'failed', 'skipped' or
    'finished' (stored and it was the batch's last item). Safe to run twice."""
    from ..store.batch_models import BatchItem

    store = get_store(app)

    with store.read() as session:
        item = session.get(BatchItem, item_seq)
        if item is None or item.state != "pending":
            return "skipped"
        batch_seq = item.batch_seq
    if not grade_claimed(app, batch_seq, [item_seq]):
        return "skipped"
    with store.read() as session:
        state = session.get(BatchItem, item_seq).state
        finished = session.get(Batch, batch_seq).state == "done"
    return "finished" if finished else ("stored" if state == "done" else "failed")


def finish_batch(app: Flask, batch_seq: int) -> bool:
    """If nothing is pending, mark the batch done (once) and send its callback."""
    store = get_store(app)
    with store.read() as session:
        if claims.pending_count(session, batch_seq):
            return False
        batch = session.get(Batch, batch_seq)
        if batch is None or batch.state not in claims.UNFINISHED:
            return False
        summary = build_summary(session, batch)
    with store.write() as session:
        won = repo.finish_if_complete(session, batch_seq, summary)
    if won:
        schedule_callback(app, batch_seq)
    return won


def schedule_callback(app: Flask, batch_seq: int) -> None:
    """Hand the batch's callback (if it has one) to the executor that runs batches."""
    with get_store(app).read() as session:
        batch = session.get(Batch, batch_seq)
        if batch is None or not batch.callback_url:
            return
    from .dispatch import get_executor

    get_executor(app).callback(batch_seq)


def send_callback(app: Flask, batch_seq: int, attempts: int | None = None) -> bool:
    """Build, sign and POST the batch's callback with retries; record how it went."""
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
