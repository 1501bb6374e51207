"""Tables for batch marking: a batch (owner, rubric, state, callback) and its items."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, Serial, new_public_id, utcnow

# Batch states: queued -> running -> done | cancelled.  Item states: pending -> done | failed
# | cancelled.  An item is written done exactly once (a conditional update in one transaction).
# Work is claimed with a lease (lease_owner, lease_until): a worker that dies loses its claim
# when the lease expires; `started` counts claims, so an item (or an upload) that stopped its
# worker again and again is failed instead of retried for ever.
BATCH_STATES = ("queued", "running", "done", "cancelled")
ITEM_STATES = ("pending", "done", "failed", "cancelled")


class Batch(Base):
    """Many essays marked with one rubric for one owner; finished when no item is pending."""

    __tablename__ = "batches"
    __table_args__ = (Index("ix_batches_owner_seq", "owner_id", "seq"),
                      Index("ix_batches_state_owner", "state", "owner_id"))

    seq: Mapped[int] = mapped_column(Serial, primary_key=True)
    id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"))
    rubric_id: Mapped[str] = mapped_column(String(100))
    assignment_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    callback_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    callback_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    callback_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    options: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    served_at: Mapped[datetime | None] = mapped_column(nullable=True)  # last work claimed
    # the claim on reading the batch's uploads into items (expansion)
    started: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)


class BatchItem(Base):
    """One essay of a batch: its text until graded, then the submission it became."""

    __tablename__ = "batch_items"
    __table_args__ = (UniqueConstraint("batch_seq", "position"),
                      Index("ix_batch_items_batch_state", "batch_seq", "state"))

    seq: Mapped[int] = mapped_column(Serial, primary_key=True)
    batch_seq: Mapped[int] = mapped_column(ForeignKey("batches.seq", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500))
    student_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    error: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    submission_id: Mapped[str | None] = mapped_column(String(32), nullable=True, unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    started: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)
    # what the batch summary needs of the report (marks, band, flags, missing factors)
    digest: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class BatchUpload(Base):
    """A file as it was uploaded for a batch, kept until a worker has read it into items."""

    __tablename__ = "batch_uploads"

    seq: Mapped[int] = mapped_column(Serial, primary_key=True)
    batch_seq: Mapped[int] = mapped_column(ForeignKey("batches.seq", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))  # zip, csv, tsv, jsonl or file
    data: Mapped[bytes] = mapped_column(LargeBinary)
