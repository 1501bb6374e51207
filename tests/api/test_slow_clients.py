"""Slow clients hold no request thread: a live gunicorn (balanced worker, 2 workers x 4
threads) keeps answering /healthz while 12 connections trickle their heads and bodies."""

from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest

from grader import balanced_worker

from .live import LiveServer, read_answer

pytestmark = pytest.mark.skipif(not balanced_worker.SUPPORTED,
                                reason="this gunicorn's gthread internals are not the ones "
                                       "the balanced worker hooks into")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    db = tmp_path_factory.mktemp("slow") / "grader.sqlite3"
    server = LiveServer(f"sqlite:///{db}", workers=2, threads=4).start()
    yield server
    server.stop()


class Trickler:
    """Connections that send their request a byte at a time, every `pace` seconds, until
    stopped: half stall in the head, half in a (small) body."""

    def __init__(self, port: int, count: int, pace: float = 0.5) -> None:
        self.port, self.count, self.pace = port, count, pace
        self.stop = threading.Event()
        self.sent = [0] * count
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True)
                        for n in range(count)]

    def _request(self, n: int) -> tuple[bytes, bytes]:
        if n % 2:  # the head at once, then a body of 2,000 bytes a byte at a time
            return (b"POST /api/v1/grade HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                    b"\r\nContent-Length: 2000\r\n\r\n"), b"x" * 2000
        return b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 4000

    def _run(self, n: int) -> None:
        at_once, slowly = self._request(n)
        with socket.create_connection(("127.0.0.1", self.port)) as sock:
            sock.sendall(at_once)
            for byte in slowly:
                if self.stop.wait(self.pace):
                    return
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    return
                self.sent[n] += 1

    def __enter__(self) -> Trickler:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(5)


def healthz(port: int, timeout: float = 20.0) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status
    finally:
        conn.close()


def test_healthz_answers_while_twelve_clients_trickle_their_requests(live):
    with Trickler(live.port, 12) as slow:
        time.sleep(3)  # every slow connection accepted and trickling
        assert [healthz(live.port) for _ in range(5)] == [200] * 5
        assert all(slow.sent) and not slow.stop.is_set()  # they were still trickling


def test_keep_alive_still_serves_one_connection_many_requests(live):
    conn = http.client.HTTPConnection("127.0.0.1", live.port, timeout=20)
    try:
        for _ in range(5):
            conn.request("GET", "/healthz")
            resp = conn.getresponse()
            resp.read()
            assert resp.status == 200
        local = conn.sock.getsockname()
        conn.request("GET", "/readyz")
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200 and conn.sock.getsockname() == local  # same connection
    finally:
        conn.close()


def test_pipelined_requests_are_each_answered(live):
    with socket.create_connection(("127.0.0.1", live.port), timeout=20) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * 2
                     + b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.count(b"HTTP/1.1 200") == 3


def test_a_head_that_never_completes_gets_408_and_is_closed(live):
    with socket.create_connection(("127.0.0.1", live.port), timeout=40) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and then nothing
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408")


def test_a_head_over_the_limit_gets_431(live):
    with socket.create_connection(("127.0.0.1", live.port), timeout=20) as sock:
        try:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 66_000)
        except OSError:
            pass
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 431")


def test_a_connection_is_closed_after_its_keepalive_requests(tmp_path):
    """So clients that piled onto one worker spread again: after GRADER_KEEPALIVE_REQUESTS
    requests the answer says "Connection: close" and the connection ends; the client's next
    connection is accepted by whichever worker has room."""
    server = LiveServer(f"sqlite:///{tmp_path / 'k.sqlite3'}", workers=1, threads=2,
                        extra_env={"GRADER_KEEPALIVE_REQUESTS": "3"}).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
            heads = []
            for _ in range(3):
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                heads.append(read_answer(sock)[1])
            rest = sock.recv(65536)  # b"": the server has closed the connection
    finally:
        server.stop()
    assert [b"connection: close" in h for h in heads] == [False, False, True]
    assert [h.split(b" ")[1] for h in heads] == [b"200"] * 3 and rest == b""
