"""Server-side teacher sessions: started at sign-in, checked on each request, ended at sign-out.

The browser's (signed) cookie carries a random session id; the database keeps only its
SHA-256 with the teacher and an expiry. Deleting the row ends the session on every worker at
once: signing out deletes this browser's row, a new password deletes all of the teacher's.
The password is checked (scrypt, tens of milliseconds) between a read and a short write,
never inside a write transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from .models import utcnow
from .session import Store
from .teachers import DUMMY_HASH, find_teacher
from .web_models import Teacher, TeacherSession


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def sign_in(store: Store, email: str, password: str,
            lifetime: timedelta) -> tuple[Teacher, str] | None:
    """(teacher, new session id) if the password matches, else None (same work either way)."""
    with store.read() as session:
        teacher = find_teacher(session, email)
        if teacher is not None:
            session.expunge(teacher)
    ok = check_password_hash(teacher.password_hash if teacher else DUMMY_HASH, password)
    if teacher is None or not ok:
        return None
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    with store.write() as session:
        found = session.execute(update(Teacher).where(
            Teacher.id == teacher.id, Teacher.password_hash == teacher.password_hash)
            .values(last_sign_in_at=now))
        if found.rowcount != 1:  # deleted, or the password changed while we checked it
            return None
        session.execute(delete(TeacherSession).where(TeacherSession.expires_at < now))
        session.add(TeacherSession(id=_digest(session_id), teacher_id=teacher.id,
                                   created_at=now, expires_at=now + lifetime))
    return teacher, session_id


def session_teacher(session: Session, session_id: str) -> tuple[Teacher, datetime] | None:
    """The teacher whose unexpired session this is, and when it expires; else None."""
    row = session.execute(
        select(Teacher, TeacherSession.expires_at)
        .join(TeacherSession, TeacherSession.teacher_id == Teacher.id)
        .where(TeacherSession.id == _digest(session_id), TeacherSession.expires_at > utcnow())
    ).first()
    return (row[0], row[1]) if row is not None else None


def renew_session(session: Session, session_id: str, lifetime: timedelta) -> None:
    """Push the session's expiry to `lifetime` from now (an active teacher stays signed in)."""
    session.execute(update(TeacherSession).where(TeacherSession.id == _digest(session_id))
                    .values(expires_at=utcnow() + lifetime))


def end_session(session: Session, session_id: str) -> None:
    """Sign this browser out: its cookie no longer works anywhere."""
    session.execute(delete(TeacherSession).where(TeacherSession.id == _digest(session_id)))


def end_all_sessions(session: Session, teacher_id: int) -> int:
    """Sign the teacher out everywhere (after a password change); how many sessions ended."""
    return session.execute(delete(TeacherSession).where(
        TeacherSession.teacher_id == teacher_id)).rowcount
