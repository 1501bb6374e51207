"""Database tables: owners, API keys, rubrics, submissions, their changes, idempotency, audit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
Serial = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if value is not None and dialect.name == "sqlite":
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_public_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, datetime: UTCDateTime()}


class Owner(Base):
    """A teacher or an integration: the unit of data ownership."""

    __tablename__ = "owners"

    id: Mapped[int] = mapped_column(Serial, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="integration")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    keys: Mapped[list[ApiKey]] = relationship(back_populates="owner")


class ApiKey(Base):
    """An API key: a public prefix for lookup and a SHA-256 of the whole key, never the key."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Serial, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    rate_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)

    owner: Mapped[Owner] = relationship(back_populates="keys")


class StoredRubric(Base):
    """A rubric an owner uploaded; bundled rubrics live in the package, not here."""

    __tablename__ = "rubrics"
    __table_args__ = (UniqueConstraint("owner_id", "rubric_id"),)

    id: Mapped[int] = mapped_column(Serial, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"), index=True)
    rubric_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(500))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class RubricVersion(Base):
    """Each definition a stored rubric has had, by digest: kept when the rubric is replaced
    or deleted, so a submission's override is recomputed against the rubric that graded it."""

    __tablename__ = "rubric_versions"
    __table_args__ = (UniqueConstraint("owner_id", "rubric_id", "digest"),)

    id: Mapped[int] = mapped_column(Serial, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"))
    rubric_id: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(50))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Submission(Base):
    """One graded essay: the text, the machine's report and the teacher's override."""

    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_owner_seq", "owner_id", "seq"),
        Index("ix_submissions_owner_assignment", "owner_id", "assignment_ref"),
        Index("ix_submissions_owner_student", "owner_id", "student_ref"),
    )

    seq: Mapped[int] = mapped_column(Serial, primary_key=True)
    id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"))
    rubric_id: Mapped[str] = mapped_column(String(100))
    rubric_version: Mapped[str] = mapped_column(String(50))
    # SHA-256 of the definition that graded it (see store.rubrics.digest_of); None for
    # submissions stored before versions were kept whose rubric changed since
    rubric_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    student_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    assignment_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    essay_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    text: Mapped[str] = mapped_column(Text)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    override: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    final: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    marks: Mapped[float] = mapped_column()
    max_marks: Mapped[float] = mapped_column()
    band: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    changes: Mapped[list[SubmissionChange]] = relationship(
        back_populates="submission",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SubmissionChange.id",
    )


class SubmissionChange(Base):
    """Who changed what in a submission's marks or feedback, and when."""

    __tablename__ = "submission_changes"

    id: Mapped[int] = mapped_column(Serial, primary_key=True)
    submission_seq: Mapped[int] = mapped_column(
        ForeignKey("submissions.seq", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)

    submission: Mapped[Submission] = relationship(back_populates="changes")


class IdempotencyRecord(Base):
    """The first response to a request sent with an Idempotency-Key, kept for its retries."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("owner_id", "key"),)

    id: Mapped[int] = mapped_column(Serial, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    submission_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """An append-only record of overrides, deletions and key changes (no student text)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Serial, primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("owners.id", ondelete="SET NULL"), nullable=True, index=True
    )
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str | None] = mapped_column(String(200), nullable=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
