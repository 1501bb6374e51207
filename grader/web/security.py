"""Sessions, sign-in state and CSRF tokens for the web pages (no extra dependency).

The CSRF check is the synchroniser-token pattern: a random token kept in the signed session
cookie and sent back in every form (or the X-CSRF-Token header); unsafe methods without the
matching token are refused with 400. SameSite=Lax cookies are a second line of defence.

Sign-in state is server-side: the signed cookie carries a session id that every request
looks up (grader.store.web_sessions); sign-out deletes it, a new password deletes them all.
"""

from __future__ import annotations

import functools
import hmac
import os
import secrets
import urllib.parse
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from ..store import get_store
from ..store.models import utcnow
from ..store.web_sessions import end_session, renew_session, session_teacher

SESSION_ID = "sid"  # the cookie's key for the server-side session id
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _secret_key(app: Flask) -> str:
    """SECRET_KEY from the config, else a random key kept in instance/secret_key (mode 600).

    The file appears whole or not at all (written aside, then hard-linked into place), so
    workers starting together all read the same complete key.
    """
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another worker's key won
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


class MissingSecretKey(RuntimeError):
    """Production (GRADER_ENV=production) without GRADER_SECRET_KEY or GRADER_SECRET_KEY_FILE."""


def _configured_secret(app: Flask) -> str | None:
    """SECRET_KEY from the config/environment, else the contents of SECRET_KEY_FILE."""
    if app.config.get("SECRET_KEY"):
        return str(app.config["SECRET_KEY"])
    path = app.config.get("SECRET_KEY_FILE")
    if path:
        key = Path(path).read_text(encoding="utf-8").strip()
        if not key:
            raise MissingSecretKey(f"SECRET_KEY_FILE {path} is empty")
        return key
    return None


def configure_sessions(app: Flask) -> None:
    """Secure session cookie flags; WEB_SECURE_COOKIES=false only for plain-http tests.

    The signing key comes from GRADER_SECRET_KEY or GRADER_SECRET_KEY_FILE; in production
    (GRADER_ENV=production) the service refuses to start without one, elsewhere a random key
    is generated into the instance folder. The key is never logged.
    """
    key = _configured_secret(app)
    if key is None and str(app.config.get("ENV_NAME", "")).lower() == "production":
        raise MissingSecretKey("GRADER_ENV=production needs GRADER_SECRET_KEY or "
                               "GRADER_SECRET_KEY_FILE (a long random value)")
    app.config["SECRET_KEY"] = key or _secret_key(app)
    app.config.setdefault("WEB_SECURE_COOKIES", True)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config["WEB_SECURE_COOKIES"])
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        hours=float(app.config.get("WEB_SESSION_HOURS", 12)))


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """before_request: refuse an unsafe request whose token does not match the session's."""
    if request.method in SAFE_METHODS:
        return
    expected = session.get(CSRF_FIELD, "")
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not expected or not hmac.compare_digest(str(expected), str(sent)):
        abort(400, description="This form has expired or did not come from this site. "
                               "Reload the page and try again.")


def sign_in(session_id: str) -> None:
    """Start a fresh cookie for the server-side session `session_id` (a new CSRF token too)."""
    session.clear()
    session.permanent = True
    session[SESSION_ID] = session_id
    csrf_token()


def sign_out() -> None:
    """End the session on the server (the cookie stops working everywhere), then the cookie."""
    session_id = session.get(SESSION_ID)
    if session_id:
        with get_store().write() as s:
            end_session(s, str(session_id))
    session.clear()


def load_teacher() -> None:
    """before_request: g.teacher from the server-side session the cookie names (else None).

    A session past half its lifetime is renewed (one short write), so a teacher at work
    stays signed in while an abandoned session expires WEB_SESSION_HOURS after last use.
    """
    g.teacher = None
    session_id = session.get(SESSION_ID)
    if not session_id:
        if session.get("teacher_id") is not None:  # a cookie from before server sessions
            session.clear()
        return
    with get_store().read() as s:
        found = session_teacher(s, str(session_id))
        if found is not None:
            s.expunge(found[0])
    if found is None:
        session.clear()
        return
    g.teacher, expires_at = found
    lifetime = current_app.permanent_session_lifetime
    if expires_at - utcnow() < lifetime / 2:
        with get_store().write() as s:
            renew_session(s, str(session_id), lifetime)


def owner_id() -> int:
    return g.teacher.owner_id


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send signed-out visitors to the sign-in page, then back here."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("teacher") is None:
            return redirect(url_for("web.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None) -> str:
    """A path of this site to go to after sign-in; anything else goes to the assignments page.

    Browsers drop tabs and newlines inside URLs and read a backslash as a slash, so
    `/%09/evil.example` or `/%5Cevil.example` (decoded) would leave the site: a target with
    any control character, space or backslash is refused, and what is left must be a path
    with no scheme or host that does not start with `//`.
    """
    if target and _local_path(target):
        return target
    return url_for("web.assignments")


def _local_path(target: str) -> bool:
    if len(target) > 2000 or any(ch <= " " or ch == "\x7f" or ch == "\\" for ch in target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urllib.parse.urlsplit(target)
    return not parts.scheme and not parts.netloc and parts.path.startswith("/")
