"""LTI 1.3 tool: platforms, tool keys, login states, launches, links, grade posts (issue 7).

Revision ID: 0004_lti
Revises: 0003_web
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_lti"
down_revision = "0003_web"
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def _platform_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["platform_id"], ["lti_platforms.id"],
                                   name=op.f(f"fk_{table}_platform_id_lti_platforms"),
                                   ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "lti_platforms",
        sa.Column("id", SERIAL, nullable=False),
        sa.Column("owner_id", SERIAL, nullable=False),
        sa.Column("issuer", sa.String(500), nullable=False),
        sa.Column("client_id", sa.String(200), nullable=False),
        sa.Column("deployment_ids", sa.JSON(), nullable=False),
        sa.Column("auth_login_url", sa.String(1000), nullable=False),
        sa.Column("auth_token_url", sa.String(1000), nullable=False),
        sa.Column("jwks_url", sa.String(1000), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["owners.id"],
                                name=op.f("fk_lti_platforms_owner_id_owners"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_platforms")),
        sa.UniqueConstraint("issuer", "client_id", name=op.f("uq_lti_platforms_issuer")),
    )
    op.create_table(
        "lti_keys",
        sa.Column("id", SERIAL, nullable=False),
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("retired_at", TS, nullable=True),
        sa.Column("expires_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_keys")),
        sa.UniqueConstraint("kid", name=op.f("uq_lti_keys_kid")),
    )
    op.create_table(
        "lti_login_states",
        sa.Column("state", sa.String(64), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("platform_id", SERIAL, nullable=False),
        sa.Column("storage_target", sa.String(100), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
        _platform_fk("lti_login_states"),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_lti_login_states")),
        sa.UniqueConstraint("nonce", name=op.f("uq_lti_login_states_nonce")),
    )
    op.create_table(
        "lti_launches",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("platform_id", SERIAL, nullable=False),
        sa.Column("state", sa.String(64), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("claims", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        _platform_fk("lti_launches"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_launches")),
    )
    op.create_table(
        "lti_links",
        sa.Column("id", SERIAL, nullable=False),
        sa.Column("platform_id", SERIAL, nullable=False),
        sa.Column("deployment_id", sa.String(200), nullable=False),
        sa.Column("context_id", sa.String(200), nullable=False),
        sa.Column("resource_link_id", sa.String(200), nullable=False),
        sa.Column("assignment_id", sa.String(32), nullable=False),
        sa.Column("lineitem_url", sa.String(1000), nullable=True),
        sa.Column("memberships_url", sa.String(1000), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _platform_fk("lti_links"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_links")),
        sa.UniqueConstraint("platform_id", "resource_link_id",
                            name=op.f("uq_lti_links_platform_id")),
    )
    op.create_table(
        "lti_assignments",
        sa.Column("assignment_id", sa.String(32), nullable=False),
        sa.Column("platform_id", SERIAL, nullable=False),
        sa.Column("show_feedback", sa.Boolean(), nullable=False),
        sa.Column("auto_release", sa.Boolean(), nullable=False),
        sa.Column("released", sa.Boolean(), nullable=False),
        _platform_fk("lti_assignments"),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_lti_assignments")),
    )
    op.create_table(
        "lti_grade_posts",
        sa.Column("submission_id", sa.String(32), nullable=False),
        sa.Column("link_id", SERIAL, nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("score_sent", sa.Float(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(1000), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["lti_links.id"],
                                name=op.f("fk_lti_grade_posts_link_id_lti_links"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_lti_grade_posts")),
    )


def downgrade() -> None:
    for table in ("lti_grade_posts", "lti_assignments", "lti_links", "lti_launches",
                  "lti_login_states", "lti_keys", "lti_platforms"):
        op.drop_table(table)
