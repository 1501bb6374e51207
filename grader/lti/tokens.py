"""OAuth 2 access tokens from the platform: client_credentials with a signed JWT assertion."""

from __future__ import annotations

import secrets
import threading
import time

from sqlalchemy.orm import Session

from . import keys
from .http import ServiceError, post_form
from .models import LtiPlatform

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_cache: dict[tuple[str, str, str], tuple[str, float]] = {}
_lock = threading.Lock()


def client_assertion(session: Session, platform: LtiPlatform) -> str:
    """The RS256 JWT that proves to the token URL that we are this client (5 minutes)."""
    now = int(time.time())
    return keys.sign(session, {"iss": platform.client_id, "sub": platform.client_id,
                               "aud": platform.auth_token_url, "iat": now, "exp": now + 300,
                               "jti": secrets.token_urlsafe(16)})


def access_token(session: Session, platform: LtiPlatform, scopes: list[str]) -> str:
    """A bearer token for `scopes` (cached until a minute before it expires)."""
    scope = " ".join(sorted(scopes))
    key = (platform.auth_token_url, platform.client_id, scope)
    with _lock:
        cached = _cache.get(key)
        if cached and cached[1] > time.time():
            return cached[0]
    reply = post_form(platform.auth_token_url, {
        "grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion(session, platform), "scope": scope})
    body = reply.body if isinstance(reply.body, dict) else {}
    token = body.get("access_token")
    if not token:
        raise ServiceError(f"The token URL {platform.auth_token_url} sent no access_token.")
    lifetime = float(body.get("expires_in") or 3600)
    with _lock:
        _cache[key] = (token, time.time() + max(0.0, lifetime - 60))
    return token


def forget_tokens() -> None:
    """Drop cached tokens (tests; after a key rotation)."""
    with _lock:
        _cache.clear()
