"""Rate limits (flask-limiter): per API key on /api/v1, per account and address on sign-in,
counted in memory by default and in the machine's real Redis when configured."""

from __future__ import annotations

import re
import socket
import time
import uuid

import pytest

from grader import create_app
from grader.ratelimit import get_limiter, storage_uri
from grader.store import get_store
from grader.store.keys import create_key
from grader.store.teachers import create_teacher

from ..api.backends import redis_problem

PROBLEM = "application/problem+json"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


def make_app(tmp_path, name: str = "g", **config):
    return create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / name}.sqlite3",
                       "LOG_LEVEL": "ERROR", "WARM_UP": False, "SECRET_KEY": "t",
                       "WEB_SECURE_COOKIES": False, **config})


def key_for(app, name: str, rate_limit: int | None = None, owner: str | None = None) -> dict:
    with get_store(app).write() as session:
        _, key = create_key(session, name, owner, rate_limit)
    return {"Authorization": f"Bearer {key}"}


def test_a_keys_own_limit_spans_every_endpoint_and_answers_429_problem(tmp_path):
    app = make_app(tmp_path, RATE_LIMIT=0)
    client = app.test_client()
    limited, other = key_for(app, "limited", rate_limit=3), key_for(app, "free")
    paths = ["/api/v1/rubrics", "/api/v1/submissions", "/api/v1/rubrics/stalin-rise"]
    assert [client.get(p, headers=limited).status_code for p in paths] == [200, 200, 200]
    r = client.get("/api/v1/submissions/export.csv", headers=limited)
    assert r.status_code == 429 and r.content_type == PROBLEM
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert "3 requests a minute" in r.json["detail"] and r.json["status"] == 429
    # another key of the same owner, unlimited (RATE_LIMIT=0), is not held back
    assert all(client.get("/api/v1/rubrics", headers=other).status_code == 200
               for _ in range(10))
    # no key, or a wrong one: 401 as before, never counted as the limited key
    assert client.get("/api/v1/rubrics").status_code == 401
    get_store(app).dispose()


def test_keys_without_their_own_limit_get_the_configured_default(tmp_path):
    app = make_app(tmp_path, RATE_LIMIT=2)
    client = app.test_client()
    a, b = key_for(app, "a"), key_for(app, "b")
    assert [client.get("/api/v1/rubrics", headers=a).status_code for _ in range(3)] == [
        200, 200, 429]
    assert client.get("/api/v1/rubrics", headers=b).status_code == 200  # per key
    assert key_for(app, "c", rate_limit=0)  # 0 on the key: no limit at all
    get_store(app).dispose()


class SignIn:
    """Posts the sign-in form from a given client address with a fresh CSRF token."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, email: str, password: str, address: str = "10.0.0.1"):
        client = self.app.test_client()
        env = {"REMOTE_ADDR": address}
        token = TOKEN.search(client.get("/sign-in", environ_base=env).text)[1]
        return client.post("/sign-in", environ_base=env, data={
            "email": email, "password": password, "csrf_token": token})


@pytest.fixture
def web(tmp_path):
    app = make_app(tmp_path, WEB_SIGNIN_LIMIT=3, WEB_SIGNIN_WINDOW=600)
    with get_store(app).write() as session:
        create_teacher(session, "amy@school.org", PASSWORD)
        create_teacher(session, "bea@school.org", PASSWORD)
    yield SignIn(app)
    get_store(app).dispose()


def test_an_accounts_failures_slow_the_guessing_address_not_the_owner(web):
    web.app.config["WEB_SIGNIN_LIMIT"] = 100  # the address limit out of the way
    codes = [web("Amy@School.org", "wrong", "10.0.0.66").status_code for _ in range(3)]
    assert codes == [401, 401, 401]
    waiting = web("amy@school.org", PASSWORD, "10.0.0.66")  # no check while it must wait
    assert waiting.status_code == 429
    assert 1 <= int(waiting.headers["Retry-After"]) <= 300
    assert "Too many failed sign-ins" in waiting.text and "text/html" in waiting.content_type
    # the owner, from anywhere else, gets in: the attacker holds no lock-out switch
    assert web("amy@school.org", PASSWORD, "10.9.9.9").status_code == 302
    assert web("bea@school.org", PASSWORD, "10.0.0.66").status_code == 302  # others unaffected


def test_the_wait_grows_with_each_failure_and_has_a_ceiling(web):
    web.app.config.update(WEB_SIGNIN_LIMIT=100, WEB_SIGNIN_MAX_DELAY=4)
    storage = get_limiter(web.app).limiter.storage
    waits = []
    for _ in range(6):
        assert web("amy@school.org", "wrong", "10.0.0.67").status_code == 401
        for key in list(storage.storage):
            if key.endswith("ip:10.0.0.67/wait"):
                waits.append(round(storage.get_expiry(key) - time.time()))
                storage.clear(key)  # as if the client had waited
    assert waits == [1, 2, 4, 4]  # from the 3rd failure on: 1, 2, 4 s, then the ceiling


class Browser:
    """One browser: keeps its cookies (the device cookie among them) between sign-ins."""

    def __init__(self, app, address: str) -> None:
        self.client = app.test_client()
        self.env = {"REMOTE_ADDR": address}

    def sign_in(self, email: str, password: str):
        token = TOKEN.search(self.client.get("/sign-in", environ_base=self.env).text)[1]
        return self.client.post("/sign-in", environ_base=self.env, data={
            "email": email, "password": password, "csrf_token": token})


def test_guessing_from_many_addresses_waits_except_in_the_owners_browser(web):
    web.app.config.update(WEB_SIGNIN_LIMIT=100, WEB_SIGNIN_ACCOUNT_FREE_TRIES=3)
    owner = Browser(web.app, "10.5.0.1")
    assert owner.sign_in("amy@school.org", PASSWORD).status_code == 302
    cookie = owner.client.get_cookie("grader_device", path="/sign-in")
    assert cookie is not None and cookie.http_only and "amy" not in cookie.value
    for n in range(3):  # one wrong password each from three machines: waits start
        assert web("amy@school.org", "wrong", f"10.6.0.{n}").status_code == 401
    for n, wait in ((3, 1), (4, 2)):  # each waits its turn: the wait doubles (now 4 s)
        time.sleep(wait + 0.1)
        assert web("amy@school.org", "wrong", f"10.6.0.{n}").status_code == 401
    assert web("amy@school.org", PASSWORD, "10.7.0.1").status_code == 429  # a new machine
    stranger = Browser(web.app, "10.7.0.2")  # a forged device cookie counts for nothing
    stranger.client.set_cookie("grader_device", "forged", path="/sign-in")
    assert stranger.sign_in("amy@school.org", PASSWORD).status_code == 429
    assert owner.sign_in("amy@school.org", PASSWORD).status_code == 302  # the owner's browser


def test_sign_in_failures_are_limited_per_address_over_any_account(web):
    codes = [web(f"nobody{n}@school.org", "wrong", "10.1.1.1").status_code for n in range(3)]
    assert codes == [401, 401, 401]
    assert web("bea@school.org", PASSWORD, "10.1.1.1").status_code == 429
    assert web("bea@school.org", PASSWORD, "10.1.1.2").status_code == 302


def test_a_successful_sign_in_clears_the_accounts_failures(web):
    assert [web("amy@school.org", "wrong", "10.2.0.1").status_code for _ in range(2)] == [
        401, 401]
    assert web("amy@school.org", PASSWORD, "10.2.0.2").status_code == 302
    # two more failures from a third address: the account starts again from 0
    assert [web("amy@school.org", "wrong", "10.2.0.3").status_code for _ in range(2)] == [
        401, 401]
    assert web("amy@school.org", PASSWORD, "10.2.0.4").status_code == 302


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_redis_down_falls_back_to_counting_in_memory(tmp_path):
    app = make_app(tmp_path, RATE_LIMIT=0,
                   RATELIMIT_STORAGE=f"redis://127.0.0.1:{_closed_port()}/0")
    client = app.test_client()
    limited = key_for(app, "limited", rate_limit=2)
    codes = [client.get("/api/v1/rubrics", headers=limited).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    get_store(app).dispose()


@pytest.fixture
def redis_storage():
    """The machine's Redis (db 15) under a unique key prefix, cleaned up afterwards."""
    problem = redis_problem()
    if problem:
        pytest.skip(problem)
    import redis

    prefix = f"grader-test-{uuid.uuid4().hex[:10]}"
    conn = redis.Redis(host="127.0.0.1", port=6379, db=15)
    yield conn, prefix, {"RATELIMIT_STORAGE": "redis://127.0.0.1:6379/15",
                         "RATELIMIT_KEY_PREFIX": prefix}
    for key in conn.scan_iter(f"*{prefix}*"):
        conn.delete(key)
    conn.close()


def test_redis_counts_are_shared_by_every_worker(tmp_path, redis_storage):
    conn, prefix, config = redis_storage
    one = make_app(tmp_path, "shared", RATE_LIMIT=0, **config)  # two workers (or machines)
    two = make_app(tmp_path, "shared", RATE_LIMIT=0, **config)  # on one database
    auth = key_for(one, "limited", rate_limit=3)
    c1, c2 = one.test_client(), two.test_client()
    assert [c1.get("/api/v1/rubrics", headers=auth).status_code,
            c2.get("/api/v1/rubrics", headers=auth).status_code,
            c1.get("/api/v1/rubrics", headers=auth).status_code] == [200, 200, 200]
    r = c2.get("/api/v1/rubrics", headers=auth)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    keys = [k.decode() for k in conn.scan_iter(f"*{prefix}*")]
    assert keys and all("grd_" not in k for k in keys)  # counted by key id, never the secret
    with get_store(one).write() as session:
        create_teacher(session, "amy@school.org", PASSWORD)
    one.config["WEB_SIGNIN_LIMIT"] = two.config["WEB_SIGNIN_LIMIT"] = 2
    assert SignIn(one)("amy@school.org", "wrong").status_code == 401
    assert SignIn(two)("amy@school.org", "wrong").status_code == 401
    assert SignIn(one)("amy@school.org", PASSWORD).status_code == 429
    stored = " ".join(k.decode() for k in conn.scan_iter(f"*{prefix}*"))
    assert "signin-email:" in stored and "amy@" not in stored  # the e-mail is hashed
    for app in (one, two):
        get_store(app).dispose()


def test_the_services_redis_is_used_for_counts_when_there_is_one(tmp_path, monkeypatch):
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    app = make_app(tmp_path)
    assert storage_uri(app) == "grader-memory://"  # embedded default: per process
    app.config["CELERY_BROKER_URL"] = "amqp://guest@127.0.0.1//"
    assert storage_uri(app) == "grader-memory://"  # not a Redis
    app.config["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/9"
    assert storage_uri(app) == "redis://127.0.0.1:6379/9"
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    assert storage_uri(app) == "redis://127.0.0.1:6379/3"
    app.config["RATELIMIT_STORAGE"] = "memory://"  # said explicitly: memory it is
    assert storage_uri(app) == "grader-memory://"
    get_store(app).dispose()


@pytest.mark.slow
@pytest.mark.parametrize("setting", ["GRADER_RATELIMIT_STORAGE", "REDIS_URL",
                                     "CELERY_BROKER_URL"])
def test_gunicorn_workers_share_one_count_in_redis(tmp_path, redis_storage, setting,
                                                   monkeypatch):
    """Two gunicorn workers, a key allowed 20 a minute, 40 requests from 8 clients at once
    (more than one worker's threads, so both workers answer): exactly 20 answered, the rest
    429 with Retry-After, whichever setting names the Redis."""
    from concurrent.futures import ThreadPoolExecutor

    from .test_crash import _request, gunicorn_server

    for name in ("GRADER_RATELIMIT_STORAGE", "REDIS_URL", "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    _, prefix, _ = redis_storage
    with gunicorn_server(tmp_path, rate_limit=20,
                         GRADER_RATELIMIT_KEY_PREFIX=prefix,
                         **{setting: "redis://127.0.0.1:6379/15"}) as (_, port, key, _db):
        auth = {"Authorization": f"Bearer {key}"}
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: _request(port, "GET", "/api/v1/rubrics",
                                                       headers=auth), range(40)))
    codes = [status for status, _, _ in answers]
    assert codes.count(200) == 20 and codes.count(429) == 20, codes
    refused = [(h, body) for status, h, body in answers if status == 429]
    assert all(1 <= int(h["Retry-After"]) <= 60 for h, _ in refused)
    assert all(body["status"] == 429 for _, body in refused)


class ThrowawayRedis:
    """A private redis-server on a free loopback port, its data on disk (AOF, fsync always)
    so a SIGKILL and restart keep the counts."""

    def __init__(self, root) -> None:
        import shutil

        self.binary = shutil.which("redis-server")
        self.root = root
        self.port = _closed_port()
        self.proc = None

    def start(self) -> None:
        import subprocess
        import time

        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.root)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def throwaway_redis(tmp_path):
    import shutil

    if shutil.which("redis-server") is None:
        pytest.skip("no redis-server binary to start a throwaway Redis")
    server = ThrowawayRedis(tmp_path)
    server.start()
    yield server
    if server.proc.poll() is None:
        server.kill()


def test_redis_killed_mid_run_then_back(tmp_path, throwaway_redis):
    """Counting goes on in memory while Redis is down, and back to Redis (with the counts it
    kept) once it answers again."""
    import time

    app = make_app(tmp_path, RATE_LIMIT=0,
                   RATELIMIT_STORAGE=f"redis://127.0.0.1:{throwaway_redis.port}/0")
    client = app.test_client()
    auth = key_for(app, "limited", rate_limit=5)

    def codes(n: int) -> list[int]:
        return [client.get("/api/v1/rubrics", headers=auth).status_code for _ in range(n)]

    assert codes(2) == [200, 200]  # 2 of 5 counted in Redis
    throwaway_redis.kill()
    assert codes(6) == [200] * 5 + [429]  # Redis gone: a fresh count in memory, still limited
    throwaway_redis.start()  # same port, same data: Redis still holds 2
    deadline = time.monotonic() + 15  # a dead store is tried again after 1 s, 2 s, 4 s...
    while codes(1) == [429]:  # still counting in memory, where the key is spent
        assert time.monotonic() < deadline, "never went back to Redis"
        time.sleep(0.3)
    assert codes(3) == [200, 200, 429]  # back on Redis: its 3rd to 5th, then refused
    get_store(app).dispose()
