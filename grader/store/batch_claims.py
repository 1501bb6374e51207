"""Claiming batch work in the database: fairest batch first, leases, bulk exactly-once results.

Any number of worker processes (gunicorn workers, Celery workers, on any machine) take work
the same way: a claim marks items (or a batch's uploads) with the claimant and a lease expiry
and counts the start; results are written with a conditional update that only a still-pending
item passes, so nothing is stored twice whoever else ran it. A claim whose worker died lapses
when its lease expires. An item started `max_starts` times without a result is failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import takewhile
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from .batch_models import Batch, BatchItem, BatchUpload
from .models import Submission, new_public_id, utcnow

UNFINISHED = ("queued", "running")
POISONED = ("could not be graded: grading it stopped the worker {n} times "
            "(the essay may be too long or unusual to grade)")


@dataclass(slots=True)
class Work:
    """An item claimed for grading: what the grader needs and what the result row needs."""

    seq: int
    position: int
    name: str
    text: str | None
    student_ref: str | None
    external_id: str | None


@dataclass(slots=True)
class Result:
    """The outcome of grading one claimed item: a report, or the error a teacher sees."""

    work: Work
    report: dict[str, Any] | None = None
    error: str | None = None


def _claimable(table: Any, now: datetime, me: str) -> ColumnElement[bool]:
    return or_(table.lease_until.is_(None), table.lease_until < now, table.lease_owner == me)


def candidates(session: Session, me: str, now: datetime | None = None,
               limit: int = 8) -> list[tuple[int, bool, int]]:
    """Unfinished batches with work this worker may claim, fairest first: (seq, whether its
    uploads are there to be read, its number of items so far). Owners served least recently
    come first (a new owner before one being served), then each owner's batches in the order
    they came."""
    now = now or utcnow()
    items = exists().where(BatchItem.batch_seq == Batch.seq, BatchItem.state == "pending",
                           _claimable(BatchItem, now, me))
    held = exists().where(BatchUpload.batch_seq == Batch.seq)
    uploads = and_(held, _claimable(Batch, now, me))
    # nothing left to do but to finish it (every item failed as it came, a worker that
    # wrote the last results died before finishing the batch)
    ended = and_(~held, ~exists().where(BatchItem.batch_seq == Batch.seq,
                                        BatchItem.state == "pending"))
    # when each owner was last served, grouped once (a subquery per batch made this
    # quadratic in the unfinished batches: 0.9 s a call with 3,000 of them on PostgreSQL)
    owners = (select(Batch.owner_id.label("owner_id"),
                     func.max(Batch.served_at).label("served"))
              .where(Batch.state.in_(UNFINISHED)).group_by(Batch.owner_id).subquery())
    q = (select(Batch.seq, uploads, Batch.total)
         .join(owners, owners.c.owner_id == Batch.owner_id)
         .where(Batch.state.in_(UNFINISHED), or_(uploads, items, ended))
         .order_by(owners.c.served.asc().nulls_first(), Batch.seq).limit(limit))
    return [(seq, bool(up), total or 0) for seq, up, total in session.execute(q)]


def claim_items(session: Session, batch_seq: int, me: str, *, limit: int, lease: float,
                max_starts: int, now: datetime | None = None) -> list[int]:
    """Claim up to `limit` pending items of the batch, in input order, for `lease` seconds.

    Items started `max_starts` times already are failed instead. An item started before
    (its worker died or was stopped mid-claim) is claimed alone, so one that kills its
    worker takes nothing else down with it next time.
    """
    now = now or utcnow()
    free = _claimable(BatchItem, now, me)
    session.execute(update(BatchItem).where(
        BatchItem.batch_seq == batch_seq, BatchItem.state == "pending", free,
        BatchItem.started >= max_starts).values(
        state="failed", error=POISONED.format(n=max_starts), text=None, finished_at=now,
        lease_owner=None, lease_until=None))
    q = (select(BatchItem.seq, BatchItem.started)
         .where(BatchItem.batch_seq == batch_seq, BatchItem.state == "pending", free)
         .order_by(BatchItem.position).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    rows = session.execute(q).all()
    if not rows:
        return []
    # a retried item alone; otherwise the fresh ones up to the first retried one
    rows = rows[:1] if rows[0].started else list(takewhile(lambda r: not r.started, rows))
    seqs = [r.seq for r in rows]
    session.execute(update(BatchItem).where(BatchItem.seq.in_(seqs),
                                            BatchItem.state == "pending")
                    .values(lease_owner=me, lease_until=now + timedelta(seconds=lease),
                            started=BatchItem.started + 1))
    session.execute(update(Batch).where(Batch.seq == batch_seq).values(served_at=now))
    session.execute(update(Batch).where(Batch.seq == batch_seq, Batch.state == "queued")
                    .values(state="running"))
    return seqs


def renew(session: Session, me: str, seqs: list[int], lease: float) -> None:
    """Extend `me`'s claim on these items (still pending) by `lease` seconds from now."""
    session.execute(update(BatchItem).where(
        BatchItem.seq.in_(seqs), BatchItem.lease_owner == me, BatchItem.state == "pending")
        .values(lease_until=utcnow() + timedelta(seconds=lease)))


def load_work(session: Session, seqs: list[int]) -> list[Work]:
    """The claimed items still pending, in input order."""
    q = (select(BatchItem.seq, BatchItem.position, BatchItem.name, BatchItem.text,
                BatchItem.student_ref, BatchItem.external_id)
         .where(BatchItem.seq.in_(seqs), BatchItem.state == "pending")
         .order_by(BatchItem.position))
    return [Work(*row) for row in session.execute(q)]


def store_results(session: Session, batch: Batch, results: list[Result],
                  rubric_digest: str | None = None) -> int:
    """Write every result whose item is still pending, all in this transaction: how many.
    `rubric_digest` names the rubric version that graded them (overrides use it).

    The pending items are locked first (PostgreSQL: FOR UPDATE; SQLite: the write lock the
    transaction began with), so of two workers with results for one item only the first to
    commit writes it, and its submission is created with it.
    """
    if not results:
        return 0
    by_seq = {r.work.seq: r for r in results}
    q = select(BatchItem.seq).where(BatchItem.seq.in_(list(by_seq)),
                                    BatchItem.state == "pending")
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    won = [by_seq[seq] for seq in session.scalars(q)]
    if not won:
        return 0
    now = utcnow()
    subs, updates = [], []
    for r in won:
        sid = None
        if r.report is not None:
            sid = new_public_id()
            score = r.report["score"]
            subs.append({
                "id": sid, "owner_id": batch.owner_id, "text": r.work.text or "",
                "report": r.report, "rubric_id": r.report["rubric"]["id"],
                "rubric_version": r.report["rubric"]["version"],
                "rubric_digest": rubric_digest, "marks": score["marks"],
                "max_marks": score["max_marks"], "band": score.get("band"),
                "student_ref": r.work.student_ref, "assignment_ref": batch.assignment_ref,
                "external_id": r.work.external_id, "essay_name": r.work.name,
                "metadata": {"batch": batch.id, "position": r.work.position},
                "created_at": now, "updated_at": now})
        updates.append({"b_seq": r.work.seq, "b_state": "done" if sid else "failed",
                        "b_error": None if sid else (r.error or "grading failed")[:1000],
                        "b_sid": sid, "b_digest": digest(r.report) if sid else None})
    if subs:
        session.execute(insert(Submission.__table__), subs)
    items = BatchItem.__table__
    session.execute(
        update(items).where(items.c.seq == bindparam("b_seq")).values(
            state=bindparam("b_state"), error=bindparam("b_error"),
            submission_id=bindparam("b_sid"), digest=bindparam("b_digest"), text=None,
            finished_at=now,
            attempts=items.c.attempts + 1, lease_owner=None, lease_until=None),
        updates)
    return len(won)


def digest(report: dict[str, Any]) -> dict[str, Any]:
    """What the batch summary needs of a report, small enough to read back for every item."""
    score = report["score"]
    return {"marks": score["marks"], "max_marks": score["max_marks"],
            "band": score.get("band"),
            "flags": sorted({f["fact"] for f in report.get("flags", [])}),
            "missing": [f["id"] for f in report.get("factors", []) if f["level"] == 0]}


def digests(session: Session, batch_seq: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, digest) of the batch's graded items; the digest is rebuilt from the stored
    report for items graded before digests were kept."""
    q = (select(BatchItem.name, BatchItem.digest, Submission.report)
         .outerjoin(Submission, and_(Submission.id == BatchItem.submission_id,
                                     BatchItem.digest.is_(None)))
         .where(BatchItem.batch_seq == batch_seq, BatchItem.state == "done"))
    for name, found, report in session.execute(q.execution_options(yield_per=500)):
        if found is None and report is not None:
            found = digest(report)
        if found is not None:
            yield name, found


def claimants(session: Session) -> list[str]:
    """Who holds claims on pending items or uploads of unfinished batches right now."""
    now = utcnow()
    items = (select(BatchItem.lease_owner).where(
        BatchItem.state == "pending", BatchItem.lease_until >= now).distinct())
    batches = (select(Batch.lease_owner).where(
        Batch.state.in_(UNFINISHED), Batch.lease_until >= now).distinct())
    return sorted({o for o in session.scalars(items.union(batches)) if o})


def release(session: Session, me: str) -> None:
    """Give up every claim of `me` (a worker shutting down): others may take them at once."""
    session.execute(update(BatchItem).where(BatchItem.lease_owner == me,
                                            BatchItem.state == "pending")
                    .values(lease_owner=None, lease_until=None))
    session.execute(update(Batch).where(Batch.lease_owner == me)
                    .values(lease_owner=None, lease_until=None))


def pending_count(session: Session, batch_seq: int) -> int:
    return session.scalar(select(func.count()).where(BatchItem.batch_seq == batch_seq,
                                                     BatchItem.state == "pending")) or 0


# Uploads: read into items by one worker at a time, in steps that survive a crash.

def claim_uploads(session: Session, batch_seq: int, me: str, *, lease: float,
                  now: datetime | None = None) -> int | None:
    """Claim reading the batch's uploads: the number of times it has been started (this
    one included), or None if there is nothing to read or someone else holds the claim."""
    now = now or utcnow()
    won = session.execute(update(Batch).where(
        Batch.seq == batch_seq, Batch.state.in_(UNFINISHED), _claimable(Batch, now, me),
        exists().where(BatchUpload.batch_seq == batch_seq)).values(
        lease_owner=me, lease_until=now + timedelta(seconds=lease),
        started=Batch.started + 1, served_at=now))
    if won.rowcount != 1:
        return None
    return session.scalar(select(Batch.started).where(Batch.seq == batch_seq))


def uploads(session: Session, batch_seq: int) -> list[tuple[str, str, bytes]]:
    """The batch's uploaded files (name, kind, bytes) in the order they came."""
    q = (select(BatchUpload.name, BatchUpload.kind, BatchUpload.data)
         .where(BatchUpload.batch_seq == batch_seq).order_by(BatchUpload.position))
    return [tuple(row) for row in session.execute(q)]  # type: ignore[misc]


def items_stored(session: Session, batch_seq: int) -> int:
    """The highest item position stored so far (0 for none)."""
    return session.scalar(select(func.max(BatchItem.position))
                          .where(BatchItem.batch_seq == batch_seq)) or 0


def holds_uploads(session: Session, batch_seq: int, me: str, lease: float) -> bool:
    """Whether `me` still holds the claim on reading the unfinished batch's uploads; if so,
    the claim is renewed for `lease` seconds."""
    kept = session.execute(update(Batch).where(
        Batch.seq == batch_seq, Batch.lease_owner == me, Batch.state.in_(UNFINISHED))
        .values(lease_until=utcnow() + timedelta(seconds=lease)))
    return kept.rowcount == 1


def set_total(session: Session, batch_seq: int) -> None:
    session.execute(update(Batch).where(Batch.seq == batch_seq)
                    .values(total=items_stored(session, batch_seq)))


def uploads_read(session: Session, batch_seq: int) -> None:
    """The uploads are all in items: drop them and the claim, count the items."""
    session.execute(delete(BatchUpload).where(BatchUpload.batch_seq == batch_seq))
    set_total(session, batch_seq)
    session.execute(update(Batch).where(Batch.seq == batch_seq, Batch.state == "queued")
                    .values(state="running", lease_owner=None, lease_until=None))
    session.execute(update(Batch).where(Batch.seq == batch_seq)
                    .values(lease_owner=None, lease_until=None))
