"""The real thing: Celery workers on the machine's Redis, one SIGKILLed mid-batch; every item
is graded and stored exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest

from grader import create_app
from grader.store import get_store
from grader.store.keys import create_key

from ..api.backends import redis_problem, unacked

N_ESSAYS = 300


pytestmark = pytest.mark.slow


@pytest.fixture
def env(tmp_path):
    problem = redis_problem()
    if problem:
        pytest.skip(problem)
    queue = f"grader-test-{uuid.uuid4().hex[:8]}"
    return {**os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'batch.sqlite3'}",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9",
            "GRADER_CELERY_QUEUE": queue, "GRADER_CELERY_VISIBILITY_TIMEOUT": "4",
            "GRADER_LOG_LEVEL": "WARNING", "GRADER_RATE_LIMIT": "0"}


def _worker(env, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "grader.jobs", "worker", "--pool", "prefork",
         "--concurrency", "1", "--hostname", f"{name}@%h", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def test_killed_worker_loses_nothing_and_stores_nothing_twice(env, monkeypatch):
    for k in ("DATABASE_URL", "CELERY_BROKER_URL", "GRADER_CELERY_QUEUE",
              "GRADER_CELERY_VISIBILITY_TIMEOUT"):
        monkeypatch.setenv(k, env[k])
    app = create_app({"TESTING": True, "RATE_LIMIT": 0, "LOG_LEVEL": "WARNING"})
    with get_store(app).write() as session:
        _, key = create_key(session, "celery-test")
    client = app.test_client()
    base = ("Stalin became General Secretary in 1922 and used the post to appoint his "
            "supporters. At Lenin's funeral he was chief mourner. ") * 4
    res = client.post("/api/v1/batches", headers={"Authorization": f"Bearer {key}"}, json={
        "rubric": "stalin-rise", "essays": [{"text": f"{base} Essay {i}.", "essay": f"e{i}"}
                                            for i in range(N_ESSAYS)]})
    assert res.status_code == 202
    url = f"/api/v1/batches/{res.json['id']}"
    workers = [_worker(env, "w1"), _worker(env, "w2")]
    try:
        def status():
            return client.get(url, headers={"Authorization": f"Bearer {key}"}).json

        deadline = time.monotonic() + 120
        while status()["done"] < N_ESSAYS // 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert status()["done"] >= N_ESSAYS // 3, "workers did not start"
        # kill w1 while both workers hold a task they have not acknowledged: one worker takes
        # one task at a time, so w1 is then mid-task, not in the instant between taking a
        # task from the queue and recording it as unacknowledged, where kombu's Redis
        # transport itself would lose it (a kill there tests the broker, not us)
        import redis

        conn = redis.Redis(host="127.0.0.1", port=6379, db=9)
        try:
            while unacked(conn, env["GRADER_CELERY_QUEUE"]) < 2 and time.monotonic() < deadline:
                time.sleep(0.002)  # the check is what must come just before the kill
        finally:
            conn.close()
        os.killpg(workers[0].pid, signal.SIGKILL)  # worker and its pool child, mid-task
        workers[0].wait()
        deadline = time.monotonic() + 240
        while status()["state"] != "done" and time.monotonic() < deadline:
            time.sleep(0.5)
        final = status()
    finally:
        for w in workers:
            if w.poll() is None:
                os.killpg(w.pid, signal.SIGTERM)
                w.wait(timeout=30)
    assert (final["state"], final["done"], final["failed"], final["pending"]) == (
        "done", N_ESSAYS, 0, 0)
    lines = client.get(f"{url}/results", headers={"Authorization": f"Bearer {key}"})
    import json

    rows = [json.loads(x) for x in lines.get_data(as_text=True).splitlines()]
    assert [r["essay"] for r in rows] == [f"e{i}" for i in range(N_ESSAYS)]
    from sqlalchemy import text

    with get_store(app).read() as session:
        per_position = Counter(session.execute(text(
            "SELECT essay_name FROM submissions")).scalars())
    assert len(per_position) == N_ESSAYS and set(per_position.values()) == {1}


def _pool_of(worker: subprocess.Popen, seconds: float = 60) -> list[int]:
    """The worker's main process and its pool processes, once the pool is up."""
    from pathlib import Path

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and worker.poll() is None:
        path = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
        children = [int(c) for c in path.read_text().split()] if path.exists() else []
        if children:
            return [worker.pid, *children]
        time.sleep(0.2)
    raise AssertionError("the Celery worker started no pool process")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("setting, lowered_by", [(None, 10), ("3", 3), ("0", 0)])
def test_batch_workers_give_requests_the_cpu_first(env, setting, lowered_by):
    own = os.getpriority(os.PRIO_PROCESS, 0)
    if own + lowered_by > 19:
        pytest.skip("this process already runs at the lowest priority")
    if setting is not None:
        env = {**env, "GRADER_BATCH_NICE": setting}
    worker = _worker(env, f"nice-{uuid.uuid4().hex[:6]}")
    try:
        pids = _pool_of(worker)
        assert [os.getpriority(os.PRIO_PROCESS, pid) for pid in pids] == (
            [own + lowered_by] * len(pids))
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
