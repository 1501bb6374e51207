"""API keys: create (shown once), look up by bearer token in constant time, list, revoke."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from .audit import record
from .models import ApiKey, Owner, utcnow

KEY_PREFIX = "grd"


@dataclass(frozen=True)
class Caller:
    """The authenticated owner and key of a request."""

    owner_id: int
    key_id: int
    key_name: str
    rate_limit: int | None

    @property
    def actor(self) -> str:
        return f"key:{self.key_name}"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _split(key: str) -> str | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


def create_key(
    session: Session,
    name: str,
    owner: str | None = None,
    rate_limit: int | None = None,
    kind: str = "integration",
) -> tuple[ApiKey, str]:
    """A new key for owner `owner` (created if absent; default: a new owner named `name`).

    Returns the row and the plaintext key, which is never stored and cannot be shown again.
    """
    owner_row = None
    if owner is not None:
        owner_row = session.scalars(select(Owner).where(Owner.name == owner)).first()
    if owner_row is None:
        owner_row = Owner(name=owner or name, kind=kind)
        session.add(owner_row)
        session.flush()
    prefix = secrets.token_hex(6)
    plaintext = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(
        owner_id=owner_row.id,
        name=name,
        prefix=prefix,
        key_hash=hash_key(plaintext),
        rate_limit=rate_limit,
    )
    session.add(row)
    session.flush()
    record(session, owner_row.id, "cli", "key.create", prefix, {"name": name})
    return row, plaintext


_KEYS = ApiKey.__table__
# Core, not ORM: every API request runs this, and a plain row costs a quarter of an entity
_BY_PREFIX = select(
    _KEYS.c.owner_id, _KEYS.c.id, _KEYS.c.name, _KEYS.c.rate_limit, _KEYS.c.key_hash,
    _KEYS.c.revoked_at,
).where(_KEYS.c.prefix == bindparam("prefix"))


def authenticate(db: Session | Connection, key: str) -> Caller | None:
    """The Caller for a presented key, or None if it is malformed, unknown or revoked.

    `db` is a session or, cheaper for a lone lookup, a connection (`engine.connect()`).
    """
    prefix = _split(key)
    if prefix is None:
        hmac.compare_digest(hash_key(key), hash_key(key))  # same work for every failure
        return None
    row = db.execute(_BY_PREFIX, {"prefix": prefix}).first()
    expected = row.key_hash if row is not None else "0" * 64
    if not hmac.compare_digest(expected, hash_key(key)) or row is None or row.revoked_at:
        return None
    return Caller(row.owner_id, row.id, row.name, row.rate_limit)


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, oldest first, with its owner loaded."""
    return list(session.scalars(select(ApiKey).join(ApiKey.owner).order_by(ApiKey.id)))


def revoke_key(session: Session, ident: str) -> ApiKey | None:
    """Revoke the active key whose prefix (or unique name) is `ident`; None if none matches.

    Raises ValueError when a name matches several active keys (give the prefix instead).
    """
    rows = list(
        session.scalars(
            select(ApiKey)
            .where((ApiKey.prefix == ident) | (ApiKey.name == ident))
            .where(ApiKey.revoked_at.is_(None))
            .order_by(ApiKey.id)
        )
    )
    exact = [r for r in rows if r.prefix == ident]
    if exact:
        rows = exact
    if not rows:
        return None
    if len(rows) > 1:
        raise ValueError(f"{len(rows)} active keys are named {ident!r}; give the key id")
    row = rows[0]
    row.revoked_at = utcnow()
    record(session, row.owner_id, "cli", "key.revoke", row.prefix, {"name": row.name})
    return row
