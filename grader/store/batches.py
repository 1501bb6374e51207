"""Stored batches for one owner: create with items, progress counts, exactly-once completion."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from .batch_models import Batch, BatchItem, BatchUpload
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
                 callback_secret: str | None = None,
                 options: dict[str, Any] | None = None) -> Batch:
    """Add a batch and its items to the session's transaction (items inserted in bulk)."""
    batch = Batch(owner_id=owner_id, rubric_id=rubric_id, assignment_ref=assignment_ref,
                  callback_url=callback_url, callback_secret=callback_secret, state="queued",
                  options=options)
    session.add(batch)
    session.flush()
    batch.total = add_items(session, batch.seq, items, first_position=1)
    session.flush()
    return batch


def item_row(batch_seq: int, position: int, item: NewItem) -> dict[str, Any]:
    """The batch_items row of a new item (failed at once if it has an error)."""
    failed = item.error is not None
    return {"batch_seq": batch_seq, "position": position, "name": item.name[:500],
            "student_ref": item.student_ref, "external_id": item.external_id,
            "text": None if failed else item.text, "state": "failed" if failed else "pending",
            "error": item.error[:1000] if failed else None,
            "finished_at": utcnow() if failed else None, "attempts": 0, "started": 0}


def add_items(session: Session, batch_seq: int, items: Iterable[NewItem],
              first_position: int) -> int:
    """Insert items numbered from `first_position`, 500 rows per statement: how many."""
    rows: list[dict[str, Any]] = []
    n = 0
    for n, item in enumerate(items, start=1):
        rows.append(item_row(batch_seq, first_position + n - 1, item))
        if len(rows) == 500:
            session.execute(insert(BatchItem), rows)
            rows = []
    if rows:
        session.execute(insert(BatchItem), rows)
    return n


def add_uploads(session: Session, batch_seq: int,
                uploads: Iterable[tuple[str, str, bytes]]) -> int:
    """Keep uploaded files (name, kind, bytes) for a worker to read into items: how many."""
    n = 0
    for n, (name, kind, data) in enumerate(uploads, start=1):
        session.add(BatchUpload(batch_seq=batch_seq, position=n, name=name[:500], kind=kind,
                                data=data))
    session.flush()
    return n


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


def finish_if_complete(session: Session, batch_seq: int, summary: dict[str, Any]) -> bool:
    """Mark the batch done if no item is pending; True only for the caller that did it."""
    pending = session.scalar(select(func.count()).where(BatchItem.batch_seq == batch_seq,
                                                        BatchItem.state == "pending"))
    if pending or session.scalar(select(exists().where(BatchUpload.batch_seq == batch_seq))):
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
    session.execute(delete(BatchUpload).where(BatchUpload.batch_seq == batch.seq))
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
