"""Slow down password guessing: failed sign-ins counted per account and per client address.

Two flask-limiter limits on POST /sign-in, each WEB_SIGNIN_LIMIT failures (answers 401) per
WEB_SIGNIN_WINDOW seconds: one keyed by the e-mail typed, one by the client's address. Only
failures count; a successful sign-in clears the account's count. Past a limit even the right
password waits: the sign-in page answers 429 with Retry-After. Counts are kept where the app's
limiter keeps them (each process's memory, or Redis shared by all; see grader.ratelimit).
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Flask, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_limiter.errors import RateLimitExceeded

from ..ratelimit import get_limiter, retry_after

ACCOUNT_PREFIX = "signin-email:"


def _limit_value() -> str:
    config = current_app.config
    return (f"{int(config.get('WEB_SIGNIN_LIMIT', 10))} per "
            f"{int(float(config.get('WEB_SIGNIN_WINDOW', 900)))} seconds")


def _account() -> str:
    """The account's counter name: a hash of the e-mail, so no address sits in Redis or logs."""
    email = request.form.get("email", "").strip()[:320].lower()
    return ACCOUNT_PREFIX + hashlib.sha256(email.encode()).hexdigest()[:32]


def _address() -> str:
    return f"signin-ip:{request.remote_addr or '-'}"


def _failed(response: Response) -> bool:
    return response.status_code == 401


def succeeded() -> None:
    """Forget the account's failures after it signs in (the address keeps its count)."""
    limiter = get_limiter()
    for current in limiter.current_limits:
        if any(str(arg).startswith(ACCOUNT_PREFIX) for arg in current.request_args):
            limiter.limiter.clear(current.limit, *current.request_args)


def too_many_sign_ins(error: RateLimitExceeded) -> ResponseReturnValue:
    """The sign-in page again, saying how long to wait, with Retry-After."""
    wait = retry_after()
    minutes = max(1, round(wait / 60))
    message = (f"Too many failed sign-ins. Try again in about {minutes} minute"
               f"{'s' if minutes != 1 else ''}.")
    email = request.form.get("email", "").strip()[:320] if request.method == "POST" else ""
    return render_template("sign_in.html", error=message, email=email), 429, {
        "Retry-After": str(wait)}


def _not_a_sign_in() -> bool:
    return request.endpoint != "web.sign_in" or request.method != "POST"


def init_app(app: Flask, blueprint: Blueprint) -> None:
    """Both limits on POST /sign-in (the blueprint's 429 handler renders the page)."""
    limiter = get_limiter(app)
    for scope, key_func in (("signin-email", _account), ("signin-ip", _address)):
        limiter.shared_limit(_limit_value, scope=scope, key_func=key_func,
                             exempt_when=_not_a_sign_in, deduct_when=_failed)(blueprint)
