"""A teacher's assignments: create, find (owner-scoped), list with submission counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Submission
from .web_models import Assignment


@dataclass
class AssignmentRow:
    """An assignment with how many essays it holds and how many a teacher changed."""

    assignment: Assignment
    essays: int
    overridden: int


def create_assignment(session: Session, owner_id: int, title: str, rubric_id: str) -> Assignment:
    row = Assignment(owner_id=owner_id, title=title, rubric_id=rubric_id)
    session.add(row)
    session.flush()
    return row


def get_assignment(session: Session, owner_id: int, public_id: str) -> Assignment | None:
    """The owner's assignment with this id; None for unknown ids and other owners' ones."""
    return session.scalars(select(Assignment).where(Assignment.id == public_id,
                                                    Assignment.owner_id == owner_id)).first()


def list_assignments(session: Session, owner_id: int) -> list[AssignmentRow]:
    """The owner's assignments, newest first, with essay counts."""
    counts = (select(Submission.assignment_ref, func.count().label("n"),
                     func.count(Submission.override).label("changed"))
              .where(Submission.owner_id == owner_id)
              .group_by(Submission.assignment_ref).subquery())
    q = (select(Assignment, counts.c.n, counts.c.changed)
         .outerjoin(counts, counts.c.assignment_ref == Assignment.id)
         .where(Assignment.owner_id == owner_id).order_by(Assignment.seq.desc()))
    return [AssignmentRow(a, n or 0, c or 0) for a, n, c in session.execute(q)]


def assignment_submissions(session: Session, owner_id: int, public_id: str) -> list[Submission]:
    """The assignment's submissions in upload order."""
    return list(session.scalars(select(Submission).where(
        Submission.owner_id == owner_id, Submission.assignment_ref == public_id)
        .order_by(Submission.seq)))


def essay_order(session: Session, owner_id: int, public_id: str) -> list[str]:
    """The assignment's submission ids by student name (the class overview's order)."""
    rows = session.execute(select(Submission.id, Submission.student_ref, Submission.essay_name)
                           .where(Submission.owner_id == owner_id,
                                  Submission.assignment_ref == public_id)
                           .order_by(Submission.seq)).all()
    rows.sort(key=lambda r: (r.student_ref or r.essay_name or r.id).lower())
    return [r.id for r in rows]
