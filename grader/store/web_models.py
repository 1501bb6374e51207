"""Tables for the teacher web app: teacher accounts (each an owner), sessions, assignments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, Serial, new_public_id, utcnow


class Teacher(Base):
    """A teacher who signs in to the web pages; acts as exactly one owner."""

    __tablename__ = "teachers"

    id: Mapped[int] = mapped_column(Serial, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"),
                                          unique=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(nullable=True)


class TeacherSession(Base):
    """A signed-in browser: the SHA-256 of the session id its cookie carries, until expiry.

    Signing out deletes the row, a password change deletes the teacher's rows: a copied
    cookie stops working at once on every worker.
    """

    __tablename__ = "teacher_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id", ondelete="CASCADE"),
                                            index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class Assignment(Base):
    """A class task marked with one rubric; its submissions carry its id as assignment_ref."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_owner_seq", "owner_id", "seq"),)

    seq: Mapped[int] = mapped_column(Serial, primary_key=True)
    id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    rubric_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
