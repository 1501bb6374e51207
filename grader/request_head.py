"""Is a request's head (and its small body) all here yet, and is it a health check? Judged on
the bytes read so far.

The gunicorn worker (grader/balanced_worker.py) reads each connection without blocking until
this says "ready", then hands it to a request thread; a client trickling its request holds no
thread while it does. Plain bytes in, a verdict out: no sockets here.
"""

from __future__ import annotations

import re
from enum import Enum

HEAD_LIMIT = 64 * 1024  # bytes: a head (request line and headers) longer than this gets 431
BODY_PREREAD = 1024 * 1024  # bytes: bodies up to this (Content-Length) are read before a thread

_CONTENT_LENGTH = re.compile(rb"\ncontent-length[ \t]*:[ \t]*(\d{1,15})[ \t]*\r?(?=\n)", re.I)
_READ_BY_THREAD = re.compile(rb"\n(?:transfer-encoding|expect)[ \t]*:", re.I)

# Requests served by the worker's own health-check threads, never queued behind other work:
# a load balancer's or orchestrator's probe must learn that the process is up while every
# request thread is busy grading. Exactly these paths (a query string allowed), GET or HEAD.
HEALTH_PATHS = (b"/healthz", b"/readyz")
_HEALTH_LINE = re.compile(rb"(?:GET|HEAD) (" + b"|".join(re.escape(p) for p in HEALTH_PATHS)
                          + rb")(?:\?[^ \r\n]*)? HTTP/1\.[01]\r?\n")


class Verdict(Enum):
    """What the bytes so far make of the request."""

    MORE_HEAD = "the head is not complete"
    MORE_BODY = "the head is here, not yet all of its (small) body"
    READY = "a thread can serve it without waiting for the client"
    TOO_LARGE = "the head is longer than HEAD_LIMIT"


def head_end(buf: bytes | bytearray) -> int:
    """Where the head ends (just past its blank line), or -1. Blank lines before the request
    line are skipped, as the HTTP parser skips them."""
    start = len(buf) - len(buf.lstrip(b"\r\n"))
    for blank in (b"\r\n\r\n", b"\n\n"):
        at = buf.find(blank, start)
        if at != -1:
            return at + len(blank)
    return -1


def judge(buf: bytes | bytearray) -> Verdict:
    """The verdict on the bytes read from a connection so far (one request's worth, or more
    when a client pipelines)."""
    end = head_end(buf)
    if end == -1:
        return Verdict.TOO_LARGE if len(buf) > HEAD_LIMIT else Verdict.MORE_HEAD
    if end > HEAD_LIMIT:
        return Verdict.TOO_LARGE
    head = bytes(buf[:end])
    if _READ_BY_THREAD.search(head):  # chunked, or the client waits for "100 Continue"
        return Verdict.READY
    lengths = _CONTENT_LENGTH.findall(head)
    if len(lengths) != 1:  # none: no body; several: the parser refuses the request
        return Verdict.READY
    length = int(lengths[0])
    if length > BODY_PREREAD or len(buf) - end >= length:
        return Verdict.READY
    return Verdict.MORE_BODY


def is_health_check(buf: bytes | bytearray) -> bool:
    """Whether the request that starts `buf` is a GET or HEAD of a HEALTH_PATHS path with no
    body (blank lines before the request line skipped, as the parser skips them)."""
    start = len(buf) - len(buf.lstrip(b"\r\n"))
    if not _HEALTH_LINE.match(buf, start):
        return False
    end = head_end(buf)
    if end == -1:
        return False
    head = bytes(buf[start:end])
    return not _READ_BY_THREAD.search(head) and not any(
        int(n) for n in _CONTENT_LENGTH.findall(head))
