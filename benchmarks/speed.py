"""Grading speed: median and p95 per 700-word essay, essays/s on one core, rubric load, memory.

    python benchmarks/speed.py [--essays N] [--rubric stalin-rise] [--examples]

--examples gives every factor its description as a paraphrase example, to time the optional
similarity model (grader/analysis/similarity.py) on a long essay.

Essays are made by varying the bundled model answer (shuffled paragraphs, dropped sentences)
to about 700 words; the seed essay in ../shared is used too when it is there.
"""

from __future__ import annotations

import argparse
import copy
import random
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader import grade  # noqa: E402
from grader.analysis import similarity  # noqa: E402
from grader.rubric import loader  # noqa: E402
from grader.text import english  # noqa: E402


def make_essays(rubric, n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    base = (rubric.model_answer or "").split("\n")
    paras = [p for p in base if p.strip()]
    shared_seed = REPO.parent / "shared" / "seeds" / "003_9a01c4c2d252de91.txt"
    extra = shared_seed.read_text(encoding="utf-8") if shared_seed.exists() else ""
    essays = []
    for _ in range(n):
        ps = paras[:]
        rng.shuffle(ps)
        text = "\n\n".join(ps)
        words = text.split()
        if extra and rng.random() < 0.5:
            words = extra.split()
        while len(words) < 700:
            words += words[: 700 - len(words)]
        essays.append(" ".join(words[:700]))
    return essays


def with_examples(rubric):
    """The rubric with each factor's description (or title) as its paraphrase example."""
    data = copy.deepcopy(rubric.raw)
    for f in data["factors"]:
        f.setdefault("examples", [f.get("description") or f["title"]])
    base = Path(rubric.source).parent if rubric.source else None
    return loader.parse_rubric(data, base_dir=base, source=f"{rubric.id}+examples")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--essays", type=int, default=300)
    ap.add_argument("--rubric", default="stalin-rise")
    ap.add_argument("--examples", action="store_true",
                    help="add each factor's description as an example (times the similarity "
                         "model when it is installed)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    loader.load_rubric(args.rubric)
    cold = time.perf_counter() - t0

    t0 = time.perf_counter()
    english.warm_up()
    warm = time.perf_counter() - t0

    loads = []
    for _ in range(5):
        loader._cache.clear()
        t0 = time.perf_counter()
        rubric = loader.load_rubric(args.rubric)
        loads.append(time.perf_counter() - t0)

    if args.examples:
        rubric = with_examples(rubric)
        similarity.CACHE_SIZE = 0  # no sentence embeddings reused between essays
        print(f"similarity model    {'on' if similarity.available() else 'not installed'}")
    essays = make_essays(rubric, args.essays)
    for e in essays[:20]:
        grade(e, rubric)  # warm caches as a long-running worker would have them
    times = []
    cpu = []
    t_all = time.perf_counter()
    for e in essays:
        t0 = time.perf_counter()
        c0 = time.thread_time()
        grade(e, rubric)
        cpu.append(time.thread_time() - c0)
        times.append(time.perf_counter() - t0)
    wall = time.perf_counter() - t_all
    cpu.sort()
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rubric              {args.rubric}")
    print(f"essays              {len(essays)} x {len(essays[0].split())} words")
    print(f"word list load      {warm * 1000:.0f} ms (once per process)")
    print(f"rubric load         {cold * 1000:.1f} ms first in the process; "
          f"{statistics.median(loads) * 1000:.1f} ms median of 5 reloads")
    print(f"grade median        {statistics.median(times) * 1000:.2f} ms")
    print(f"grade p95           {p95 * 1000:.2f} ms")
    print(f"grade CPU median    {statistics.median(cpu) * 1000:.2f} ms (CPU time: steadier when "
          "the machine is busy)")
    print(f"essays per second   {len(essays) / wall:.0f} (one core)")
    print(f"peak memory (RSS)   {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
