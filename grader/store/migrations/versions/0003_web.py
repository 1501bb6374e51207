"""Teacher accounts and assignments (issue 6: teacher web app).

Revision ID: 0003_web
Revises: 0002_batches
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_web"
down_revision = "0002_batches"
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "teachers",
        sa.Column("id", SERIAL, nullable=False),
        sa.Column("owner_id", SERIAL, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["owners.id"],
                                name=op.f("fk_teachers_owner_id_owners"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teachers")),
        sa.UniqueConstraint("owner_id", name=op.f("uq_teachers_owner_id")),
        sa.UniqueConstraint("email", name=op.f("uq_teachers_email")),
    )
    op.create_table(
        "assignments",
        sa.Column("seq", SERIAL, nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", SERIAL, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("rubric_id", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["owners.id"],
                                name=op.f("fk_assignments_owner_id_owners"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_assignments")),
        sa.UniqueConstraint("id", name=op.f("uq_assignments_id")),
    )
    op.create_index("ix_assignments_owner_seq", "assignments", ["owner_id", "seq"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_assignments_owner_seq", table_name="assignments")
    op.drop_table("assignments")
    op.drop_table("teachers")
