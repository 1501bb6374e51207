"""Soak test on loopback: gunicorn + PostgreSQL + Celery, fixed-rate grading, mixed load,
hostile essays, and a gunicorn worker and a Celery worker SIGKILLed halfway.

    python benchmarks/soak.py [--minutes 10] [--rate 150] [--clients 8] [--celery 2]
                              [--sqlite] [--hostile-every 20] [--no-kill] [--logs DIR]

What runs, all at once, for --minutes:
- POST /api/v1/grade due at --rate a second over 48 keep-alive connections (fixed rate: a
  request's latency counts from when it was due, so a late start counts against the server);
- --clients clients mixing POST /submissions (Idempotency-Key and external_id; 5 % sent twice,
  as a client retry would), POST /batches of 5 essays (JSON, or a multipart upload of .txt
  files), POST /grade with an uploaded .txt file, and the CSV export;
- every --hostile-every seconds one hostile input (benchmarks/hostile_inputs.py: a
  300,000-letter word, a zip of 1,000 entries of 800 KB, a PDF inflating to 20 MB), in turn;
- GET /healthz every 0.25 s on its own connection;
- halfway: one gunicorn worker SIGKILLed (the master starts another) and one Celery worker
  (its whole process group) SIGKILLed, then started again 5 s later as a supervisor would.
A request cut off by the kill is sent again once (every request here may be repeated: grading
stores nothing, submissions carry an Idempotency-Key); that is counted as "retried".

Reports: grading throughput and p50/p99; the /healthz p99 minute by minute; errors by kind,
other than the hostile items' own (their answers are listed apart); the memory (RSS) of
every process (gunicorn master and workers, each Celery worker and its pool) every 30 s;
and at the end, in the database, that every accepted submission is stored exactly once with
its report and that every accepted batch finished with each essay stored once.
Exit status 1 when there were errors or integrity problems.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile_inputs import Hostile, all_hostile, multipart, raw_request  # noqa: E402
from http_load import Connection, Server, drop_schema, pg_schema  # noqa: E402

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
GRADE_CONNECTIONS = 48
MEMORY_EVERY = 30.0  # seconds between memory samples
GIVE_UP = 60.0  # seconds after the run: requests still due then are counted as lost
CONNECTION_ERRORS = (OSError, http.client.HTTPException)


# processes and their memory
def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in
                Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def start_celery(env: dict[str, str], count: int, first: int = 0,
                 logs: Path | None = None) -> list[subprocess.Popen]:
    """`count` Celery workers (prefork, one pool process each), each in its own session so
    its whole process group can be killed; with `logs`, each logs its tasks to a file there."""
    workers = []
    for i in range(first, first + count):
        out = open(logs / f"celery-{i}.log", "w") if logs else subprocess.DEVNULL  # noqa: SIM115
        workers.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "grader.jobs", "worker", "--pool",
             "prefork", "--concurrency", "1", "--hostname",
             f"soak{i}-{uuid.uuid4().hex[:4]}@%h", "--loglevel", "INFO" if logs else "WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT if logs else out,
            start_new_session=True))
    return workers


def stop_server(server: Server) -> None:
    """Stop gunicorn: gracefully, or killed after 60 s (a worker may be deep in an essay)."""
    server.proc.terminate()
    try:
        server.proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        workers = children(server.proc.pid)
        server.proc.kill()
        server.proc.wait()
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def stop_celery(workers: list[subprocess.Popen]) -> None:
    for w in workers:
        if w.poll() is None:
            w.terminate()
    for w in workers:
        try:
            w.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(w.pid, signal.SIGKILL)
            w.wait()


class Memory:
    """RSS of every process of the service, sampled over time."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, dict[str, int]]] = []

    def sample(self, t: float, master: int, celery: list[subprocess.Popen]) -> None:
        row = {"gunicorn master": rss_kb(master)}
        for pid in children(master):
            row[f"gunicorn worker {pid}"] = rss_kb(pid)
        for n, w in enumerate(celery):
            if w.poll() is None:
                row[f"celery {n} ({w.pid})"] = rss_kb(w.pid) + sum(
                    rss_kb(c) for c in children(w.pid))
        self.samples.append((t, row))

    def report(self) -> list[str]:
        names = list(dict.fromkeys(name for _, row in self.samples for name in row))
        lines = ["memory, RSS MB (- : process not running then)",
                 "  " + "".join(f"{t:>7.0f}s" for t, _ in self.samples) + "   process"]
        for name in names:
            cells = "".join(f"{row[name] / 1024:8.0f}" if name in row else f"{'-':>8}"
                            for _, row in self.samples)
            lines.append(f"  {cells}   {name}")
        return lines


# the load
class Soak:
    """Everything one soak run sends, and what it saw."""

    def __init__(self, port: int, key: str, seconds: float, rate: float) -> None:
        self.port, self.key, self.rate = port, key, rate
        self.start = time.perf_counter() + 0.2
        self.stop = self.start + seconds
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.retried: Counter[str] = Counter()
        self.grade: list[tuple[float, float]] = []  # (due, latency)
        self.healthz: list[tuple[float, float, bool]] = []  # (sent, latency, ok)
        self.hostile: list[tuple[str, str, float]] = []  # (name, answer, seconds)
        self.accepted: dict[str, str] = {}  # external_id -> submission id
        self.batches: dict[str, int] = {}  # batch id -> essays
        self.hostile_batches: list[str] = []
        self.due = 0

    # fixed-rate grading
    def grader(self, request: bytes) -> None:
        conn = Connection(self.port, request)
        mine: list[tuple[float, float]] = []
        while True:
            with self.lock:
                due = self.start + self.due / self.rate
                self.due += 1
            if due >= self.stop:
                break
            if time.perf_counter() > self.stop + GIVE_UP:  # too far behind: the rest lost
                mine.append((due - self.start, time.perf_counter() - due))
                with self.lock:
                    self.errors["grade"] += 1
                continue
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            ok = False
            for attempt in range(2):
                try:
                    ok = conn.send() == 200
                    break
                except (OSError, ValueError, IndexError):
                    conn.close()
                    if attempt == 0:
                        with self.lock:
                            self.retried["grade"] += 1
            mine.append((due - self.start, time.perf_counter() - due))
            if not ok:
                with self.lock:
                    self.errors["grade"] += 1
        conn.close()
        with self.lock:
            self.grade.extend(mine)

    # /healthz
    def prober(self) -> None:
        conn = Connection(self.port, raw_request(self.port, self.key, "/healthz", "", b"",
                                                 method="GET"))
        n = 0
        while (due := self.start + n * 0.25) < self.stop:
            n += 1
            if time.perf_counter() > self.stop + GIVE_UP:  # too far behind: the rest lost
                self.healthz.append((due - self.start, time.perf_counter() - due, False))
                continue
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            try:
                ok = conn.send() == 200
            except (OSError, ValueError, IndexError):
                ok = False
                conn.close()
            self.healthz.append((due - self.start, time.perf_counter() - due, ok))
        conn.close()

    # hostile inputs
    def attacker(self, hostile: list[Hostile], every: float) -> None:
        n = 0
        while (due := self.start + 5 + n * every) < self.stop:
            item = hostile[n % len(hostile)]
            n += 1
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            t0 = time.perf_counter()
            try:
                conn.request("POST", item.path, body=item.body, headers={
                    "Authorization": f"Bearer {self.key}", "Content-Type": item.content_type})
                resp = conn.getresponse()
                data = resp.read()
                answer = str(resp.status)
                if resp.status == 202:
                    with self.lock:
                        self.hostile_batches.append(json.loads(data)["id"])
            except (*CONNECTION_ERRORS, ValueError) as exc:
                answer = type(exc).__name__
            finally:
                conn.close()
            with self.lock:
                self.hostile.append((item.name, answer, time.perf_counter() - t0))

    # the mixed clients
    def _call(self, conn: http.client.HTTPConnection, method: str, path: str,
              body: bytes | None = None, content_type: str = "application/json",
              headers: dict | None = None) -> tuple[int, bytes]:
        hdrs = {"Authorization": f"Bearer {self.key}", **(headers or {})}
        if body is not None:
            hdrs["Content-Type"] = content_type
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        return resp.status, resp.read()

    def one(self, conn: http.client.HTTPConnection, rng: random.Random) -> None:
        roll = rng.random()
        essay = rng.choice(ESSAYS)
        t0 = time.perf_counter()
        if roll < 0.55:
            kind = "submission"
            ext = f"{rng.getrandbits(128):032x}"  # the same again if the request is repeated
            body = json.dumps({"rubric": "stalin-rise", "text": essay, "external_id": ext,
                               "student_ref": f"s{rng.randrange(500)}"}).encode()
            headers = {"Idempotency-Key": ext}
            status, data = self._call(conn, "POST", "/api/v1/submissions", body,
                                      headers=headers)
            ok = status == 201
            if ok and rng.random() < 0.05:  # a client retry: must not create a second row
                again, data2 = self._call(conn, "POST", "/api/v1/submissions", body,
                                          headers=headers)
                ok = again == 201 and json.loads(data2)["id"] == json.loads(data)["id"]
            if status == 201:
                with self.lock:
                    self.accepted[ext] = json.loads(data)["id"]
        elif roll < 0.70:
            kind = "batch"
            essays = [{"text": rng.choice(ESSAYS), "essay": f"e{i}"} for i in range(5)]
            status, data = self._call(conn, "POST", "/api/v1/batches", json.dumps(
                {"rubric": "stalin-rise", "essays": essays}).encode())
            ok = self._batch_accepted(status, data, 5)
        elif roll < 0.80:
            kind = "batch upload"
            content_type, body = multipart({"rubric": "stalin-rise"}, "essays.csv",
                                           _csv(rng, 3), "text/csv")
            status, data = self._call(conn, "POST", "/api/v1/batches", body, content_type)
            ok = self._batch_accepted(status, data, 3)
        elif roll < 0.95:
            kind = "grade upload"
            content_type, body = multipart({"rubric": "stalin-rise"}, "essay.txt",
                                           essay.encode(), "text/plain")
            status, _ = self._call(conn, "POST", "/api/v1/grade", body, content_type)
            ok = status == 200
        else:
            kind = "export"
            status, _ = self._call(conn, "GET", "/api/v1/submissions/export.csv?limit=200")
            ok = status == 200
        with self.lock:
            self.latency[kind].append(time.perf_counter() - t0)
            if not ok:
                self.errors[kind] += 1

    def _batch_accepted(self, status: int, data: bytes, essays: int) -> bool:
        if status != 202:
            return False
        with self.lock:
            self.batches[json.loads(data)["id"]] = essays
        return True

    def client(self, seed: int) -> None:
        rng = random.Random(f"{seed}-{uuid.uuid4()}")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while time.perf_counter() < self.stop:
            state = rng.getstate()
            for attempt in range(2):
                try:
                    self.one(conn, rng)
                    break
                except (*CONNECTION_ERRORS, ValueError, KeyError):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                    rng.setstate(state)  # the same request again (same Idempotency-Key)
                    with self.lock:
                        (self.retried if attempt == 0 else self.errors)["connection"] += 1


def _csv(rng: random.Random, rows: int) -> bytes:
    lines = ["id,text"] + [f"r{n},\"{rng.choice(ESSAYS)}\"" for n in range(rows)]
    return "\n".join(lines).encode()


# after the run
def wait_batches(port: int, key: str, batch_ids: list[str], timeout: float) -> dict[str, str]:
    """Poll every batch until it ends; its final state."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    states: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    for batch_id in batch_ids:
        while True:
            conn.request("GET", f"/api/v1/batches/{batch_id}",
                         headers={"Authorization": f"Bearer {key}"})
            body = json.loads(conn.getresponse().read())
            if body["state"] in ("done", "cancelled") or time.monotonic() > deadline:
                states[batch_id] = body["state"] if body["pending"] == 0 else "unfinished"
                break
            time.sleep(0.5)
    return states


def check_store(database_url: str, soak: Soak, states: dict[str, str]) -> list[str]:
    """Every accepted submission once, with a report; every batch's essays stored once."""
    from sqlalchemy import create_engine, func, select

    from grader.config import normalise_database_url
    from grader.store.batch_models import Batch, BatchItem
    from grader.store.models import Submission

    problems = [f"batch {b}: {s}" for b, s in states.items() if s != "done"]
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        rows = conn.execute(select(Submission.external_id, Submission.id, Submission.report)
                            .where(Submission.external_id.is_not(None))).all()
        by_ext: dict[str, list] = defaultdict(list)
        for ext, sid, report in rows:
            by_ext[ext].append((sid, report))
        for ext, sid in soak.accepted.items():
            found = by_ext.get(ext, [])
            if len(found) != 1:
                problems.append(f"submission {ext}: stored {len(found)} times")
            elif found[0][0] != sid or not (found[0][1] or {}).get("score"):
                problems.append(f"submission {ext}: wrong id or no report")
        extra = set(by_ext) - set(soak.accepted)
        if extra:
            problems.append(f"{len(extra)} stored submissions were never acknowledged")
        for batch_id, n in soak.batches.items():
            seq = conn.execute(select(Batch.seq).where(Batch.id == batch_id)).scalar_one()
            items = conn.execute(select(BatchItem.submission_id).where(
                BatchItem.batch_seq == seq)).scalars().all()
            stored = [s for s in items if s is not None]
            if len(items) != n or len(stored) != n or len(set(stored)) != n:
                problems.append(f"batch {batch_id}: {len(set(stored))} of {n} essays stored")
            linked = conn.execute(select(func.count()).select_from(Submission).where(
                Submission.id.in_(stored))).scalar_one() if stored else 0
            if linked != len(set(stored)):
                problems.append(f"batch {batch_id}: submissions missing")
    engine.dispose()
    return problems


def quantiles(values: list[float]) -> list[float]:
    values = sorted(values)
    if len(values) > 1:
        return statistics.quantiles(values, n=100)
    return [values[0] if values else 0.0] * 99


def kill_midway(soak: Soak, server: Server, celery: list[subprocess.Popen],
                log: list[str], logs: Path | None = None) -> None:
    """Halfway: SIGKILL a gunicorn worker and a Celery worker (restarted 5 s later)."""
    time.sleep(max(0.0, (soak.start + soak.stop) / 2 - time.perf_counter()))
    workers = children(server.proc.pid)
    if workers:
        os.kill(workers[0], signal.SIGKILL)
        log.append(f"{time.perf_counter() - soak.start:.0f}s: SIGKILL gunicorn worker "
                   f"{workers[0]}")
    if celery:
        victim = celery[0]
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        log.append(f"{time.perf_counter() - soak.start:.0f}s: SIGKILL Celery worker "
                   f"{victim.pid} and its pool")
        time.sleep(5)
        celery.extend(start_celery(server.env, 1, first=len(celery), logs=logs))
        log.append(f"{time.perf_counter() - soak.start:.0f}s: a new Celery worker "
                   f"{celery[-1].pid}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=150, help="POST /grade due a second")
    parser.add_argument("--clients", type=int, default=8, help="mixed-load clients")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--celery", type=int, default=2, metavar="N",
                        help="Celery workers on the local Redis (0: batches in-process)")
    parser.add_argument("--hostile-every", type=float, default=20, metavar="S")
    parser.add_argument("--no-kill", action="store_true", help="kill no worker midway")
    parser.add_argument("--logs", type=Path, metavar="DIR",
                        help="write each Celery worker's task log to DIR/celery-N.log")
    args = parser.parse_args()
    if args.celery:
        os.environ["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/9"
        os.environ["GRADER_CELERY_QUEUE"] = f"grader-soak-{uuid.uuid4().hex[:8]}"
    from grader.serving import gunicorn_settings

    print("building the hostile inputs ...", flush=True)
    hostile = all_hostile()
    tmp = tempfile.TemporaryDirectory()
    schema = None if args.sqlite else pg_schema()
    url, db = ((f"sqlite:///{tmp.name}/soak.sqlite3", "sqlite") if schema is None
               else (schema[1], "postgresql"))
    server = Server(url, args.workers, args.threads, gunicorn_settings()["worker_class"])
    if args.logs:
        args.logs.mkdir(parents=True, exist_ok=True)
    celery = start_celery(server.env, args.celery, logs=args.logs)
    memory, events = Memory(), []
    try:
        soak = Soak(server.port, server.key, args.minutes * 60, args.rate)
        grade = raw_request(server.port, server.key, "/api/v1/grade", "application/json",
                            json.dumps({"rubric": "stalin-rise",
                                        "text": " ".join(ESSAYS * 4)}).encode())
        threads = [threading.Thread(target=soak.grader, args=(grade,))
                   for _ in range(GRADE_CONNECTIONS)]
        threads += [threading.Thread(target=soak.client, args=(i,))
                    for i in range(args.clients)]
        threads += [threading.Thread(target=soak.prober),
                    threading.Thread(target=soak.attacker, args=(hostile, args.hostile_every))]
        if not args.no_kill:
            threads.append(threading.Thread(target=kill_midway,
                                            args=(soak, server, celery, events, args.logs)))
        for t in threads:
            t.start()
        while time.perf_counter() < soak.stop:
            memory.sample(max(0.0, time.perf_counter() - soak.start), server.proc.pid, celery)
            time.sleep(min(MEMORY_EVERY, max(0.5, soak.stop - time.perf_counter())))
        last = time.perf_counter() + 180  # the last hostile request may still be out
        for t in threads:
            t.join(max(0.0, last - time.perf_counter()))
        elapsed = time.perf_counter() - soak.start
        memory.sample(elapsed, server.proc.pid, celery)
        states = wait_batches(server.port, server.key,
                              list(soak.batches) + soak.hostile_batches, 300)
        problems = check_store(url, soak, {b: s for b, s in states.items()
                                           if b in soak.batches})
        hostile_states = Counter(states.get(b, "?") for b in soak.hostile_batches)
    finally:
        stop_server(server)
        stop_celery(celery)
        if schema is not None:
            drop_schema(schema[0])
        tmp.cleanup()
    report(args, db, soak, elapsed, events, memory, problems, hostile_states)
    if problems or sum(soak.errors.values()):
        raise SystemExit(1)


def report(args: argparse.Namespace, db: str, soak: Soak, elapsed: float, events: list[str],
           memory: Memory, problems: list[str], hostile_states: Counter) -> None:
    jobs = f"{args.celery} Celery workers" if args.celery else "in-process"
    print(f"soak: {args.minutes:g} min, POST /grade due at {args.rate:g}/s, {args.clients} "
          f"mixed clients, hostile input every {args.hostile_every:g} s, gunicorn "
          f"{args.workers} workers x {args.threads} threads, {db}, batches {jobs}, "
          f"{os.cpu_count()} CPUs")
    for event in events:
        print(f"  {event}")
    gq = quantiles([lat for _, lat in soak.grade])
    print(f"POST /grade (fixed rate): {len(soak.grade)} requests, "
          f"{len(soak.grade) / elapsed:.1f} req/s served, p50 {gq[49] * 1000:.0f} ms, "
          f"p99 {gq[98] * 1000:.0f} ms from due time, errors {soak.errors['grade']}")
    print("per minute       " + " ".join(f"{m + 1:>6}" for m in range(int(elapsed // 60) + 1)))
    minutes = range(int(elapsed // 60) + 1)
    for name, rows in (("grade p99 ms", [(d, lat) for d, lat in soak.grade]),
                       ("/healthz p99 ms", [(d, lat) for d, lat, _ in soak.healthz])):
        cells = []
        for m in minutes:
            values = [lat for d, lat in rows if m * 60 <= d < (m + 1) * 60]
            cells.append(f"{quantiles(values)[98] * 1000:6.0f}" if values else f"{'-':>6}")
        print(f"{name:16} " + " ".join(cells))
    hq = quantiles([lat for _, lat, _ in soak.healthz])
    bad = sum(1 for *_, ok in soak.healthz if not ok)
    print(f"/healthz: {len(soak.healthz)} probes, p99 {hq[98] * 1000:.0f} ms, max "
          f"{max((lat for _, lat, _ in soak.healthz), default=0) * 1000:.0f} ms, "
          f"not answered {bad} (target p99 <= 100 ms)")
    for kind, values in sorted(soak.latency.items()):
        kq = quantiles(values)
        print(f"  {kind:13} {len(values):6} req  p99 {kq[98] * 1000:6.0f} ms  "
              f"errors {soak.errors.get(kind, 0)}")
    if soak.retried:
        print(f"  sent again once after a cut-off connection: {dict(soak.retried)}")
    errors = sum(soak.errors.values())
    print(f"errors other than the hostile items' own: {errors}"
          + (f" {dict(soak.errors)}" if errors else ""))
    answers: dict[str, Counter] = defaultdict(Counter)
    for name, answer, _ in soak.hostile:
        answers[name][answer] += 1
    for name, counts in answers.items():
        took = [s for n, _, s in soak.hostile if n == name]
        print(f"hostile {name:15}: answers {dict(counts)}, max {max(took):.1f} s")
    if hostile_states:
        print(f"hostile batches accepted: {dict(hostile_states)}")
    for line in memory.report():
        print(line)
    print(f"accepted submissions {len(soak.accepted)}, batches {len(soak.batches)}")
    print("exactly once: " + ("every accepted submission stored exactly once with its "
                              "report; every accepted batch done, each essay stored once"
                              if not problems else
                              f"{len(problems)} problems: " + "; ".join(problems[:10])))


if __name__ == "__main__":
    main()
