"""Slow down password guessing on POST /sign-in without handing anyone a lock-out switch.

- Per client address, over every account: WEB_SIGNIN_LIMIT failed sign-ins (answers 401) per
  WEB_SIGNIN_WINDOW seconds (a flask-limiter limit), then 429 with Retry-After: one client
  cannot spray passwords over many accounts.
- Per account and client: after WEB_SIGNIN_FREE_TRIES failures from one address, that
  address waits 1, 2, 4 ... seconds (at most WEB_SIGNIN_MAX_DELAY) before its next try on
  that account; a try made sooner gets 429 with Retry-After and no password check. Other
  addresses are not held back, so an attacker's wrong passwords never lock the owner out.
- Per account over all addresses (guessing spread over many machines): after
  WEB_SIGNIN_ACCOUNT_FREE_TRIES failures the same growing wait applies to every client the
  account has not signed in from before.
- A browser the account signed in from keeps a signed cookie naming it (grader_device, a
  year); on that browser no wait and no address limit apply to that account, so the owner
  still gets in from their usual browser even when an attacker shares their address.

Only failures count; a successful sign-in clears the account's counts. Counts live where the
app's limiter keeps them (each process's memory, or Redis shared by all workers: see
grader.ratelimit); e-mail addresses are stored only as hashes.
"""

from __future__ import annotations

import hashlib
import time

from flask import Blueprint, Flask, Response, current_app, g, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_limiter.errors import RateLimitExceeded
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits.storage import Storage

from ..ratelimit import SweptMemoryStorage, get_limiter, retry_after

ACCOUNT_PREFIX = "signin-email:"
DEVICE_COOKIE = "grader_device"
DEVICE_MAX_AGE = 365 * 24 * 3600
DEVICE_ACCOUNTS = 5  # accounts one browser cookie remembers
FALLBACK = "grader.signin-waits"
DEFAULTS = {"WEB_SIGNIN_LIMIT": 10, "WEB_SIGNIN_WINDOW": 900, "WEB_SIGNIN_FREE_TRIES": 3,
            "WEB_SIGNIN_ACCOUNT_FREE_TRIES": 50, "WEB_SIGNIN_MAX_DELAY": 300}


def _setting(name: str) -> int:
    return int(float(current_app.config.get(name, DEFAULTS[name])))


def _limit_value() -> str:
    return f"{_setting('WEB_SIGNIN_LIMIT')} per {_setting('WEB_SIGNIN_WINDOW')} seconds"


def _account() -> str:
    """The account's counter name: a hash of the e-mail, so no address sits in Redis or logs."""
    email = request.form.get("email", "").strip()[:320].lower()
    return ACCOUNT_PREFIX + hashlib.sha256(email.encode()).hexdigest()[:32]


def _address() -> str:
    return f"signin-ip:{request.remote_addr or '-'}"


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _is_sign_in() -> bool:
    return request.endpoint == "web.sign_in" and request.method == "POST"


# the browsers an account signed in from
def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="grader-signin-device")


def _known_accounts() -> list[str]:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        accounts = _serializer().loads(raw, max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return []
    return [str(a) for a in accounts] if isinstance(accounts, list) else []


def _known_browser() -> bool:
    return _account() in _known_accounts()


def _exempt_from_address_limit() -> bool:
    return not _is_sign_in() or _known_browser()


# counts and waits
def _storage() -> Storage:
    try:
        return get_limiter().limiter.storage  # Redis, or memory while Redis is down
    except Exception:  # noqa: BLE001 - a broken limiter must not stop sign-in
        return current_app.extensions.setdefault(FALLBACK, SweptMemoryStorage())


def _keys() -> tuple[str, str, str, str]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "grader")
    account = f"{prefix}/{_account()}"
    here = f"{account}/ip:{request.remote_addr or '-'}"
    return f"{here}/fails", f"{here}/wait", f"{account}/fails", f"{account}/wait"


def _wait_left(storage: Storage, key: str) -> float:
    if storage.get(key) <= 0:
        return 0.0
    return max(0.0, storage.get_expiry(key) - time.time())


def _start_wait(storage: Storage, key: str, failures: int, free: int) -> None:
    if failures < free:
        return
    seconds = min(2 ** min(failures - free, 30), _setting("WEB_SIGNIN_MAX_DELAY"))
    storage.clear(key)
    storage.incr(key, max(1, int(seconds)))


def _hold_back() -> ResponseReturnValue | None:
    """before_request: a client still waiting for its next try on this account gets 429."""
    if not _is_sign_in() or _known_browser():
        return None
    try:
        storage = _storage()
        _, here_wait, _, account_wait = _keys()
        wait = max(_wait_left(storage, here_wait), _wait_left(storage, account_wait))
    except Exception:  # noqa: BLE001 - counts unavailable: let the sign-in be checked
        return None
    if wait <= 0:
        return None
    return _refusal(int(wait) + 1)


def _record(response: Response) -> Response:
    """after_request: count a failed sign-in, clear the counts after a good one."""
    if not _is_sign_in():
        return response
    try:
        storage = _storage()
        here_fails, here_wait, account_fails, account_wait = _keys()
        if response.status_code == 401:
            window = _setting("WEB_SIGNIN_WINDOW")
            _start_wait(storage, here_wait, storage.incr(here_fails, window),
                        _setting("WEB_SIGNIN_FREE_TRIES"))
            _start_wait(storage, account_wait, storage.incr(account_fails, window),
                        _setting("WEB_SIGNIN_ACCOUNT_FREE_TRIES"))
        elif g.get("signed_in_account"):
            for key in (here_fails, here_wait, account_fails, account_wait):
                storage.clear(key)
    except Exception:  # noqa: BLE001 - counts unavailable: answer anyway
        current_app.logger.warning("sign-in counts unavailable", exc_info=True)
    if g.get("signed_in_account"):
        _remember_browser(response, g.signed_in_account)
    return response


def _remember_browser(response: Response, account: str) -> None:
    accounts = [account] + [a for a in _known_accounts() if a != account]
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps(accounts[:DEVICE_ACCOUNTS]),
                        max_age=DEVICE_MAX_AGE, path=url_for("web.sign_in"), httponly=True,
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE", True)),
                        samesite="Lax")


def succeeded() -> None:
    """The typed password was right: the account's counts are cleared and this browser is
    remembered for it (after the response is made)."""
    g.signed_in_account = _account()


def _refusal(wait: int) -> ResponseReturnValue:
    minutes = max(1, round(wait / 60))
    when = (f"{wait} second{'s' if wait != 1 else ''}" if wait < 90
            else f"about {minutes} minute{'s' if minutes != 1 else ''}")
    message = f"Too many failed sign-ins. Try again in {when}."
    email = request.form.get("email", "").strip()[:320] if request.method == "POST" else ""
    return render_template("sign_in.html", error=message, email=email), 429, {
        "Retry-After": str(wait)}


def too_many_sign_ins(error: RateLimitExceeded) -> ResponseReturnValue:
    """The sign-in page again, saying how long to wait, with Retry-After (address limit)."""
    return _refusal(retry_after())


def init_app(app: Flask, blueprint: Blueprint) -> None:
    """The address limit on POST /sign-in (the blueprint's 429 handler renders the page) and
    the per-account waits."""
    limiter = get_limiter(app)
    limiter.shared_limit(_limit_value, scope="signin-ip", key_func=_address,
                         exempt_when=_exempt_from_address_limit, deduct_when=_failed)(blueprint)
    app.before_request(_hold_back)
    app.after_request(_record)
