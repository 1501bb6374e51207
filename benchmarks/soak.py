"""Soak test on loopback: gunicorn + PostgreSQL (+ Celery if CELERY_BROKER_URL), mixed load.

    python benchmarks/soak.py [--minutes 2] [--clients 16] [--sqlite] [--celery 2]

Mixes POST /grade, POST /submissions (each with an Idempotency-Key and an external_id;
5 % of them are sent twice, as a client retry would), POST /batches (5 essays) and the CSV
export. Reports throughput, p50/p99 per kind, errors, the server's memory (RSS of the
gunicorn master and workers) every 10 s, and checks at the end, in the database, that every
accepted submission is stored exactly once with its report and that every batch finished
with one stored submission per essay. `--celery N` runs the batches on N Celery workers
(prefork, one process each) on the machine's Redis (127.0.0.1:6379, database 9, a private
queue), started and stopped by the script.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_load import Server, drop_schema, pg_schema  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ESSAYS = [
    "Stalin rose to power after Lenin died in 1924. Lenin's Testament warned against Stalin, "
    "but Zinoviev and Kamenev kept it secret. Stalin tricked Trotsky about the date of "
    "Lenin's funeral. As General Secretary he appointed his supporters.",
    "Trotsky was not at the funeral because Stalin gave him the wrong date. Socialism in One "
    "Country was popular with party members who were tired of revolution abroad.",
    "Stalin used the factions in the party: first with Zinoviev and Kamenev against Trotsky, "
    "then with Bukharin against the left. Later the purges removed his rivals.",
]


def rss_kb(pid: int) -> int:
    """RSS of `pid` and its children (gunicorn master and workers), in kB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


class Load:
    """The mixed load of one soak run and what it saw."""

    def __init__(self, port: int, key: str, seconds: float) -> None:
        self.port, self.key = port, key
        self.stop_at = time.monotonic() + seconds
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.accepted: dict[str, str] = {}  # external_id -> submission id
        self.batches: dict[str, int] = {}  # batch id -> essays

    def _call(self, conn: http.client.HTTPConnection, method: str, path: str,
              body: dict | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        hdrs = {"Authorization": f"Bearer {self.key}", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        return resp.status, resp.read()

    def one(self, conn: http.client.HTTPConnection, rng: random.Random) -> None:
        roll = rng.random()
        essay = rng.choice(ESSAYS)
        t0 = time.perf_counter()
        if roll < 0.45:
            kind = "grade"
            status, _ = self._call(conn, "POST", "/api/v1/grade",
                                   {"rubric": "stalin-rise", "text": essay})
            ok = status == 200
        elif roll < 0.85:
            kind = "submission"
            ext = uuid.uuid4().hex
            body = {"rubric": "stalin-rise", "text": essay, "external_id": ext,
                    "student_ref": f"s{rng.randrange(500)}"}
            headers = {"Idempotency-Key": ext}
            status, data = self._call(conn, "POST", "/api/v1/submissions", body, headers)
            ok = status == 201
            if ok and rng.random() < 0.05:  # a client retry: must not create a second row
                again, data2 = self._call(conn, "POST", "/api/v1/submissions", body, headers)
                ok = again == 201 and json.loads(data2)["id"] == json.loads(data)["id"]
            if status == 201:
                with self.lock:
                    self.accepted[ext] = json.loads(data)["id"]
        elif roll < 0.95:
            kind = "batch"
            essays = [{"text": rng.choice(ESSAYS), "essay": f"e{i}"} for i in range(5)]
            status, data = self._call(conn, "POST", "/api/v1/batches",
                                      {"rubric": "stalin-rise", "essays": essays})
            ok = status == 202
            if ok:
                with self.lock:
                    self.batches[json.loads(data)["id"]] = 5
        else:
            kind = "export"
            status, _ = self._call(conn, "GET", "/api/v1/submissions/export.csv?limit=200")
            ok = status == 200
        elapsed = time.perf_counter() - t0
        with self.lock:
            self.latency[kind].append(elapsed)
            if not ok:
                self.errors[kind] += 1

    def client(self, seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while time.monotonic() < self.stop_at:
            try:
                self.one(conn, rng)
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                with self.lock:
                    self.errors["connection"] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)


def wait_batches(load: Load, timeout: float) -> dict[str, str]:
    """Poll every batch until it ends; its final state."""
    conn = http.client.HTTPConnection("127.0.0.1", load.port, timeout=30)
    states: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    for batch_id in load.batches:
        while True:
            _, data = load._call(conn, "GET", f"/api/v1/batches/{batch_id}")
            body = json.loads(data)
            if body["state"] in ("done", "cancelled") or time.monotonic() > deadline:
                states[batch_id] = body["state"] if body["pending"] == 0 else "unfinished"
                break
            time.sleep(0.5)
    return states


def check_store(database_url: str, load: Load) -> list[str]:
    """Every accepted submission once, with a report; every batch's essays stored once."""
    from sqlalchemy import create_engine, func, select

    from grader.config import normalise_database_url
    from grader.store.batch_models import Batch, BatchItem
    from grader.store.models import Submission

    problems: list[str] = []
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        rows = conn.execute(select(Submission.external_id, Submission.id, Submission.report)
                            .where(Submission.external_id.is_not(None))).all()
        by_ext: dict[str, list] = defaultdict(list)
        for ext, sid, report in rows:
            by_ext[ext].append((sid, report))
        for ext, sid in load.accepted.items():
            found = by_ext.get(ext, [])
            if len(found) != 1:
                problems.append(f"submission {ext}: stored {len(found)} times")
            elif found[0][0] != sid or not (found[0][1] or {}).get("score"):
                problems.append(f"submission {ext}: wrong id or no report")
        extra = set(by_ext) - set(load.accepted)
        if extra:
            problems.append(f"{len(extra)} stored submissions were never acknowledged")
        for batch_id, n in load.batches.items():
            seq = conn.execute(select(Batch.seq).where(Batch.id == batch_id)).scalar_one()
            stored = conn.execute(select(func.count()).select_from(BatchItem).join(
                Submission, Submission.id == BatchItem.submission_id).where(
                BatchItem.batch_seq == seq)).scalar_one()
            if stored != n:
                problems.append(f"batch {batch_id}: {stored} of {n} essays stored")
    engine.dispose()
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--celery", type=int, default=0, metavar="N",
                        help="run batches on N Celery workers on the local Redis")
    args = parser.parse_args()
    if args.celery:
        os.environ["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/9"
        os.environ["GRADER_CELERY_QUEUE"] = f"grader-soak-{uuid.uuid4().hex[:8]}"
    tmp = tempfile.TemporaryDirectory()
    schema = None if args.sqlite else pg_schema()
    if schema is None:
        url = f"sqlite:///{tmp.name}/soak.sqlite3"
        db = "sqlite"
    else:
        url, db = schema[1], "postgresql"
    jobs = "celery" if os.environ.get("CELERY_BROKER_URL") else "in-process"
    server = Server(url, args.workers, args.threads)
    workers = [subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "grader.jobs", "worker", "--pool", "prefork",
         "--concurrency", "1", "--hostname", f"soak{i}@%h", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=REPO, env=server.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True) for i in range(args.celery)]
    memory: list[tuple[float, int]] = []
    worker_memory: list[int] = []
    try:
        seconds = args.minutes * 60
        load = Load(server.port, server.key, seconds)
        threads = [threading.Thread(target=load.client, args=(i,)) for i in range(args.clients)]
        start = time.monotonic()
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            memory.append((time.monotonic() - start, rss_kb(server.proc.pid)))
            worker_memory.extend(rss_kb(w.pid) for w in workers)
            time.sleep(min(10, max(1.0, load.stop_at - time.monotonic())))
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
        memory.append((elapsed, rss_kb(server.proc.pid)))
        states = wait_batches(load, 120)
        problems = check_store(url, load)
    finally:
        server.stop()
        for w in workers:
            w.terminate()
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
        if schema is not None:
            drop_schema(schema[0])
        tmp.cleanup()
    total = sum(len(v) for v in load.latency.values())
    every = sorted(x for v in load.latency.values() for x in v)
    q = statistics.quantiles(every, n=100)
    print(f"soak: {args.minutes:g} min, {args.clients} clients, gunicorn {args.workers} workers "
          f"x {args.threads} threads, {db}, batches {jobs}, {os.cpu_count()} CPUs")
    print(f"requests {total}  throughput {total / elapsed:.1f} req/s  p50 {q[49] * 1000:.0f} ms"
          f"  p99 {q[98] * 1000:.0f} ms  errors {sum(load.errors.values())}")
    for kind, values in sorted(load.latency.items()):
        values.sort()
        kq = statistics.quantiles(values, n=100) if len(values) > 1 else [values[0]] * 99
        print(f"  {kind:11} {len(values):6} req  p99 {kq[98] * 1000:6.0f} ms  "
              f"errors {load.errors.get(kind, 0)}")
    if load.errors.get("connection"):
        print(f"  connection errors {load.errors['connection']}")
    print("memory (RSS of gunicorn master + workers): " + ", ".join(
        f"{t:.0f}s {kb / 1024:.0f} MB" for t, kb in memory))
    if worker_memory:
        print(f"Celery workers: {args.celery}, largest RSS (process and children) "
              f"{max(worker_memory) / 1024:.0f} MB")
    print(f"accepted submissions {len(load.accepted)}, batches {len(load.batches)} "
          f"({sum(1 for s in states.values() if s == 'done')} done)")
    print("integrity: " + ("every accepted submission stored exactly once with its report; "
                           "every batch essay stored once" if not problems else
                           f"{len(problems)} problems: " + "; ".join(problems[:10])))
    if problems or sum(load.errors.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
