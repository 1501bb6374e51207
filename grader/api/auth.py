"""Bearer API keys on every /api/v1 request, and a per-key rate limit (flask-limiter, 429).

Each key may make its own `rate_limit` requests a minute (`grader keys create --rate-limit`),
else the configured RATE_LIMIT; 0 turns the limit off. All API endpoints share one count per
key, kept where the app's limiter keeps counts (memory or Redis, see grader.ratelimit).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, Flask, Response, current_app, g, request
from flask_limiter.errors import RateLimitExceeded

from ..ratelimit import get_limiter, retry_after
from ..store import get_store
from ..store.keys import Caller, authenticate
from .problems import ApiProblem, problem_response

LIMIT_SCOPE = "api"


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def identify() -> Caller | None:
    """The caller named by this request's bearer key (looked up once per request)."""
    if "api_caller" in g:
        return g.api_caller
    token = _bearer()
    caller = None
    if token is not None:
        with get_store().engine.connect() as conn:
            caller = authenticate(conn, token)
    g.api_caller = caller
    return caller


def require_key() -> None:
    """before_request hook: set g.caller from the bearer key or answer 401."""
    if request.method == "OPTIONS":
        return
    if _bearer() is None:
        raise ApiProblem(401, "Send an API key as 'Authorization: Bearer KEY'.",
                         headers={"WWW-Authenticate": 'Bearer realm="grader"'})
    caller = identify()
    if caller is None:
        raise ApiProblem(401, "This API key is not valid (unknown or revoked).",
                         headers={"WWW-Authenticate": 'Bearer realm="grader", '
                                                      'error="invalid_token"'})
    g.caller = caller


def current_caller() -> Caller:
    return g.caller


def key_limit(caller: Caller) -> int:
    """Requests a minute allowed to `caller`'s key (0: unlimited)."""
    limit = caller.rate_limit
    return int(current_app.config["RATE_LIMIT"] if limit is None else limit)


def _limited_caller() -> Caller | None:
    """The caller whose key has a limit, else None: requests without a valid key (require_key
    answers them), keys without a limit, OPTIONS, and a failing lookup (database down:
    require_key repeats it and answers 503) are not counted."""
    if request.method == "OPTIONS":
        return None
    try:
        caller = identify()
    except Exception:  # noqa: BLE001 - see above
        return None
    return caller if caller is not None and key_limit(caller) > 0 else None


def _exempt() -> bool:
    return _limited_caller() is None


def _limit_value() -> str:
    caller = _limited_caller()  # flask-limiter asks before it asks _exempt
    return f"{key_limit(caller) if caller else 1}/minute"


def _key_id() -> str:
    return f"key:{g.api_caller.key_id}"


def too_many_requests(error: RateLimitExceeded) -> Response:
    """429 problem+json with Retry-After for the API; other pages get their own answer."""
    wait = retry_after()
    caller = g.get("api_caller")
    limit = key_limit(caller) if caller is not None else None
    detail = (f"This key is limited to {limit} requests a minute; retry in {wait} s."
              if limit else f"Too many requests; retry in {wait} s.")
    return problem_response(429, detail, headers={"Retry-After": str(wait)})


def init_app(app: Flask, blueprints: Iterable[Blueprint]) -> None:
    """One shared per-key limit over every API blueprint; 429s as problem documents."""
    limiter = get_limiter(app)
    shared = limiter.shared_limit(_limit_value, scope=LIMIT_SCOPE, key_func=_key_id,
                                  exempt_when=_exempt)
    for bp in blueprints:
        shared(bp)
    app.register_error_handler(RateLimitExceeded, too_many_requests)
