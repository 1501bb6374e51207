"""The tool's RSA key pairs: create on first use, rotate, publish the JWKS, sign JWTs."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..store.audit import record
from ..store.models import utcnow
from .models import LtiKey


def _new_key(session: Session) -> LtiKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    kid = secrets.token_hex(12)
    jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    row = LtiKey(kid=kid, private_pem=pem, public_jwk=jwk)
    session.add(row)
    session.flush()
    return row


def active_key(session: Session) -> LtiKey:
    """The key the tool signs with now (made on first use)."""
    row = session.scalars(select(LtiKey).where(LtiKey.retired_at.is_(None))
                          .order_by(LtiKey.id.desc())).first()
    return row or _new_key(session)


def has_active_key(session: Session) -> bool:
    """Whether the tool has a key to sign with yet (else the first use makes one)."""
    return session.scalar(select(LtiKey.id).where(LtiKey.retired_at.is_(None))
                          .limit(1)) is not None


def rotate_key(session: Session, keep_days: float = 7.0) -> tuple[LtiKey, list[LtiKey]]:
    """A new signing key; the current ones stay published for `keep_days`, then drop out."""
    now = utcnow()
    retired = list(session.scalars(select(LtiKey).where(LtiKey.retired_at.is_(None))))
    for row in retired:
        row.retired_at = now
        row.expires_at = now + timedelta(days=keep_days)
    new = _new_key(session)
    record(session, None, "cli", "lti.key.rotate", new.kid,
           {"retired": [row.kid for row in retired], "keep_days": keep_days})
    return new, retired


def published_keys(session: Session, now: datetime | None = None) -> list[LtiKey]:
    """Keys in the JWKS: the active one and retired ones that have not expired."""
    now = now or utcnow()
    return list(session.scalars(select(LtiKey).where(
        or_(LtiKey.expires_at.is_(None), LtiKey.expires_at > now)).order_by(LtiKey.id)))


def jwks(session: Session) -> dict[str, Any]:
    """The tool's public JSON Web Key Set."""
    active_key(session)
    return {"keys": [row.public_jwk for row in published_keys(session)]}


def sign(session: Session, claims: dict[str, Any]) -> str:
    """`claims` as an RS256 JWT signed with the active key (kid in the header)."""
    key = active_key(session)
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})
