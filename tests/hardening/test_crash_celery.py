"""Crash: the only Celery worker SIGKILLed mid-batch (real Celery, the machine's Redis); a new
worker finishes the batch and every essay is stored exactly once.

Why nothing is lost: tasks are acknowledged late, and a live worker puts those a dead worker
took back on the queue once CELERY_VISIBILITY_TIMEOUT has passed (it looks every
CELERY_RESTORE_INTERVAL seconds; kombu's default was about 100 s, and this test failed with
it when the new worker started before the timeout). Why nothing is stored twice: an item's
result and its submission are written in one transaction that first flips the item from
pending (grader.store.batch_claims.store_results), so a redelivered task for a finished
item does nothing.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
import uuid
from collections import Counter

import pytest

from grader import create_app
from grader.store import get_store
from grader.store.keys import create_key

from ..api.backends import redis_problem, unacked
from ..jobs.test_celery import _worker

pytestmark = pytest.mark.slow
N = 40
REDIS_DB = 10


@pytest.fixture
def celery_env(tmp_path, monkeypatch):
    problem = redis_problem()
    if problem:
        pytest.skip(problem)
    queue = f"grader-crash-{uuid.uuid4().hex[:8]}"
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}",
           "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
           "GRADER_CELERY_QUEUE": queue, "GRADER_CELERY_VISIBILITY_TIMEOUT": "5",
           "GRADER_CELERY_RESTORE_INTERVAL": "1",
           "GRADER_LOG_LEVEL": "WARNING", "GRADER_RATE_LIMIT": "0"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import redis

    conn = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    yield {**os.environ, **env}, tmp_path / "crash.sqlite3", conn, queue
    for key in conn.scan_iter(f"*{queue}*"):
        conn.delete(key)
    conn.close()


def gone(group: int, seconds: float = 10) -> None:
    """Wait until no process of the process group `group` is left."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"process group {group} still alive after SIGKILL")


def test_sigkilled_worker_mid_batch_then_a_new_worker_finishes_it_once(celery_env):
    env, db, conn, queue = celery_env
    app = create_app({"TESTING": True, "LOG_LEVEL": "WARNING", "WARM_UP": False})
    with get_store(app).write() as session:
        _, key = create_key(session, "crash")
    auth = {"Authorization": f"Bearer {key}"}
    client = app.test_client()
    text = ("Stalin became General Secretary in 1922 and used the post to appoint his "
            "supporters. At Lenin's funeral he was chief mourner. ") * 60
    res = client.post("/api/v1/batches", headers=auth, json={
        "rubric": "stalin-rise",
        "essays": [{"text": f"{text} Essay {i}.", "essay": f"e{i}"} for i in range(N)]})
    assert res.status_code == 202
    url = f"/api/v1/batches/{res.json['id']}"

    def status() -> dict:
        return client.get(url, headers=auth).json

    first = _worker(env, "doomed")
    second = None
    try:
        deadline = time.monotonic() + 60
        # kill it mid-task: some essays done and one taken (unacknowledged) right now; with
        # one task prefetched, there is a moment between an acknowledgement and the next
        # delivery when it holds none, and a kill then would test nothing
        while status()["done"] < 5 or not unacked(conn, queue):
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.01)
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool child, mid-task
        first.wait()
        gone(first.pid)  # the pool child too: one caught in a disk write finishes it first
        killed_at = status()
        assert killed_at["pending"] > 0, "the batch ended before the kill"
        time.sleep(0.5)
        assert status()["done"] == killed_at["done"]  # nobody is working on it now
        # started before the dead worker's tasks are 5 s old: not restored at start-up,
        # only by the replacement's periodic look at unacknowledged tasks
        second = _worker(env, "replacement")
        deadline = time.monotonic() + 45
        while status()["state"] != "done":
            assert time.monotonic() < deadline, f"not finished after the restart: {status()}"
            time.sleep(0.2)
        final = status()
        while unacked(conn, queue):  # the tasks handed out again are all acknowledged
            assert time.monotonic() < deadline, "tasks left unacknowledged"
            time.sleep(0.2)
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=30)
    assert (final["done"], final["failed"], final["pending"]) == (N, 0, 0)
    rows = [json.loads(line) for line in
            client.get(f"{url}/results", headers=auth).get_data(as_text=True).splitlines()]
    assert [r["essay"] for r in rows] == [f"e{i}" for i in range(N)]
    assert len({r["submission_id"] for r in rows}) == N
    with sqlite3.connect(db) as database:
        names = Counter(name for (name,) in database.execute("SELECT essay_name FROM submissions"))
        attempts = {a for (a,) in database.execute("SELECT attempts FROM batch_items")}
    assert len(names) == N and set(names.values()) == {1}  # each essay stored exactly once
    assert attempts == {1}  # each item's result written once
    get_store(app).dispose()
