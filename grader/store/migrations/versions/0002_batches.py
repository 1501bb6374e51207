"""Batches and batch items (issue 5: batch marking).

Revision ID: 0002_batches
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_batches"
down_revision = "0001"
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("seq", SERIAL, nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", SERIAL, nullable=False),
        sa.Column("rubric_id", sa.String(length=100), nullable=False),
        sa.Column("assignment_ref", sa.String(length=200), nullable=True),
        sa.Column("callback_url", sa.String(length=2000), nullable=True),
        sa.Column("callback_secret", sa.String(length=64), nullable=True),
        sa.Column("callback_state", sa.String(length=20), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["owners.id"],
                                name=op.f("fk_batches_owner_id_owners"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_batches")),
        sa.UniqueConstraint("id", name=op.f("uq_batches_id")),
    )
    op.create_index("ix_batches_owner_seq", "batches", ["owner_id", "seq"], unique=False)
    op.create_table(
        "batch_items",
        sa.Column("seq", SERIAL, nullable=False),
        sa.Column("batch_seq", SERIAL, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("student_ref", sa.String(length=200), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("error", sa.String(length=1000), nullable=True),
        sa.Column("submission_id", sa.String(length=32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["batch_seq"], ["batches.seq"],
                                name=op.f("fk_batch_items_batch_seq_batches"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_batch_items")),
        sa.UniqueConstraint("batch_seq", "position", name=op.f("uq_batch_items_batch_seq")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_batch_items_submission_id")),
    )
    op.create_index("ix_batch_items_batch_state", "batch_items", ["batch_seq", "state"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_batch_items_batch_state", table_name="batch_items")
    op.drop_table("batch_items")
    op.drop_index("ix_batches_owner_seq", table_name="batches")
    op.drop_table("batches")
