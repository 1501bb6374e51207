"""Batch-marking benchmark: essays/s and peak memory through `grader mark --jobs N`.

    python benchmarks/batch.py                 # 10,000 essays, --jobs 2
    python benchmarks/batch.py --memory        # also peak RSS for 1,000 vs 100,000 essays
    python benchmarks/batch.py -n 2000 --jobs 2

Essays are made from the bundled model answer and the seed essay (if ../shared has it),
their paragraphs shuffled and trimmed so no two are alike. Loopback only; nothing leaves
the machine. Peak RSS is the largest of the command and its worker processes.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
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


def run_mark(rows: Path, jobs: int) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB of the run's processes, lines written)."""
    out = rows.with_suffix(".out.jsonl")
    cmd = [sys.executable, "-m", "grader.cli.main", "mark", "--jobs", str(jobs), "--quiet",
           "-o", str(out), str(rows)]
    start = time.perf_counter()
    # a fresh wrapper per run, so each run's peak RSS is its own
    res = subprocess.run([sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True,
                         check=False)
    seconds = time.perf_counter() - start
    peak_kb = int(res.stdout.strip() or 0)
    with open(out, "rb") as fh:
        lines = sum(1 for _ in fh)
    out.unlink()
    return seconds, peak_kb / 1024, lines


_WRAP = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:]); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--memory", action="store_true",
                    help="also compare peak RSS for 1,000 and 100,000 essays")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sizes = [args.n] + ([1_000, 100_000] if args.memory else [])
        for n in sizes:
            rows = Path(tmp) / f"essays-{n}.jsonl"
            make_essays(rows, n)
            seconds, peak, lines = run_mark(rows, args.jobs)
            print(f"grader mark --jobs {args.jobs}: {lines}/{n} essays in {seconds:.1f} s = "
                  f"{lines / seconds:.1f} essays/s; peak RSS (largest process) {peak:.0f} MB")
            rows.unlink()


if __name__ == "__main__":
    main()
