"""Small HTTP client for the platform's services (stdlib urllib, JSON in and out)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

USER_AGENT = "grader-lti/1"
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


class ServiceError(Exception):
    """A platform service call that failed; the message is shown to the teacher."""


@dataclass
class Reply:
    status: int
    body: Any
    next_url: str | None = None


def call(method: str, url: str, *, data: bytes | None = None, headers: dict[str, str],
         timeout: float = 10.0) -> Reply:
    """Send one request; a Reply for 2xx, else ServiceError naming the status and body."""
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"User-Agent": USER_AGENT, **headers})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (http(s) only)
            raw = resp.read(2_000_000)
            link = resp.headers.get("Link") or ""
            status = resp.status
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace").strip()
        raise ServiceError(f"{method} {url} answered {exc.code}: {detail or exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ServiceError(f"{method} {url} could not be reached: {reason}") from None
    body: Any = None
    if raw:
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
    found = _NEXT.search(link)
    return Reply(status, body, found[1] if found else None)


def post_form(url: str, fields: dict[str, str]) -> Reply:
    return call("POST", url, data=urllib.parse.urlencode(fields).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded",
                         "Accept": "application/json"})


def post_json(url: str, payload: dict[str, Any], content_type: str, token: str) -> Reply:
    return call("POST", url, data=json.dumps(payload).encode(),
                headers={"Content-Type": content_type, "Authorization": f"Bearer {token}"})


def get_json(url: str, accept: str, token: str) -> Reply:
    return call("GET", url, headers={"Accept": accept, "Authorization": f"Bearer {token}"})
