"""Celery on PostgreSQL with real workers: a batch is a few tickets, not a task per essay;
results are written a chunk per transaction, each once; uploads are read by the workers,
not in the request (issue 15: batches over the API at the CLI's speed)."""

from __future__ import annotations

import io
import os
import signal
import time
import uuid
import zipfile
from collections import Counter

import pytest
from sqlalchemy import text

from grader import create_app
from grader.store import get_store
from grader.store.keys import create_key

from ..api.backends import PgSchema, postgres_problem, redis_problem
from .test_celery import _worker

pytestmark = pytest.mark.slow
REDIS_DB = 11
N = 400
ESSAY = ("Stalin became General Secretary in 1922 and used the post to appoint his "
         "supporters. At Lenin's funeral he was chief mourner. ")


@pytest.fixture
def celery_pg(monkeypatch):
    problem = redis_problem() or postgres_problem()
    if problem:
        pytest.skip(problem)
    schema = PgSchema()
    url = schema.create()
    queue = f"grader-chunks-{uuid.uuid4().hex[:8]}"
    env = {"DATABASE_URL": url, "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
           "GRADER_CELERY_QUEUE": queue, "GRADER_CELERY_VISIBILITY_TIMEOUT": "5",
           "GRADER_CELERY_RESTORE_INTERVAL": "1", "GRADER_LOG_LEVEL": "WARNING",
           "GRADER_RATE_LIMIT": "0"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import redis

    conn = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    app = create_app({"TESTING": True, "LOG_LEVEL": "WARNING", "WARM_UP": False})
    yield app, {**os.environ, **env}, conn, queue
    get_store(app).dispose()
    for key in conn.scan_iter(f"*{queue}*"):
        conn.delete(key)
    conn.close()
    schema.drop()


def _zip(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def test_tickets_chunks_and_uploads_read_by_workers(celery_pg):
    app, env, conn, queue = celery_pg
    with get_store(app).write() as session:
        _, key_a = create_key(session, "school-a")
        _, key_b = create_key(session, "school-b")
    client = app.test_client()
    auth_a, auth_b = ({"Authorization": f"Bearer {k}"} for k in (key_a, key_b))
    big = client.post("/api/v1/batches", headers=auth_a, json={
        "rubric": "stalin-rise",
        "essays": [{"text": f"{ESSAY * 3} Essay {i}.", "essay": f"e{i}"} for i in range(N)]})
    assert big.status_code == 202 and big.json["total"] == N
    assert conn.llen(queue) <= 16  # a few tickets, not a task per essay
    upload = _zip({"class/amy.txt": ESSAY * 2, "class/../../evil.txt": ESSAY,
                   "rows.csv": "id,text\nr1," + ESSAY + "\nr2," + ESSAY + "\n"})
    zipped = client.post("/api/v1/batches?rubric=stalin-rise&name=set.zip", data=upload,
                         headers={**auth_b, "Content-Type": "application/zip"})
    assert zipped.status_code == 202 and zipped.json["total"] == 0
    with get_store(app).read() as session:  # the request stored the zip and read nothing
        stored = session.execute(text(
            "SELECT (SELECT count(*) FROM batch_items i JOIN batches b ON b.seq = i.batch_seq"
            " WHERE b.id = :id), (SELECT count(*) FROM batch_uploads u JOIN batches b"
            " ON b.seq = u.batch_seq WHERE b.id = :id)"), {"id": zipped.json["id"]}).one()
    assert tuple(stored) == (0, 1)
    workers = [_worker(env, "c1"), _worker(env, "c2")]
    try:
        deadline = time.monotonic() + 240
        finals = {}
        for name, res, auth in (("zip", zipped, auth_b), ("big", big, auth_a)):
            while True:
                status = client.get(res.headers["Location"], headers=auth).json
                if status["state"] == "done":
                    finals[name] = status
                    break
                assert time.monotonic() < deadline, status
                time.sleep(0.2)
        while conn.llen(queue) or any(queue in raw.decode(errors="replace")
                                      for raw in conn.hvals("unacked")):
            assert time.monotonic() < deadline, "tickets left behind"
            time.sleep(0.2)
    finally:
        for w in workers:
            if w.poll() is None:
                os.killpg(w.pid, signal.SIGTERM)
                w.wait(timeout=30)
    assert (finals["big"]["done"], finals["big"]["failed"]) == (N, 0)
    z = finals["zip"]
    assert (z["total"], z["done"], z["failed"]) == (4, 3, 1)
    assert z["errors"] == [{"position": 2, "essay": "set.zip/class/../../evil.txt",
                            "error": "unsafe path in archive (refused)"}]
    with get_store(app).read() as session:
        names = Counter(session.execute(text("SELECT essay_name FROM submissions")).scalars())
        attempts = set(session.execute(text(
            "SELECT attempts FROM batch_items WHERE state = 'done'")).scalars())
        writes = session.execute(text(
            "SELECT count(DISTINCT created_at) FROM submissions WHERE metadata->>'batch' = :id"),
            {"id": big.json["id"]}).scalar()
    assert len(names) == N + 3 and set(names.values()) == {1}  # each essay stored once
    assert attempts == {1}
    assert writes <= N // 10  # written a chunk per transaction, not an essay per transaction
