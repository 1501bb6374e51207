"""Hostile load: 8 clients post the hostile inputs while /healthz and POST /grade are probed.

    python benchmarks/hostile_load.py [--minutes 1] [--clients 8] [--postgres] [--celery N]

Starts gunicorn (2 workers x 4 threads, the service's worker class) on a free loopback port,
on SQLite (or PostgreSQL with --postgres; batches on N Celery workers with --celery N, on the
machine's Redis). --clients clients each post, one after another for the whole run, the
hostile inputs of benchmarks/hostile_inputs.py (a 300,000-letter word, a zip of 1,000 entries
of 800 KB, a PDF inflating to 20 MB). Meanwhile two probes run on a fixed schedule, 5 a
second each: GET /healthz and a normal POST /api/v1/grade (the seed-sized essay), latency
counted from when each was due. Prints each probe's p50/p99/max and errors (target: p99 <=
250 ms) and what the hostile requests got (status counts, time taken).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile_inputs import Hostile, all_hostile, raw_request  # noqa: E402
from http_load import Connection, Server, drop_schema, pg_schema  # noqa: E402
from soak import ESSAYS, start_celery, stop_celery, stop_server  # noqa: E402

from grader.serving import gunicorn_settings  # noqa: E402

TARGET_MS = 250
GIVE_UP = 30.0  # seconds after the run: probes still due then are counted as not answered


class Probe:
    """Requests due every `period` seconds on one keep-alive connection (reconnecting after
    an error); latency from the due time, so a late start counts against the server."""

    def __init__(self, name: str, port: int, request: bytes, period: float = 0.2) -> None:
        self.name, self.period = name, period
        self.conn = Connection(port, request)
        self.latencies: list[float] = []
        self.errors = 0

    def run(self, start: float, stop: float) -> None:
        n = 0
        while (due := start + n * self.period) < stop:
            n += 1
            if time.perf_counter() > stop + GIVE_UP:  # too far behind: count the rest lost
                self.latencies.append(time.perf_counter() - due)
                self.errors += 1
                continue
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            try:
                ok = self.conn.send() == 200
            except (OSError, ValueError, IndexError):
                ok = False
                self.conn.close()
            self.latencies.append(time.perf_counter() - due)
            self.errors += not ok
        self.conn.close()

    def summary(self) -> str:
        values = sorted(self.latencies)
        q = statistics.quantiles(values, n=100) if len(values) > 1 else [values[0]] * 99
        met = "met" if q[98] * 1000 <= TARGET_MS and not self.errors else "NOT met"
        return (f"{self.name:14} {len(values):6} {q[49] * 1000:8.1f} {q[98] * 1000:8.1f} "
                f"{values[-1] * 1000:8.1f} {self.errors:7}   p99 <= {TARGET_MS} ms: {met}")


class Attacker:
    """Posts the hostile requests one after another until `stop`; what each got."""

    def __init__(self, port: int, key: str, hostile: list[Hostile], offset: int) -> None:
        self.port, self.key, self.hostile, self.offset = port, key, hostile, offset
        self.results: list[tuple[str, str, float]] = []  # (name, status or error, seconds)

    def run(self, stop: float) -> None:
        n = self.offset
        while time.perf_counter() < stop:
            item = self.hostile[n % len(self.hostile)]
            n += 1
            conn = Connection(self.port, raw_request(self.port, self.key, item.path,
                                                     item.content_type, item.body))
            t0 = time.perf_counter()
            try:
                outcome = str(conn.send())
            except TimeoutError:
                outcome = "timeout (30 s)"
            except (OSError, ValueError, IndexError) as exc:
                outcome = type(exc).__name__
            finally:
                conn.close()
            self.results.append((item.name, outcome, time.perf_counter() - t0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL, not SQLite")
    parser.add_argument("--celery", type=int, default=0, metavar="N",
                        help="run batches on N Celery workers on the local Redis")
    args = parser.parse_args()
    if args.celery:
        os.environ["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/9"
        os.environ["GRADER_CELERY_QUEUE"] = f"grader-hostile-{uuid.uuid4().hex[:8]}"
    print("building the hostile inputs ...", flush=True)
    hostile = all_hostile()
    schema = pg_schema() if args.postgres else None
    import tempfile

    tmp = tempfile.TemporaryDirectory()
    url = schema[1] if schema else f"sqlite:///{tmp.name}/hostile.sqlite3"
    server = Server(url, 2, 4, gunicorn_settings()["worker_class"])
    celery = start_celery(server.env, args.celery)
    try:
        import json

        grade = json.dumps({"rubric": "stalin-rise", "text": " ".join(ESSAYS * 4)}).encode()
        probes = [
            Probe("GET /healthz", server.port,
                  raw_request(server.port, server.key, "/healthz", "", b"", method="GET")),
            Probe("POST /grade", server.port,
                  raw_request(server.port, server.key, "/api/v1/grade", "application/json",
                              grade))]
        attackers = [Attacker(server.port, server.key, hostile, i) for i in range(args.clients)]
        start = time.perf_counter() + 0.1
        stop = start + args.minutes * 60
        threads = [threading.Thread(target=p.run, args=(start, stop)) for p in probes]
        threads += [threading.Thread(target=a.run, args=(stop,), daemon=True)
                    for a in attackers]
        for t in threads:
            t.start()
        for t in threads[:len(probes)]:
            t.join()
        last = time.perf_counter() + 60  # an attacker's last request may still be out
        for t in threads[len(probes):]:
            t.join(max(0.0, last - time.perf_counter()))
    finally:
        stop_server(server)
        stop_celery(celery)
        if schema:
            drop_schema(schema[0])
        tmp.cleanup()
    jobs = f"on {args.celery} Celery workers" if args.celery else "in-process"
    print(f"hostile load: {args.minutes:g} min, {args.clients} clients posting hostile inputs, "
          f"gunicorn 2 workers x 4 threads, {'PostgreSQL' if schema else 'SQLite'}, batches "
          f"{jobs}, {os.cpu_count()} CPUs")
    print(f"{'probe (5/s)':14} {'count':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'errors':>7}")
    for probe in probes:
        print(probe.summary())
    results = [r for a in attackers for r in a.results]
    for item in hostile:
        mine = [r for r in results if r[0] == item.name]
        outcomes = Counter(outcome for _, outcome, _ in mine)
        took = sorted(seconds for _, _, seconds in mine) or [0.0]
        print(f"hostile {item.name:15} ({len(item.body) / 1024:7.0f} KB) sent {len(mine):4}  "
              f"answers {dict(outcomes)}  median {statistics.median(took):.2f} s  "
              f"max {took[-1]:.2f} s")
    if any(p.errors for p in probes):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
