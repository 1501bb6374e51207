"""Batch work in workers only: claims with leases, start counts, raw uploads (issue 15).

Revision ID: 0007_batch_work
Revises: 0006_rubric_versions
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_batch_work"
down_revision = "0006_rubric_versions"
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("batch_items") as t:
        t.add_column(sa.Column("started", sa.Integer(), nullable=False, server_default="0"))
        t.add_column(sa.Column("lease_owner", sa.String(100), nullable=True))
        t.add_column(sa.Column("lease_until", TS, nullable=True))
        t.add_column(sa.Column("digest", sa.JSON(), nullable=True))
    with op.batch_alter_table("batches") as t:
        t.add_column(sa.Column("options", sa.JSON(), nullable=True))
        t.add_column(sa.Column("served_at", TS, nullable=True))
        t.add_column(sa.Column("started", sa.Integer(), nullable=False, server_default="0"))
        t.add_column(sa.Column("lease_owner", sa.String(100), nullable=True))
        t.add_column(sa.Column("lease_until", TS, nullable=True))
    op.create_index("ix_batches_state_owner", "batches", ["state", "owner_id"], unique=False)
    op.create_table(
        "batch_uploads",
        sa.Column("seq", SERIAL, nullable=False),
        sa.Column("batch_seq", SERIAL, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["batch_seq"], ["batches.seq"],
                                name=op.f("fk_batch_uploads_batch_seq_batches"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_batch_uploads")),
    )
    op.create_index("ix_batch_uploads_batch_seq", "batch_uploads", ["batch_seq"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_batch_uploads_batch_seq", table_name="batch_uploads")
    op.drop_table("batch_uploads")
    op.drop_index("ix_batches_state_owner", table_name="batches")
    with op.batch_alter_table("batches") as t:
        for name in ("lease_until", "lease_owner", "started", "served_at", "options"):
            t.drop_column(name)
    with op.batch_alter_table("batch_items") as t:
        for name in ("digest", "lease_until", "lease_owner", "started"):
            t.drop_column(name)
