"""Batch-finished callbacks: the body signed with HMAC-SHA256, POSTed, retried with backoff.

The signing secret is derived from the caller's API key, so the receiver can check a callback
with the key it already holds and the server never stores the key itself:

    secret = HMAC-SHA256(key=API_KEY, msg="grader-callback-v1").hexdigest()
    X-Grader-Signature: sha256=HMAC-SHA256(key=secret, msg=raw body).hexdigest()
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .egress import IPAddress

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


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the host named in the URL (Host header), over a TCP connection to an address
    that passed the egress check: the name is never resolved again (DNS rebinding)."""

    def __init__(self, host: str, port: int, addresses: list[IPAddress], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def _open_socket(self) -> socket.socket:
        error: OSError = OSError("the callback host has no address")
        for address in self.addresses:
            family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(self.timeout)
                sock.connect((str(address), self.port))
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return sock
            except OSError as exc:
                sock.close()
                error = exc
        raise error

    def connect(self) -> None:
        self.sock = self._open_socket()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """HTTPS over a pinned address: SNI and certificate checked for the URL's host name."""

    default_port = http.client.HTTPS_PORT

    def __init__(self, host: str, port: int, addresses: list[IPAddress], timeout: float,
                 context: ssl.SSLContext | None = None):
        super().__init__(host, port, addresses, timeout)
        self.context = context or ssl.create_default_context()

    def connect(self) -> None:
        self.sock = self.context.wrap_socket(self._open_socket(), server_hostname=self.host)


def _target(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an http(s) URL; ValueError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) URL")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path


def _resolve(host: str, port: int) -> list[IPAddress]:
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0])
                              for info in infos))


def post_once(url: str, body: bytes, secret: str | None, timeout: float = 10.0,
              check: Callable[[str], list[IPAddress] | None] | None = None,
              context: ssl.SSLContext | None = None) -> int:
    """POST the body; the HTTP status, or 0 if the receiver could not be reached or `check`
    (the egress rule, grader.jobs.egress) refuses the URL now.

    The connection goes to the addresses `check` returned (the ones it judged), else to what
    the host resolves to now, resolved once. The whole attempt (connect, send, the answer's
    status line and headers) ends within `timeout` seconds; a 3xx is the answer, never
    followed (SSRF)."""
    try:
        scheme, host, port, path = _target(url)
        pinned = check(url) if check is not None else None
        addresses = pinned if pinned is not None else _resolve(host, port)
    except (OSError, UnicodeError, ValueError) as exc:
        log.warning("batch callback refused: %s", exc)
        return 0
    headers = {"Content-Type": "application/json", "User-Agent": "grader-batches/1",
               "Connection": "close"}
    if secret:
        headers[SIGNATURE_HEADER] = sign(body, secret)
    conn = (_PinnedHTTPSConnection(host, port, addresses, timeout, context)
            if scheme == "https" else _PinnedHTTPConnection(host, port, addresses, timeout))
    watchdog = threading.Timer(timeout, _cut, args=(conn,))
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request("POST", path, body=body, headers=headers)
        return conn.getresponse().status
    except (OSError, http.client.HTTPException, ValueError):
        return 0
    finally:
        watchdog.cancel()
        conn.close()


def _cut(conn: http.client.HTTPConnection) -> None:
    """The attempt's time is up: end a receiver's trickle (unblocks the reading thread)."""
    sock = conn.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def deliver(url: str, body: bytes, secret: str | None, attempts: int = 6,
            backoff: float = 2.0, sleep: Callable[[float], None] = time.sleep,
            check: Callable[[str], list[IPAddress] | None] | None = None,
            timeout: float = 10.0) -> bool:
    """POST until a 2xx answer, waiting backoff, 2*backoff, 4*backoff... between tries.

    Every failed attempt takes `timeout` seconds, whatever the failure (refused by the egress
    check, connection refused, no answer, an HTTP error): the caller records one "failed"
    and neither that state nor its timing tells a closed port from a filtered one or a
    listening one (no port scanning through callbacks)."""
    for attempt in range(attempts):
        started = time.monotonic()
        status = post_once(url, body, secret, timeout=timeout, check=check)
        if 200 <= status < 300:
            return True
        sleep(max(0.0, started + timeout - time.monotonic()))
        log.warning("batch callback to %s failed (status %s, attempt %d)", url, status,
                    attempt + 1)
        if attempt + 1 < attempts:
            sleep(backoff * (2 ** attempt))
    return False
