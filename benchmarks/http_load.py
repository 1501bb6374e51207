"""HTTP load on loopback: gunicorn (2 workers) serving POST /api/v1/grade and /submissions.

    python benchmarks/http_load.py [--seconds 20] [--clients 32] [--rate 150] [--rounds 1]
                                   [--worker-class sync] [--threads 4] [--only-grade]

Starts gunicorn with the repository's gunicorn.conf.py on a free 127.0.0.1 port, creates a
key with the real CLI, and drives it from --clients threads with keep-alive connections,
first on SQLite, then on PostgreSQL (127.0.0.1:5432, database test, a private schema dropped
afterwards) when reachable. Prints requests/s, p50, p99, errors and the server's CPU time per
request (all gunicorn processes, from /proc: steadier than latency when the machine is busy)
and the client's own CPU time per request (it shares the machine's two cores with the server).

Two kinds of load:
- closed loop (always): every client sends its next request the moment the last one is
  answered. This finds the most the server can do; the latency it shows is set by the number
  of clients (32 clients at X req/s wait 32 / X s on average, whatever the server's speed).
- fixed rate (`--rate R`, default 150 for POST /grade): requests are due at R a second in
  all, spread over the same clients, as LMS traffic arrives. A request's latency counts from
  the moment it was due, so a late start (every connection busy) counts against the server
  (no "coordinated omission"). This answers "does it serve R requests a second, and how fast".
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from grader.corebuild import describe  # noqa: E402
from grader.serving import gunicorn_settings  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
# the shared seed essay, next to the checkout (or a worktree's parent folders)
SEED = next((folder / "shared" / "seeds" / "003_9a01c4c2d252de91.txt"
             for folder in REPO.parents
             if (folder / "shared" / "seeds" / "003_9a01c4c2d252de91.txt").is_file()),
            REPO.parent / "shared" / "seeds" / "003_9a01c4c2d252de91.txt")
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, database_url: str, workers: int, threads: int,
                 worker_class: str = "gthread") -> None:
        self.port = free_port()
        self.env = {**os.environ, "DATABASE_URL": database_url,
                    "GRADER_BIND": f"127.0.0.1:{self.port}", "GRADER_WORKERS": str(workers),
                    "GRADER_THREADS": str(threads), "GRADER_WORKER_CLASS": worker_class,
                    "GRADER_LOG_LEVEL": "WARNING"}
        self.proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                      "wsgi:app"], cwd=REPO, env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        # a limit far above the load: every request is counted, as for an LMS's key
        out = subprocess.run([sys.executable, "-m", "grader.cli.main", "keys", "create",
                              "--name", "bench", "--rate-limit", "100000000"], cwd=REPO,
                             env=self.env,
                             check=True, capture_output=True, text=True).stdout
        self.key = out.strip().splitlines()[-1]

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn's master and workers (Linux /proc)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(entry) == self.proc.pid or int(fields[1]) == self.proc.pid:
                total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


class Connection:
    """One keep-alive HTTP/1.1 connection sending a prepared request: raw socket, no parsing
    beyond the status line and Content-Length, so the client spends little of the CPU the
    server shares with it (http.client cost about 0.8 ms a request here)."""

    def __init__(self, port: int, request: bytes) -> None:
        self.port, self.request = port, request
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        return sock

    def send(self) -> int:
        """Send the request and read the whole answer; its status (0 if the line broke)."""
        if self.sock is None:
            self.sock = self._connect()
        self.sock.sendall(self.request)
        buffer = self.buffer
        while (end := buffer.find(b"\r\n\r\n")) < 0:
            buffer += self._recv()
        head = buffer[:end].decode("latin-1").lower()
        status = int(head[9:12])
        length = int(head.split("content-length:", 1)[1].split("\r\n", 1)[0])
        while len(buffer) < end + 4 + length:
            buffer += self._recv()
        self.buffer = buffer[end + 4 + length:]
        if "connection: close" in head:
            self.close()
        return status

    def _recv(self) -> bytes:
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        return chunk

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None


def drive(server: Server, path: str, body: bytes, seconds: float, clients: int,
          rate: float | None = None) -> dict:
    """Closed loop (rate None) or requests due at `rate` a second over `clients` connections."""
    request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
               f"Authorization: Bearer {server.key}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start_at = time.perf_counter() + 0.05
    stop_at = start_at + seconds
    due_times = itertools.count()

    def next_start() -> float | None:
        """When this client's next request starts (its due time), None when the run is over."""
        if rate is None:
            now = time.perf_counter()
            return now if now < stop_at else None
        with lock:
            due = start_at + next(due_times) / rate
        if due >= stop_at:
            return None
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        return due

    def client() -> None:
        conn = Connection(server.port, request)
        mine: list[float] = []
        bad = 0
        while (t0 := next_start()) is not None:
            try:
                if conn.send() >= 300:
                    bad += 1
            except (OSError, ValueError, IndexError):
                bad += 1
                conn.close()
                continue
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    cpu_before = server.cpu_seconds()
    client_before = time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = max(time.perf_counter(), stop_at) - start_at
    cpu = server.cpu_seconds() - cpu_before
    client_cpu = time.process_time() - client_before
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    done = max(1, len(latencies))
    return {"requests": len(latencies), "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(q[49] * 1000, 1), "p99_ms": round(q[98] * 1000, 1),
            "errors": errors[0], "cpu_ms": round(cpu / done * 1000, 2),
            "client_ms": round(client_cpu / done * 1000, 2)}


def pg_schema() -> tuple[str, str] | None:
    try:
        import psycopg

        name = f"grader_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True,
                             connect_timeout=3) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        return name, f"{PG}?options=-csearch_path%3D{name}"
    except Exception as exc:
        print(f"PostgreSQL skipped: {exc.__class__.__name__}", file=sys.stderr)
        return None


def drop_schema(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None,
                        help="threads per worker (default: the service's GRADER_THREADS default)")
    parser.add_argument("--worker-class", default=None,
                        help="gthread, sync or a worker class path (default: the service's "
                             "GRADER_WORKER_CLASS default, the balanced gthread worker)")
    parser.add_argument("--rate", type=float, default=150,
                        help="requests/s due in the fixed-rate run of POST /grade (0: skip it)")
    parser.add_argument("--only-grade", action="store_true", help="skip the /submissions runs")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat the POST /grade runs (closed loop, then fixed rate) this "
                             "many times on the same server: this machine's speed drifts, so "
                             "one run is one sample")
    args = parser.parse_args()
    if not SEED.is_file():
        raise SystemExit(f"seed essay not found at {SEED}")
    defaults = gunicorn_settings()
    threads = args.threads or defaults["threads"]
    worker_class = args.worker_class or defaults["worker_class"]
    body = json.dumps({"rubric": "stalin-rise", "text": SEED.read_text("utf-8")}).encode()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(f"sqlite:///{tmp}/bench.sqlite3", args.workers, threads, worker_class)
        try:
            drive(server, "/api/v1/grade", body, 3, args.clients)  # warm up
            for _ in range(max(1, args.rounds)):
                results.append(("POST /api/v1/grade", "sqlite", drive(
                    server, "/api/v1/grade", body, args.seconds, args.clients)))
                if args.rate > 0:
                    fixed = drive(server, "/api/v1/grade", body, args.seconds, args.clients,
                                  rate=args.rate)
                    results.append((f"POST /api/v1/grade @{args.rate:g}/s", "sqlite", fixed))
            if not args.only_grade:
                results.append(("POST /api/v1/submissions", "sqlite", drive(
                    server, "/api/v1/submissions", body, args.seconds, args.clients)))
        finally:
            server.stop()
    schema = None if args.only_grade else pg_schema()
    if schema is not None:
        name, url = schema
        try:
            server = Server(url, args.workers, threads, worker_class)
            try:
                drive(server, "/api/v1/grade", body, 3, args.clients)
                results.append(("POST /api/v1/submissions", "postgresql", drive(
                    server, "/api/v1/submissions", body, args.seconds, args.clients)))
            finally:
                server.stop()
        finally:
            drop_schema(name)
    print(f"{args.clients} clients, {args.workers} {worker_class} workers x {threads} threads, "
          f"{args.seconds:g} s each, {os.cpu_count()} CPUs (client on the same machine)")
    print(f"Python {sys.version.split()[0]} ({sys.executable}), {describe()}")
    print(f"{'endpoint':28} {'db':11} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'server CPU ms/req':>18} {'client CPU ms/req':>18}")
    for endpoint, db, r in results:
        print(f"{endpoint:28} {db:11} {r['rps']:>7} {r['p50_ms']:>8} {r['p99_ms']:>8} "
              f"{r['errors']:>7} {r['cpu_ms']:>18} {r['client_ms']:>18}")
    closed = [r for e, _, r in results if e == "POST /api/v1/grade"]
    met = sum(r["rps"] >= 150 and r["p99_ms"] <= 150 and r["errors"] == 0 for r in closed)
    print(f"closed loop, POST /grade, >= 150 req/s and p99 <= 150 ms at {args.clients} clients: "
          f"met in {met} of {len(closed)} runs (p99 <= 150 ms here needs about "
          f"{args.clients / 0.15 * 1.2:.0f} req/s: {args.clients} clients / 0.15 s, plus spread)")
    fixed = [r for e, _, r in results if "@" in e]
    if fixed:
        met = sum(r["rps"] >= 0.98 * args.rate and r["errors"] == 0 and r["p99_ms"] <= 150
                  for r in fixed) if args.rate >= 150 else 0
        print(f"fixed rate, POST /grade, {args.rate:g} req/s due over {args.clients} connections "
              f"(target >= 150 req/s served with p99 <= 150 ms): met in {met} of {len(fixed)} "
              f"runs; p99 {', '.join(str(r['p99_ms']) for r in fixed)} ms")

if __name__ == "__main__":
    main()
