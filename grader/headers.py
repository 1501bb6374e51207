"""Security headers on every response; pages that set their own (web, LTI) keep theirs."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

# JSON, problem documents, health checks and the API docs page: nothing to run, never framed.
DEFAULT_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"


def _hsts_wanted() -> bool:
    setting = str(current_app.config.get("HSTS", "auto")).lower()
    if setting in ("1", "true", "yes", "on"):
        return True
    if setting in ("0", "false", "no", "off"):
        return False
    return request.is_secure  # 'auto': behind TLS (or a proxy that says so, see ProxyFix)


def add_headers(response: Response) -> Response:
    """after_request: the headers every response carries unless a blueprint set them."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", DEFAULT_CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if _hsts_wanted():
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("HSTS", "auto")
    app.after_request(add_headers)
