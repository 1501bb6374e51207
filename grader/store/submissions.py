"""Stored submissions for one owner: create (idempotent), find, list by cursor, change, delete."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, defer

from ..rubric import Rubric
from .audit import record
from .models import IdempotencyRecord, Submission, SubmissionChange, utcnow
from .rubrics import current_digest, digest_of


@dataclass
class Filters:
    """What GET /submissions and the CSV export may filter on."""

    assignment_ref: str | None = None
    student_ref: str | None = None
    rubric: str | None = None
    external_id: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


class BadCursor(ValueError):
    """A pagination cursor that we did not issue."""


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"s{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith("s"):
            raise ValueError
        return int(raw[1:])
    except (ValueError, UnicodeDecodeError):
        raise BadCursor("cursor is not one this API issued") from None


def _filtered(owner_id: int, f: Filters) -> Select:
    q = select(Submission).where(Submission.owner_id == owner_id)
    if f.assignment_ref is not None:
        q = q.where(Submission.assignment_ref == f.assignment_ref)
    if f.student_ref is not None:
        q = q.where(Submission.student_ref == f.student_ref)
    if f.rubric is not None:
        q = q.where(Submission.rubric_id == f.rubric)
    if f.external_id is not None:
        q = q.where(Submission.external_id == f.external_id)
    if f.created_from is not None:
        q = q.where(Submission.created_at >= f.created_from)
    if f.created_to is not None:
        q = q.where(Submission.created_at < f.created_to)
    return q


def _older_than(q: Select, cursor: str | None) -> Select:
    """The rows after `cursor` in newest-first order (all of them without a cursor)."""
    return q.where(Submission.seq < decode_cursor(cursor)) if cursor else q


def list_submissions(
    session: Session, owner_id: int, filters: Filters, limit: int, cursor: str | None = None
) -> tuple[list[Submission], str | None]:
    """A page of the owner's submissions, newest first, and the cursor of the next page."""
    q = _older_than(_filtered(owner_id, filters), cursor)
    rows = list(session.scalars(q.order_by(Submission.seq.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1].seq) if more and rows else None)


def _export_rows(owner_id: int, filters: Filters, limit: int | None,
                 cursor: str | None) -> Select:
    """The rows an export holds: all matching ones, or with `limit`/`cursor` the same rows
    as that page of the list (the newest `limit` older than the cursor)."""
    q = _older_than(_filtered(owner_id, filters), cursor)
    if limit is not None:
        page = q.with_only_columns(Submission.seq).order_by(Submission.seq.desc()).limit(limit)
        q = select(Submission).where(Submission.seq.in_(page.scalar_subquery()))
    return q


def iter_submissions(session: Session, owner_id: int, filters: Filters,
                     limit: int | None = None, cursor: str | None = None
                     ) -> Iterator[Submission]:
    """The export's submissions, oldest first, fetched 200 at a time without their text."""
    q = (_export_rows(owner_id, filters, limit, cursor).order_by(Submission.seq)
         .options(defer(Submission.text)))
    yield from session.scalars(q.execution_options(yield_per=200))


def get_submission(session: Session, owner_id: int, public_id: str) -> Submission | None:
    """The owner's submission with this id; None for unknown ids and other owners' ones."""
    return session.scalars(
        select(Submission).where(Submission.id == public_id, Submission.owner_id == owner_id)
    ).first()


def find_idempotency(session: Session, owner_id: int, key: str) -> IdempotencyRecord | None:
    return session.scalars(
        select(IdempotencyRecord).where(
            IdempotencyRecord.owner_id == owner_id, IdempotencyRecord.key == key
        )
    ).first()


def create_submission(
    session: Session,
    owner_id: int,
    *,
    text: str,
    report: dict[str, Any],
    fields: dict[str, Any],
    idempotency: tuple[str, str] | None = None,
    rubric: Rubric | None = None,
) -> Submission:
    """Add a submission (and its idempotency record) to the session's transaction.

    `rubric` is the compiled rubric that graded it; its digest is stored so an override is
    recomputed against it later. Without it, the rubric's current digest is taken.
    """
    score = report["score"]
    rubric_id = report["rubric"]["id"]
    digest = (digest_of(rubric) if rubric is not None
              else current_digest(session, owner_id, rubric_id))
    row = Submission(
        owner_id=owner_id,
        text=text,
        report=report,
        rubric_id=rubric_id,
        rubric_version=report["rubric"]["version"],
        rubric_digest=digest,
        marks=score["marks"],
        max_marks=score["max_marks"],
        band=score.get("band"),
        student_ref=fields.get("student_ref"),
        assignment_ref=fields.get("assignment_ref"),
        external_id=fields.get("external_id"),
        essay_name=fields.get("essay_name"),
        extra=fields.get("metadata") or {},
    )
    session.add(row)
    session.flush()
    if idempotency is not None:
        key, request_hash = idempotency
        session.add(
            IdempotencyRecord(
                owner_id=owner_id,
                key=key,
                request_hash=request_hash,
                status_code=201,
                submission_id=row.id,
            )
        )
    return row


def change_submission(
    session: Session,
    row: Submission,
    override: dict[str, Any],
    final: dict[str, Any],
    changes: dict[str, Any],
    actor: str,
) -> None:
    """Store a new override and its final marks, with who changed what and when."""
    row.override = override
    row.final = final
    row.marks = final["marks"]
    row.band = final["band"]
    row.updated_at = utcnow()
    row.changes.append(SubmissionChange(actor=actor, changes=changes, changed_at=row.updated_at))
    record(session, row.owner_id, actor, "submission.override", row.id, {"fields": sorted(changes)})


def delete_submission(session: Session, row: Submission, actor: str) -> None:
    """Remove the submission, its text, report and history for good (the audit keeps the id)."""
    session.execute(
        IdempotencyRecord.__table__.delete().where(IdempotencyRecord.submission_id == row.id)
    )
    record(session, row.owner_id, actor, "submission.delete", row.id, {})
    session.delete(row)


def factor_columns(session: Session, owner_id: int, filters: Filters,
                   limit: int | None = None, cursor: str | None = None) -> list[str]:
    """Factor ids of the exported submissions' reports, in rubric order, without repeats."""
    rows = _export_rows(owner_id, filters, limit, cursor).with_only_columns(Submission.seq)
    latest = (select(Submission.rubric_id, Submission.rubric_version,
                     func.max(Submission.seq).label("seq"))
              .where(Submission.seq.in_(rows))
              .group_by(Submission.rubric_id, Submission.rubric_version))
    seqs = [r.seq for r in session.execute(latest)]
    ids: list[str] = []
    for report in session.scalars(select(Submission.report).where(Submission.seq.in_(seqs))
                                  .order_by(Submission.rubric_id)):
        ids += [f["id"] for f in report["factors"] if f["id"] not in ids]
    return ids
