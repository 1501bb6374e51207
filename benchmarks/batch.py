"""Batch-marking benchmark: essays/s and peak memory through `grader mark --jobs N`.

    python benchmarks/batch.py                 # 10,000 essays, --jobs 2
    python benchmarks/batch.py --memory        # also peak RSS for 1,000 vs 100,000 essays
    python benchmarks/batch.py -n 2000 --jobs 2
    python benchmarks/batch.py --api           # also through POST /api/v1/batches with two
                                               # Celery workers on the local Redis and
                                               # PostgreSQL (a private schema, dropped after)
    python benchmarks/batch.py --api --repeat 3  # the API run three times (shared machines)

The API figure is essays/s from the POST to the batch's `done`, and the CPU seconds per
1,000 essays that gunicorn and the Celery workers used and that the PostgreSQL server
processes serving them used (less sensitive to other load on the machine than the wall
clock), with the rate two otherwise idle cores would give at that CPU cost.

Essays are made from the bundled model answer and the seed essay (if ../shared has it),
their paragraphs shuffled and trimmed so no two are alike. Loopback only; nothing leaves
the machine. Peak RSS is the largest of the command and its worker processes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "003_9a01c4c2d252de91.txt"


def make_essays(path: Path, n: int) -> None:
    from grader import load_rubric

    bases = [load_rubric("stalin-rise").model_answer]
    if SEED.is_file():
        bases.append(SEED.read_text(encoding="utf-8"))
    paragraphs = [b.split("\n\n") for b in bases]
    rng = random.Random(5)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            paras = list(paragraphs[i % len(paragraphs)])
            rng.shuffle(paras)
            keep = paras[: max(3, len(paras) - rng.randint(0, 3))]
            fh.write(json.dumps({"id": f"s{i:06d}", "text": "\n\n".join(keep)}) + "\n")


def run_mark(rows: Path, jobs: int) -> tuple[float, float, int, float]:
    """(seconds, peak RSS in MB of the run's processes, lines written, CPU seconds)."""
    out = rows.with_suffix(".out.jsonl")
    cmd = [sys.executable, "-m", "grader.cli.main", "mark", "--jobs", str(jobs), "--quiet",
           "-o", str(out), str(rows)]
    start = time.perf_counter()
    # a fresh wrapper per run, so each run's peak RSS is its own
    res = subprocess.run([sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True,
                         check=False)
    seconds = time.perf_counter() - start
    peak_kb, cpu = (float(x) for x in (res.stdout.split() or ["0", "0"]))
    with open(out, "rb") as fh:
        lines = sum(1 for _ in fh)
    out.unlink()
    return seconds, peak_kb / 1024, lines, cpu


PG_URL = os.environ.get("GRADER_TEST_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_schema() -> tuple[str, str]:
    """(database URL using a new private schema, schema name) on the local PostgreSQL."""
    import psycopg

    name = f"grader_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    return (f"{PG_URL}?options=-csearch_path%3D{name}&application_name={name}", name)


def _drop_schema(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def _pg_backends(name: str) -> list[int]:
    """The PostgreSQL server processes serving connections named `name`."""
    import psycopg

    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        return [pid for (pid,) in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (name,))]


def run_api(rows: Path, workers: int,
            sqlite: bool = False) -> tuple[float, float, int, float, float]:
    """(seconds, peak RSS in MB of the largest worker process, essays done, CPU seconds of
    gunicorn and the workers, CPU seconds of their PostgreSQL server processes) for one
    batch through gunicorn and Celery workers on the machine's Redis and PostgreSQL."""
    import signal
    import socket
    import urllib.request

    tmp = rows.parent
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    schema = None
    if sqlite:
        url = f"sqlite:///{tmp / f'bench-{uuid.uuid4().hex[:6]}.sqlite3'}"
    else:
        url, schema = _pg_schema()
    env = {**os.environ, "DATABASE_URL": url,
           "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9",
           "GRADER_CELERY_QUEUE": f"grader-bench-{uuid.uuid4().hex[:8]}",
           "GRADER_LOG_LEVEL": "WARNING", "GRADER_RATE_LIMIT": "0",
           "GRADER_BATCH_MAX_CONTENT_LENGTH": str(500 * 1024 * 1024)}
    subprocess.run([sys.executable, "-m", "grader.cli.main", "db", "upgrade"], env=env,
                   check=True, capture_output=True)
    made = subprocess.run([sys.executable, "-m", "grader.cli.main", "keys", "create", "--name",
                           "bench"], env=env, check=True, capture_output=True, text=True)
    key = made.stdout.strip().splitlines()[-1]
    procs = [subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b",
                               f"127.0.0.1:{port}", "wsgi:app"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)]
    procs += [subprocess.Popen([sys.executable, "-m", "celery", "-A", "grader.jobs", "worker",
                                "--pool", "prefork", "--concurrency", "1", "--hostname",
                                f"bench{i}@%h", "--loglevel", "WARNING", "--without-gossip",
                                "--without-mingle", "--without-heartbeat"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True) for i in range(workers)]
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(3)  # the Celery workers are up and waiting
        essays = [{"essay": r["id"], "text": r["text"]}
                  for r in map(json.loads, rows.read_text(encoding="utf-8").splitlines())]
        body = json.dumps({"rubric": "stalin-rise", "essays": essays}).encode()
        cpu_before = sum(_cpu_seconds(p.pid) for p in procs)
        pg_before = {pid: _cpu_seconds(pid) for pid in _pg_backends(schema)} if schema else {}
        start = time.perf_counter()
        req = urllib.request.Request(base + "/api/v1/batches", data=body, headers=headers)
        batch = json.load(urllib.request.urlopen(req, timeout=600))
        url = f"{base}/api/v1/batches/{batch['id']}"
        while True:
            st = json.load(urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                                  timeout=60))
            if st.get("state") in ("done", "finished", "completed", "cancelled", "failed"):
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - start
        cpu = sum(_cpu_seconds(p.pid) for p in procs) - cpu_before
        pg_cpu = sum(_cpu_seconds(pid) - pg_before.get(pid, 0.0)
                     for pid in _pg_backends(schema)) if schema else 0.0
        done = int((st.get("counts") or {}).get("done", st.get("done", 0)))
        peak = max(_peak_rss_mb(p.pid) for p in procs[1:])
        return seconds, peak, done, cpu, pg_cpu
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in procs:
            p.wait(timeout=30)
        if schema:
            _drop_schema(schema)


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(k) for k in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its living descendants (and of the
    children they have waited for)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / ticks


def _peak_rss_mb(pid: int) -> float:
    """Largest VmHWM (peak RSS) of a process and its children, from /proc."""
    peak = 0.0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = (task / "children").read_text().split()
                todo.extend(int(k) for k in kids)
        except (OSError, ValueError):
            continue
    return peak


_WRAP = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:]); "
         "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
         "print(u.ru_maxrss, u.ru_utime + u.ru_stime)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--memory", action="store_true",
                    help="also compare peak RSS for 1,000 and 100,000 essays")
    ap.add_argument("--api", action="store_true",
                    help="also through POST /api/v1/batches and Celery workers (local Redis, "
                         "local PostgreSQL)")
    ap.add_argument("--api-only", action="store_true", help="skip `grader mark`")
    ap.add_argument("--sqlite", action="store_true", help="the API run on SQLite instead")
    ap.add_argument("--repeat", type=int, default=1, help="run the API this many times")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sizes = [args.n] + ([1_000, 100_000] if args.memory else [])
        for n in sizes:
            rows = Path(tmp) / f"essays-{n}.jsonl"
            make_essays(rows, n)
            if not args.api_only:
                seconds, peak, lines, cpu = run_mark(rows, args.jobs)
                print(f"grader mark --jobs {args.jobs}: {lines}/{n} essays in {seconds:.1f} s "
                      f"= {lines / seconds:.1f} essays/s; {1000 * cpu / max(lines, 1):.2f} "
                      f"CPU s per 1,000 essays; peak RSS (largest process) {peak:.0f} MB",
                      flush=True)
            if (args.api or args.api_only) and n == args.n:
                backend = "SQLite" if args.sqlite else "PostgreSQL"
                for _ in range(args.repeat):
                    seconds, peak, done, cpu, pg = run_api(rows, args.jobs, sqlite=args.sqlite)
                    per = 1000 / max(done, 1)
                    print(f"API + {args.jobs} Celery workers on {backend}: {done}/{n} essays in "
                          f"{seconds:.1f} s = {done / seconds:.1f} essays/s; CPU s per 1,000 "
                          f"essays: {cpu * per:.2f} gunicorn + workers, {pg * per:.2f} "
                          f"PostgreSQL (= {2 * done / (cpu + pg):.0f} essays/s on 2 idle "
                          f"cores); peak RSS (largest worker) {peak:.0f} MB", flush=True)
            rows.unlink()


if __name__ == "__main__":
    main()
