"""Stored batches for one owner: create with items, progress counts, exactly-once completion."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from . import submissions as submission_repo
from .batch_models import Batch, BatchItem
from .models import Submission, utcnow

UNFINISHED = ("queued", "running")


@dataclass
class NewItem:
    """An essay for a new batch: text to grade, or the reason it cannot be (stored failed)."""

    name: str
    text: str | None = None
    error: str | None = None
    student_ref: str | None = None
    external_id: str | None = None


def create_batch(session: Session, owner_id: int, *, rubric_id: str, items: Iterable[NewItem],
                 assignment_ref: str | None = None, callback_url: str | None = None,
                 callback_secret: str | None = None) -> Batch:
    """Add a batch and all its items to the session's transaction (items flushed in chunks)."""
    batch = Batch(owner_id=owner_id, rubric_id=rubric_id, assignment_ref=assignment_ref,
                  callback_url=callback_url, callback_secret=callback_secret, state="queued")
    session.add(batch)
    session.flush()
    n = 0
    for n, item in enumerate(items, start=1):
        failed = item.error is not None
        session.add(BatchItem(batch_seq=batch.seq, position=n, name=item.name[:500],
                              student_ref=item.student_ref, external_id=item.external_id,
                              text=None if failed else item.text,
                              state="failed" if failed else "pending",
                              error=item.error[:1000] if failed else None,
                              finished_at=utcnow() if failed else None))
        if n % 500 == 0:
            session.flush()
    batch.total = n
    session.flush()
    return batch


def get_batch(session: Session, owner_id: int, public_id: str) -> Batch | None:
    """The owner's batch with this id; None for unknown ids and other owners' ones."""
    return session.scalars(select(Batch).where(Batch.id == public_id,
                                               Batch.owner_id == owner_id)).first()


def counts(session: Session, batch_seq: int) -> dict[str, int]:
    """How many items are in each state."""
    rows = session.execute(select(BatchItem.state, func.count()).where(
        BatchItem.batch_seq == batch_seq).group_by(BatchItem.state))
    found = dict(rows.all())
    return {s: found.get(s, 0) for s in ("pending", "done", "failed", "cancelled")}


def item_errors(session: Session, batch_seq: int, limit: int = 1000) -> list[dict[str, Any]]:
    q = (select(BatchItem.position, BatchItem.name, BatchItem.error)
         .where(BatchItem.batch_seq == batch_seq, BatchItem.state == "failed")
         .order_by(BatchItem.position).limit(limit))
    return [{"position": p, "essay": n, "error": e} for p, n, e in session.execute(q)]


def pending_items(session: Session, batch_seq: int) -> list[int]:
    """The seqs of the batch's items not yet graded, in input order."""
    return list(session.scalars(select(BatchItem.seq).where(
        BatchItem.batch_seq == batch_seq, BatchItem.state == "pending")
        .order_by(BatchItem.position)))


def unfinished_batches(session: Session) -> list[int]:
    return list(session.scalars(select(Batch.seq).where(Batch.state.in_(UNFINISHED))
                                .order_by(Batch.seq)))


def load_item(session: Session, item_seq: int) -> tuple[BatchItem, Batch] | None:
    row = session.execute(select(BatchItem, Batch).join(Batch, Batch.seq == BatchItem.batch_seq)
                          .where(BatchItem.seq == item_seq)).first()
    return (row[0], row[1]) if row else None


def mark_running(session: Session, batch_seq: int) -> None:
    session.execute(update(Batch).where(Batch.seq == batch_seq, Batch.state == "queued")
                    .values(state="running"))


def complete_item(session: Session, item: BatchItem, batch: Batch, *,
                  report: dict[str, Any] | None, error: str | None) -> bool:
    """Record the item's result once: False if another worker (or a cancel) got there first.

    The conditional UPDATE takes the row's write lock, so of two workers finishing the same
    item only one sees it pending; its submission is created in the same transaction.
    """
    state = "done" if report is not None else "failed"
    won = session.execute(update(BatchItem).where(BatchItem.seq == item.seq,
                                                  BatchItem.state == "pending")
                          .values(state=state, error=error and error[:1000],
                                  finished_at=utcnow(), attempts=BatchItem.attempts + 1))
    if won.rowcount != 1:
        return False
    if report is None:
        return True
    fields = {"assignment_ref": batch.assignment_ref, "student_ref": item.student_ref,
              "external_id": item.external_id, "essay_name": item.name,
              "metadata": {"batch": batch.id, "position": item.position}}
    row = submission_repo.create_submission(session, batch.owner_id, text=item.text or "",
                                            report=report, fields=fields)
    session.execute(update(BatchItem).where(BatchItem.seq == item.seq)
                    .values(submission_id=row.id, text=None))
    return True


def finish_if_complete(session: Session, batch_seq: int, summary: dict[str, Any]) -> bool:
    """Mark the batch done if no item is pending; True only for the caller that did it."""
    pending = session.scalar(select(func.count()).where(BatchItem.batch_seq == batch_seq,
                                                        BatchItem.state == "pending"))
    if pending:
        return False
    won = session.execute(update(Batch).where(Batch.seq == batch_seq,
                                              Batch.state.in_(UNFINISHED))
                          .values(state="done", finished_at=utcnow(), summary=summary))
    return won.rowcount == 1


def cancel(session: Session, batch: Batch, summary: dict[str, Any]) -> bool:
    """Cancel the items not yet graded; True if the batch was still unfinished."""
    won = session.execute(update(Batch).where(Batch.seq == batch.seq,
                                              Batch.state.in_(UNFINISHED))
                          .values(state="cancelled", finished_at=utcnow(), summary=summary))
    if won.rowcount != 1:
        return False
    session.execute(update(BatchItem).where(BatchItem.batch_seq == batch.seq,
                                            BatchItem.state == "pending")
                    .values(state="cancelled", text=None, finished_at=utcnow()))
    return True


def set_callback_state(session: Session, batch_seq: int, state: str) -> None:
    session.execute(update(Batch).where(Batch.seq == batch_seq).values(callback_state=state))


def iter_results(session: Session, batch_seq: int) -> Iterator[tuple[BatchItem, Submission | None]]:
    """Every item in input order with its submission (None if failed, pending or cancelled)."""
    q = (select(BatchItem, Submission)
         .outerjoin(Submission, Submission.id == BatchItem.submission_id)
         .where(BatchItem.batch_seq == batch_seq).order_by(BatchItem.position))
    for row in session.execute(q.execution_options(yield_per=200)):
        yield row[0], row[1]


def summary_rows(session: Session, batch_seq: int) -> Iterator[dict[str, Any]]:
    """The reports of the batch's graded items (for the summary), streamed."""
    q = (select(Submission.report).join(BatchItem, BatchItem.submission_id == Submission.id)
         .where(BatchItem.batch_seq == batch_seq))
    yield from session.scalars(q.execution_options(yield_per=200))
