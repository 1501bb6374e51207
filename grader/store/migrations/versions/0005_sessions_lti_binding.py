"""Server-side web sessions; LTI assignments bound to their course; expiry indexes (issue 15).

- `teacher_sessions`: one row per signed-in browser (the SHA-256 of the id in its cookie), so
  signing out ends the session on the server and a password change ends all of them.
- `lti_assignments.deployment_id` / `context_id`: the deployment and course the deep link was
  made in; a launch from another course or deployment is refused. Filled for existing rows
  from the assignment's first resource link (rows never launched are bound at first launch).
- Indexes on `lti_login_states.created_at` and `lti_launches.expires_at` for the purge of
  stale rows on every login and launch.

Revision ID: 0005_sessions_lti_binding
Revises: 0004_lti
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_sessions_lti_binding"
down_revision = "0004_lti"
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "teacher_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("teacher_id", SERIAL, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["teacher_id"], ["teachers.id"],
                                name=op.f("fk_teacher_sessions_teacher_id_teachers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teacher_sessions")),
    )
    op.create_index("ix_teacher_sessions_teacher_id", "teacher_sessions", ["teacher_id"])
    op.create_index("ix_teacher_sessions_expires_at", "teacher_sessions", ["expires_at"])
    with op.batch_alter_table("lti_assignments") as batch:
        batch.add_column(sa.Column("deployment_id", sa.String(200), nullable=True))
        batch.add_column(sa.Column("context_id", sa.String(200), nullable=True))
    first_link = ("(SELECT l.{col} FROM lti_links l WHERE l.assignment_id = "
                  "lti_assignments.assignment_id AND l.platform_id = lti_assignments.platform_id "
                  "ORDER BY l.id LIMIT 1)")
    op.execute("UPDATE lti_assignments SET deployment_id = "
               + first_link.format(col="deployment_id")
               + ", context_id = " + first_link.format(col="context_id"))
    op.create_index("ix_lti_login_states_created_at", "lti_login_states", ["created_at"])
    op.create_index("ix_lti_launches_expires_at", "lti_launches", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_lti_launches_expires_at", "lti_launches")
    op.drop_index("ix_lti_login_states_created_at", "lti_login_states")
    with op.batch_alter_table("lti_assignments") as batch:
        batch.drop_column("context_id")
        batch.drop_column("deployment_id")
    op.drop_index("ix_teacher_sessions_expires_at", "teacher_sessions")
    op.drop_index("ix_teacher_sessions_teacher_id", "teacher_sessions")
    op.drop_table("teacher_sessions")
