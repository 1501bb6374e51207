"""Crashes: a gunicorn worker SIGKILLed mid-request, the database stopped and started again."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
ESSAY = ("Stalin rose to power after Lenin died in 1924. Lenin's Testament warned against "
         "Stalin, but Zinoviev and Kamenev kept it secret. Stalin tricked Trotsky about the "
         "date of Lenin's funeral. As General Secretary he appointed his supporters. ")

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port: int, method: str, path: str, body: dict | None = None,
             headers: dict | None = None, timeout: float = 30) -> tuple[int, dict, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers={
            **({"Content-Type": "application/json"} if data else {}), **(headers or {})})
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status, dict(resp.getheaders()), json.loads(raw) if raw else {}
    finally:
        conn.close()


def _children(pid: int) -> set[int]:
    try:
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


@contextmanager
def gunicorn_server(tmp_path: Path, rate_limit: int = 0, **env_extra: str
                    ) -> Iterator[tuple[subprocess.Popen, int, str, Path]]:
    """gunicorn (2 workers x 2 threads) on SQLite and a free loopback port, with one API key:
    (process, port, key, database file)."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}",
           "GRADER_BIND": f"127.0.0.1:{port}", "GRADER_WORKERS": "2", "GRADER_THREADS": "2",
           "GRADER_LOG_LEVEL": "WARNING", "GRADER_SECRET_KEY": "crash-test-secret",
           **env_extra}
    log = (tmp_path / "gunicorn.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                             "wsgi:app"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=log)
    try:
        deadline = time.monotonic() + 60
        while len(_children(proc.pid)) < 2 or not _ready(port):
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        out = subprocess.run([sys.executable, "-m", "grader.cli.main", "keys", "create",
                              "--name", "crash", "--rate-limit", str(rate_limit)], cwd=REPO,
                             env=env, check=True, capture_output=True, text=True).stdout
        yield proc, port, out.strip().splitlines()[-1], tmp_path / "crash.sqlite3"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture
def gunicorn(tmp_path):
    with gunicorn_server(tmp_path) as server:
        yield server


def _ready(port: int) -> bool:
    try:
        return _request(port, "GET", "/readyz", timeout=2)[0] == 200
    except OSError:
        return False


def test_sigkill_worker_mid_request_then_retry_stores_once(gunicorn):
    proc, port, key, db = gunicorn
    workers = _children(proc.pid)
    ext = uuid.uuid4().hex
    body = {"rubric": "stalin-rise", "text": ESSAY * 400, "external_id": ext}  # ~1 s to grade
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": ext}
    first: list[object] = []

    def send() -> None:
        try:
            first.append(_request(port, "POST", "/api/v1/submissions", body, headers)[0])
        except (OSError, http.client.HTTPException) as exc:
            first.append(exc)

    thread = threading.Thread(target=send)
    thread.start()
    time.sleep(0.4)  # the request is being graded by one of the workers
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    thread.join(30)
    log = (db.parent / "gunicorn.log").read_text(errors="replace")[-3000:]
    assert first and not isinstance(first[0], int) or first[0] in (201, 502), (first, log)
    deadline = time.monotonic() + 30
    while not (len(_children(proc.pid) - workers) == 2 and _ready(port)):
        assert time.monotonic() < deadline, "the master did not replace its workers"
        time.sleep(0.2)
    status, _, created = _request(port, "POST", "/api/v1/submissions", body, headers)
    assert status == 201
    again, hdrs, replay = _request(port, "POST", "/api/v1/submissions", body, headers)
    assert again == 201 and replay["id"] == created["id"] and hdrs["Idempotent-Replayed"]
    import sqlite3

    with sqlite3.connect(db) as conn:
        (count,) = conn.execute("SELECT count(*) FROM submissions WHERE external_id = ?",
                                (ext,)).fetchone()
    assert count == 1


class ThrowawayPostgres:
    """A private PostgreSQL cluster on a free loopback port (initdb + pg_ctl as 'postgres')."""

    def __init__(self, root: Path) -> None:
        self.bin = PG_BIN[-1]
        self.data = root / "pgdata"
        self.port = free_port()
        root.chmod(0o777)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync")
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.data / "log"), "-o",
                  f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -F", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


def _pg_problem() -> str | None:
    if not PG_BIN:
        return "no PostgreSQL server binaries under /usr/lib/postgresql"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: initdb refuses root"
    return None


@pytest.fixture
def throwaway_pg():
    problem = _pg_problem()
    if problem:
        pytest.skip(problem)
    root = Path(tempfile.mkdtemp(prefix="grader-pg-"))  # pytest's tmp is private to root
    try:
        try:
            pg = ThrowawayPostgres(root)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            pytest.skip(f"cannot start a throwaway PostgreSQL: {exc}")
        try:
            yield pg
        finally:
            try:
                pg.stop()
            except subprocess.CalledProcessError:
                pass
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_database_outage_gives_503_then_recovers_by_itself(throwaway_pg):
    from grader import create_app
    from grader.store import get_store
    from grader.store.keys import create_key

    app = create_app({"TESTING": True, "DATABASE_URL": throwaway_pg.url, "WARM_UP": False,
                      "LOG_LEVEL": "CRITICAL", "RATE_LIMIT": 0, "SECRET_KEY": "x"})
    with get_store(app).write() as session:
        _, key = create_key(session, "outage", None, None)
    client = app.test_client()
    auth = {"Authorization": f"Bearer {key}"}
    body = {"rubric": "stalin-rise", "text": ESSAY, "external_id": "before"}
    assert client.post("/api/v1/submissions", json=body, headers=auth).status_code == 201
    throwaway_pg.stop()
    try:
        for path in ("/readyz", "/api/v1/submissions"):
            r = client.get(path, headers=auth)
            assert r.status_code == 503, (path, r.status_code, r.get_data(as_text=True))
            assert int(r.headers["Retry-After"]) > 0
            assert "password" not in r.get_data(as_text=True).lower()
        r = client.post("/api/v1/submissions", headers=auth, json={**body, "external_id": "x"})
        assert r.status_code == 503
    finally:
        throwaway_pg.start()
    deadline = time.monotonic() + 20
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "did not recover"
        time.sleep(0.2)
    r = client.post("/api/v1/submissions", headers=auth, json={**body, "external_id": "after"})
    assert r.status_code == 201
    listed = client.get("/api/v1/submissions", headers=auth).json
    refs = sorted(s["external_id"] for s in listed["items"])
    assert refs == ["after", "before"]  # nothing from the outage half-stored
    get_store(app).dispose()
