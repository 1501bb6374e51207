"""Tables for LTI 1.3: platforms, the tool's keys, launch state, links, grade posts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..store.models import Base, Serial, utcnow


class LtiPlatform(Base):
    """A registered LMS (issuer + client id); its launches store data under `owner_id`."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(Serial, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"))
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(200))
    deployment_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    auth_token_url: Mapped[str] = mapped_column(String(1000))
    jwks_url: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiKey(Base):
    """An RSA key pair of the tool; a retired key stays in the JWKS until `expires_at`."""

    __tablename__ = "lti_keys"

    id: Mapped[int] = mapped_column(Serial, primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(nullable=True)


class LtiLoginState(Base):
    """One OIDC login: the state and single-use nonce, consumed by the launch it starts."""

    __tablename__ = "lti_login_states"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    storage_target: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    used_at: Mapped[datetime | None] = mapped_column(nullable=True)


class LtiLaunch(Base):
    """A validated launch: who, where, with which services; its id is the frame's session."""

    __tablename__ = "lti_launches"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(64))
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)
    claims: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LtiLink(Base):
    """A resource link in an LMS course, tied to one grader assignment and its line item."""

    __tablename__ = "lti_links"
    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(Serial, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(200))
    context_id: Mapped[str] = mapped_column(String(200))
    resource_link_id: Mapped[str] = mapped_column(String(200))
    assignment_id: Mapped[str] = mapped_column(String(32))
    lineitem_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    memberships_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiAssignment(Base):
    """What the teacher chose when creating the link: show feedback, send marks at once.

    `deployment_id` and `context_id` are the deployment and course the deep link was made
    in: only launches from there may open the assignment (None: bound at its first launch,
    for assignments made before they were recorded or deep linked with no context claim).
    """

    __tablename__ = "lti_assignments"

    assignment_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    show_feedback: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_release: Mapped[bool] = mapped_column(Boolean, default=False)
    released: Mapped[bool] = mapped_column(Boolean, default=False)
    deployment_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    context_id: Mapped[str | None] = mapped_column(String(200), nullable=True)


class LtiGradePost(Base):
    """The score of one submission at the LMS: last sent, last error, attempts."""

    __tablename__ = "lti_grade_posts"

    submission_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_links.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20), default="pending")  # pending|sent|failed
    score_sent: Mapped[float | None] = mapped_column(nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
