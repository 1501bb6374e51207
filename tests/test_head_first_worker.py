"""The worker's health-check threads: a probe is answered while every request thread is busy
and more requests wait (a live gunicorn, 1 worker x 1 request thread)."""

from __future__ import annotations

import json
import select
import socket
from pathlib import Path

import pytest

from grader import head_first_worker

from .api.live import LiveServer, read_answer

pytestmark = pytest.mark.skipif(not head_first_worker.SUPPORTED,
                                reason="this gunicorn's gthread internals are not the ones "
                                       "the head-first worker hooks into")

ESSAY = (Path(__file__).resolve().parents[1] / "examples" / "stalin-essay.txt").read_text()
QUEUED = 8  # grading requests waiting for the one request thread


def _request(method: str, path: str, body: bytes = b"", headers: dict | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: x", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _status(sock: socket.socket) -> int:
    return read_answer(sock)[0]


def _essay(n: int) -> str:
    """About 28,000 characters (under the heavy-work threshold), different for each n."""
    sentences = ESSAY.replace("\n", " ").split(". ")
    out, size = [], 0
    while size < 28_000:
        sentence = f"{sentences[(n + len(out)) % len(sentences)].rstrip('.')} ({n}-{len(out)})."
        out.append(sentence)
        size += len(sentence) + 1
    return " ".join(out)


def test_healthz_is_answered_before_the_requests_queued_ahead_of_it(tmp_path):
    server = LiveServer(f"sqlite:///{tmp_path / 'h.sqlite3'}", workers=1, threads=1,
                        extra_env={"GRADER_RATE_LIMIT": "0"}).start()
    socks: list[socket.socket] = []
    try:
        key = server.create_key("probe")
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        socks = [socket.create_connection(("127.0.0.1", server.port), timeout=120)
                 for _ in range(QUEUED + 1)]
        probe, graders = socks[0], socks[1:]
        for sock in socks:  # every connection accepted and kept alive by the worker
            sock.sendall(_request("GET", "/healthz"))
            assert _status(sock) == 200
        warm = json.dumps({"rubric": "stalin-rise", "text": _essay(QUEUED)}).encode()
        graders[0].sendall(_request("POST", "/api/v1/grade", warm, headers))
        assert _status(graders[0]) == 200
        for n, sock in enumerate(graders):  # all queued for the one request thread ...
            body = json.dumps({"rubric": "stalin-rise", "text": _essay(n)}).encode()
            sock.sendall(_request("POST", "/api/v1/grade", body, headers))
        probe.sendall(_request("GET", "/healthz"))  # ... and a probe after them
        assert _status(probe) == 200
        answered_first, _, _ = select.select(graders, [], [], 0)
        assert [_status(sock) for sock in graders] == [200] * QUEUED
    finally:
        for sock in socks:
            sock.close()
        server.stop()
    # behind the queue the probe would have been answered after all of them (or all but
    # the one being graded); on its own thread it overtakes the queue
    assert len(answered_first) <= QUEUED // 2, f"{len(answered_first)} of {QUEUED} first"
