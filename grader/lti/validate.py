"""id_token validation: signature against the platform's JWKS, claims, nonce and state."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import jwt
from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from ..store.models import utcnow
from . import claims as c
from .models import LtiLoginState, LtiPlatform
from .platforms import find_platform

STATE_LIFETIME = timedelta(minutes=10)
MAX_SUB = 255  # LTI 1.3: sub is at most 255 ASCII characters
_clients: dict[str, jwt.PyJWKClient] = {}
_lock = threading.Lock()


class LaunchError(Exception):
    """A launch refused; `message` says why in words an administrator can act on."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def jwks_client(url: str) -> jwt.PyJWKClient:
    """A cached JWKS fetcher per platform URL (keys kept; refetched on an unknown kid)."""
    with _lock:
        client = _clients.get(url)
        if client is None:
            lifespan = int(current_app.config.get("LTI_JWKS_CACHE_SECONDS", 3600))
            client = _clients[url] = jwt.PyJWKClient(url, cache_keys=True, lifespan=lifespan,
                                                     timeout=10)
        return client


def _unverified(id_token: str) -> dict[str, Any]:
    try:
        return jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise LaunchError(f"The id_token is not a readable JWT ({exc}).") from None


def platform_for(session: Session, id_token: str) -> LtiPlatform:
    """The registered platform that issued the token (refused if none is)."""
    raw = _unverified(id_token)
    aud = raw.get("aud")
    auds = [aud] if isinstance(aud, str) else list(aud or [])
    issuer = str(raw.get("iss", ""))
    for client_id in ([raw["azp"]] if raw.get("azp") else []) + auds:
        platform = find_platform(session, issuer, str(client_id))
        if platform is not None:
            return platform
    raise LaunchError(f"The issuer {issuer!r} with client id {auds} is not registered with "
                      "this tool: an administrator must add it (grader lti add-platform).", 403)


def signing_key(platform: LtiPlatform, id_token: str) -> jwt.PyJWK:
    """The platform's key for this token: 502 if its key set cannot be had or has no signing
    key (the LMS's fault; logged with every refused launch), 401 if no key is the token's."""
    client = jwks_client(platform.jwks_url)
    try:
        client.get_signing_keys()  # cached; fetched when new or stale
    except jwt.PyJWKClientConnectionError as exc:
        raise _unreachable(platform, exc) from None
    except (jwt.PyJWKClientError, jwt.PyJWKSetError, ValueError) as exc:
        raise _bad_key_set(platform, exc) from None
    try:
        return client.get_signing_key_from_jwt(id_token)  # refetched once for a new kid
    except jwt.PyJWKClientConnectionError as exc:
        raise _unreachable(platform, exc) from None
    except (jwt.PyJWKSetError, ValueError) as exc:
        raise _bad_key_set(platform, exc) from None
    except jwt.PyJWKClientError as exc:
        raise LaunchError("The id_token's signature does not match any key the platform "
                          f"publishes ({exc}).", 401) from None


def _unreachable(platform: LtiPlatform, exc: Exception) -> LaunchError:
    return LaunchError(f"Could not fetch the platform's keys from {platform.jwks_url} "
                       f"({exc}).", 502)


def _bad_key_set(platform: LtiPlatform, exc: Exception) -> LaunchError:
    return LaunchError(f"The platform's key set at {platform.jwks_url} has no usable signing "
                       f"key ({exc}): the LMS administrator must fix it.", 502)


def verify_token(platform: LtiPlatform, id_token: str) -> dict[str, Any]:
    """The token's claims if signed by the platform and valid for us now; else LaunchError."""
    leeway = float(current_app.config.get("LTI_LEEWAY_SECONDS", 30))
    key = signing_key(platform, id_token)
    try:
        data = jwt.decode(id_token, key.key, algorithms=["RS256"], audience=platform.client_id,
                          issuer=platform.issuer, leeway=leeway,
                          options={"require": ["exp", "iat", "iss", "aud", "nonce"]})
    except jwt.ExpiredSignatureError:
        raise LaunchError("The id_token has expired: launch the tool again from the LMS.",
                          401) from None
    except jwt.InvalidSignatureError:
        raise LaunchError("The id_token's signature is not valid for the platform's keys "
                          "(forged or signed with another key).", 401) from None
    except jwt.PyJWTError as exc:
        raise LaunchError(f"The id_token is not valid: {exc}.", 401) from None
    _check_claims(platform, data)
    return data


def _check_claims(platform: LtiPlatform, data: dict[str, Any]) -> None:
    aud = data["aud"]
    if isinstance(aud, list) and len(aud) > 1 and "azp" not in data:
        raise LaunchError("The id_token has several audiences but no azp claim.", 401)
    if "azp" in data and data["azp"] != platform.client_id:
        raise LaunchError(f"The id_token's azp {data['azp']!r} is not our client id.", 401)
    if data.get(c.VERSION) != "1.3.0":
        raise LaunchError(f"Unsupported LTI version {data.get(c.VERSION)!r} (need 1.3.0).")
    kind = data.get(c.MESSAGE_TYPE)
    if kind not in c.MESSAGE_TYPES:
        raise LaunchError(f"Unsupported LTI message type {kind!r}.")
    deployment = data.get(c.DEPLOYMENT_ID)
    if deployment not in platform.deployment_ids:
        raise LaunchError(f"The deployment id {deployment!r} is not registered for this "
                          "platform.", 403)
    if kind == c.RESOURCE_LINK_REQUEST and not (data.get(c.RESOURCE_LINK) or {}).get("id"):
        raise LaunchError("A resource link launch needs a resource_link id.")
    if kind == c.RESOURCE_LINK_REQUEST:
        _check_user(data.get("sub"))
    if kind == c.DEEP_LINKING_REQUEST and not (data.get(c.DL_SETTINGS) or {}).get(
            "deep_link_return_url"):
        raise LaunchError("A deep linking request needs deep_link_return_url.")


def _check_user(sub: Any) -> None:
    """Every resource link page needs a user: an anonymous launch (no sub) is refused."""
    if not isinstance(sub, str) or not sub.strip():
        raise LaunchError("The launch names no user (no sub claim, as in an anonymous "
                          "launch). The grader needs to know who hands in or marks an essay: "
                          "the LMS must send the user's id when it launches this tool.")
    if len(sub) > MAX_SUB:
        raise LaunchError(f"The launch's user id (sub) is longer than {MAX_SUB} characters.")


def consume_state(session: Session, platform: LtiPlatform, state: str,
                  nonce: str) -> LtiLoginState:
    """Use the login's state once: it must be ours, fresh, unused, and carry this nonce."""
    row = session.get(LtiLoginState, state or "")
    if row is None or row.platform_id != platform.id:
        raise LaunchError("Unknown login state: start the launch again from the LMS.", 401)
    if row.nonce != nonce:
        raise LaunchError("The id_token's nonce does not belong to this login.", 401)
    if row.used_at is not None:
        raise LaunchError("This id_token was already used (replayed nonce): launch the tool "
                          "again from the LMS.", 401)
    if row.created_at < utcnow() - STATE_LIFETIME:
        raise LaunchError("The login took too long: launch the tool again from the LMS.", 401)
    won = session.execute(update(LtiLoginState).where(LtiLoginState.state == row.state,
                                                      LtiLoginState.used_at.is_(None))
                          .values(used_at=utcnow()))
    if won.rowcount != 1:
        raise LaunchError("This id_token was already used (replayed nonce).", 401)
    return row
