"""Teacher accounts: create (a teacher owner plus a hashed password), change the password.

Signing in (checking the password, starting a session) is in grader.store.web_sessions.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from .audit import record
from .models import Owner
from .web_models import Teacher, TeacherSession

MIN_PASSWORD = 8
# Checked when the e-mail is unknown, so a sign-in takes as long whether or not it exists.
DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """An account that cannot be created (bad e-mail, short password, already exists)."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    """The stored form of a new password (scrypt, slow: call it outside write transactions)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    return generate_password_hash(password)


def create_teacher(session: Session, email: str, password: str = "", *,
                   password_hash: str | None = None) -> Teacher:
    """A new teacher with their own owner; raises AccountError if it cannot be made.

    Give the password, or its `password_hash` made beforehand outside the transaction.
    """
    email = normalise_email(email)
    if "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
        raise AccountError(f"{email!r} is not an e-mail address")
    if password_hash is None:
        password_hash = hash_password(password)
    if find_teacher(session, email) is not None:
        raise AccountError(f"there is already a teacher {email!r}")
    owner = Owner(name=email, kind="teacher")
    session.add(owner)
    session.flush()
    teacher = Teacher(owner_id=owner.id, email=email, password_hash=password_hash)
    session.add(teacher)
    session.flush()
    record(session, owner.id, "cli", "teacher.create", email, {})
    return teacher


def find_teacher(session: Session, email: str) -> Teacher | None:
    return session.scalars(select(Teacher).where(Teacher.email == normalise_email(email))).first()


def get_teacher(session: Session, teacher_id: int) -> Teacher | None:
    return session.get(Teacher, teacher_id)


def set_password(session: Session, teacher: Teacher, password: str = "", *,
                 password_hash: str | None = None) -> None:
    """A new password (or its hash); every session the teacher had is ended."""
    teacher.password_hash = password_hash or hash_password(password)
    session.execute(delete(TeacherSession).where(TeacherSession.teacher_id == teacher.id))
    record(session, teacher.owner_id, "cli", "teacher.password", teacher.email, {})
