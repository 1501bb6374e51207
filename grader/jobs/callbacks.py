"""Batch-finished callbacks: the body signed with HMAC-SHA256, POSTed, retried with backoff.

The signing secret is derived from the caller's API key, so the receiver can check a callback
with the key it already holds and the server never stores the key itself:

    secret = HMAC-SHA256(key=API_KEY, msg="grader-callback-v1").hexdigest()
    X-Grader-Signature: sha256=HMAC-SHA256(key=secret, msg=raw body).hexdigest()
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

SIGNATURE_HEADER = "X-Grader-Signature"
log = logging.getLogger("grader.jobs")


def callback_secret(api_key: str) -> str:
    """The per-key secret that signs callbacks for batches created with `api_key`."""
    return hmac.new(api_key.encode(), b"grader-callback-v1", hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str) -> str:
    """The signature header value for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, header: str, secret: str) -> bool:
    """True if `header` is the signature of `body` (constant-time comparison)."""
    return hmac.compare_digest(sign(body, secret), header or "")


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx answer is the receiver's answer: never follow it somewhere else (SSRF)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def post_once(url: str, body: bytes, secret: str | None, timeout: float = 10.0,
              check: Callable[[str], None] | None = None) -> int:
    """POST the body; the HTTP status, or 0 if the receiver could not be reached or `check`
    (the egress rule, grader.jobs.egress) refuses the URL now."""
    if check is not None:
        try:
            check(url)
        except ValueError as exc:
            log.warning("batch callback refused: %s", exc)
            return 0
    headers = {"Content-Type": "application/json", "User-Agent": "grader-batches/1"}
    if secret:
        headers[SIGNATURE_HEADER] = sign(body, secret)
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(req, timeout=timeout) as resp:  # http(s) only, checked above
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError, ValueError):
        return 0


def deliver(url: str, body: bytes, secret: str | None, attempts: int = 6,
            backoff: float = 2.0, sleep: Callable[[float], None] = time.sleep,
            check: Callable[[str], None] | None = None) -> bool:
    """POST until a 2xx answer, waiting backoff, 2*backoff, 4*backoff... between tries."""
    for attempt in range(attempts):
        status = post_once(url, body, secret, check=check)
        if 200 <= status < 300:
            return True
        log.warning("batch callback to %s failed (status %s, attempt %d)", url, status,
                    attempt + 1)
        if attempt + 1 < attempts:
            sleep(backoff * (2 ** attempt))
    return False
