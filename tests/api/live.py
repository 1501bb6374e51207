"""A real gunicorn serving wsgi:app on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """Start gunicorn with the repository's gunicorn.conf.py; stop it with stop()."""

    def __init__(self, database_url: str, workers: int = 2, threads: int = 4,
                 extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": database_url,
                    "GRADER_BIND": f"127.0.0.1:{self.port}", "GRADER_WORKERS": str(workers),
                    "GRADER_THREADS": str(threads), "GRADER_LOG_LEVEL": "WARNING",
                    **(extra_env or {})}
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> LiveServer:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=REPO, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode()[-2000:]
                raise RuntimeError("gunicorn exited: " + err)
            try:
                if self.get("/readyz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not become ready")

    def create_key(self, name: str, rate_limit: int | None = None) -> str:
        """A key from the real CLI: the key is the last line of stdout."""
        args = [sys.executable, "-m", "grader.cli.main", "keys", "create", "--name", name]
        if rate_limit is not None:
            args += ["--rate-limit", str(rate_limit)]
        out = subprocess.run(args, cwd=REPO, env=self.env, check=True, capture_output=True,
                             text=True).stdout
        return out.strip().splitlines()[-1]

    def request(self, method: str, path: str, body: dict | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict, dict]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json",
                                              **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, dict(resp.headers), json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), json.loads(err.read() or b"null")

    def get(self, path: str, headers: dict[str, str] | None = None):
        return self.request("GET", path, headers=headers)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def read_answer(sock: socket.socket) -> tuple[int, bytes]:
    """Read one whole HTTP answer (its head and a Content-Length body) from a raw socket:
    its status and its head, lower-cased."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")))
    while len(body) < length:
        body += sock.recv(65536)
    return int(head.split()[1]), head.lower()
