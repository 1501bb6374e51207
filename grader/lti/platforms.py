"""Registered platforms (LMSs): add, list and find by issuer and client id."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.audit import record
from ..store.models import Owner
from .models import LtiPlatform


class PlatformError(ValueError):
    """A registration that cannot be made (duplicate, bad URL, no deployment id)."""


def _url(name: str, value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise PlatformError(f"{name} must be an http(s) URL, not {value!r}")
    return value


def add_platform(session: Session, *, issuer: str, client_id: str, deployment_ids: list[str],
                 auth_login_url: str, auth_token_url: str, jwks_url: str) -> LtiPlatform:
    """Register an LMS; its courses' data belongs to a new owner named after it."""
    if not deployment_ids:
        raise PlatformError("give at least one deployment id")
    if find_platform(session, issuer, client_id) is not None:
        raise PlatformError(f"{issuer} with client id {client_id} is already registered")
    owner = Owner(name=f"lti:{issuer}:{client_id}"[:200], kind="lti")
    session.add(owner)
    session.flush()
    row = LtiPlatform(owner_id=owner.id, issuer=_url("issuer", issuer), client_id=client_id,
                      deployment_ids=list(dict.fromkeys(deployment_ids)),
                      auth_login_url=_url("auth login URL", auth_login_url),
                      auth_token_url=_url("token URL", auth_token_url),
                      jwks_url=_url("JWKS URL", jwks_url))
    session.add(row)
    session.flush()
    record(session, owner.id, "cli", "lti.platform.add", issuer, {"client_id": client_id})
    return row


def find_platform(session: Session, issuer: str, client_id: str | None) -> LtiPlatform | None:
    """The platform for this issuer (and client id; without one, the issuer's only one)."""
    q = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        return session.scalars(q.where(LtiPlatform.client_id == client_id)).first()
    rows = list(session.scalars(q.limit(2)))
    return rows[0] if len(rows) == 1 else None


def list_platforms(session: Session) -> list[LtiPlatform]:
    return list(session.scalars(select(LtiPlatform).order_by(LtiPlatform.id)))
