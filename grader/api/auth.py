"""Bearer API keys on every /api/v1 request, and a per-key rate limit (429)."""

from __future__ import annotations

import threading
import time

from flask import Flask, current_app, g, request

from ..store import get_store
from ..store.keys import Caller, authenticate
from .problems import ApiProblem


class RateLimiter:
    """Fixed one-minute windows per key, in this process (a shared store comes later)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[int, tuple[int, int]] = {}

    def hit(self, key_id: int, limit: int) -> int | None:
        """Count a request; return seconds to wait if `limit` per minute is exceeded."""
        now = time.time()
        window = int(now // 60)
        with self._lock:
            start, count = self._windows.get(key_id, (window, 0))
            if start != window:
                start, count = window, 0
            count += 1
            self._windows[key_id] = (start, count)
        if count > limit:
            return max(1, int((window + 1) * 60 - now))
        return None


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def require_key() -> None:
    """before_request hook: set g.caller from the bearer key or answer 401/429."""
    if request.method == "OPTIONS":
        return
    token = _bearer()
    if token is None:
        raise ApiProblem(401, "Send an API key as 'Authorization: Bearer KEY'.",
                         headers={"WWW-Authenticate": 'Bearer realm="grader"'})
    with get_store().read() as session:
        caller = authenticate(session, token)
    if caller is None:
        raise ApiProblem(401, "This API key is not valid (unknown or revoked).",
                         headers={"WWW-Authenticate": 'Bearer realm="grader", '
                                                      'error="invalid_token"'})
    g.caller = caller
    limit = caller.rate_limit if caller.rate_limit is not None else current_app.config[
        "RATE_LIMIT"]
    if limit:
        wait = current_app.extensions["grader.ratelimit"].hit(caller.key_id, int(limit))
        if wait is not None:
            raise ApiProblem(429, f"This key is limited to {limit} requests a minute; "
                             f"retry in {wait} s.", headers={"Retry-After": str(wait)})


def current_caller() -> Caller:
    return g.caller


def init_app(app: Flask) -> None:
    app.extensions["grader.ratelimit"] = RateLimiter()
