"""Rubric versions kept by digest; each submission records the digest that graded it.

Existing stored rubrics get a version row of their current definition, and the submissions
stored since that definition was saved get its digest; older ones (graded by an earlier,
lost definition) keep NULL and their overrides take marks, not levels (issue 15, #12).

Revision ID: 0006_rubric_versions
Revises: 0005_sessions_lti_binding
"""

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006_rubric_versions"
down_revision = "0005_sessions_lti_binding"
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _digest(definition: dict) -> str:
    # the same as grader.store.rubrics.definition_digest (a migration keeps its own copy)
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()


def upgrade() -> None:
    versions = op.create_table(
        "rubric_versions",
        sa.Column("id", SERIAL, nullable=False),
        sa.Column("owner_id", SERIAL, nullable=False),
        sa.Column("rubric_id", sa.String(100), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["owners.id"],
                                name=op.f("fk_rubric_versions_owner_id_owners"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rubric_versions")),
        sa.UniqueConstraint("owner_id", "rubric_id", "digest",
                            name=op.f("uq_rubric_versions_owner_id")),
    )
    op.add_column("submissions", sa.Column("rubric_digest", sa.String(64), nullable=True))
    conn = op.get_bind()
    rubrics = sa.table("rubrics", sa.column("owner_id"), sa.column("rubric_id"),
                       sa.column("version"), sa.column("definition", sa.JSON()),
                       sa.column("updated_at"))
    submissions = sa.table("submissions", sa.column("owner_id"), sa.column("rubric_id"),
                           sa.column("created_at"), sa.column("rubric_digest"))
    now = datetime.now(UTC)
    if conn.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    for row in conn.execute(sa.select(rubrics)).mappings():
        digest = _digest(row["definition"])
        conn.execute(versions.insert().values(
            owner_id=row["owner_id"], rubric_id=row["rubric_id"], digest=digest,
            version=row["version"], definition=row["definition"], created_at=now))
        conn.execute(submissions.update().where(
            submissions.c.owner_id == row["owner_id"],
            submissions.c.rubric_id == row["rubric_id"],
            submissions.c.created_at >= row["updated_at"]).values(rubric_digest=digest))


def downgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("rubric_digest")
    op.drop_table("rubric_versions")
