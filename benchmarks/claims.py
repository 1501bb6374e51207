"""What it costs a batch worker to find its next piece of work, by the number of unfinished
batches waiting (grader.store.batch_claims.candidates), on SQLite and on PostgreSQL.

    python benchmarks/claims.py [--backlogs 200,1000,3000] [--repeat 10]

Every piece of batch work starts with this query, so its cost must not grow faster than the
backlog: a quadratic one (a subquery per batch) took 0.9 s a call at 3,000 unfinished batches
on PostgreSQL and stalled the soak's Celery workers. Loopback PostgreSQL (127.0.0.1:5432,
database test, a private schema dropped afterwards) when reachable.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from http_load import drop_schema, pg_schema  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from grader.store import batch_claims as claims  # noqa: E402
from grader.store.batch_models import Batch, BatchItem  # noqa: E402
from grader.store.engine import make_engine  # noqa: E402
from grader.store.migrate import upgrade  # noqa: E402
from grader.store.models import Owner  # noqa: E402


def measure(url: str, backlogs: list[int], repeat: int) -> list[tuple[int, float]]:
    """(unfinished batches, ms per candidates() call) for each backlog size."""
    engine = make_engine(url)
    upgrade(engine)
    figures = []
    with Session(engine) as s:
        owners = [Owner(name=f"o{n}") for n in range(3)]
        s.add_all(owners)
        s.flush()
        made = 0
        for size in backlogs:
            for n in range(made, size):
                batch = Batch(owner_id=owners[n % 3].id, rubric_id="stalin-rise", total=5)
                s.add(batch)
                s.flush()
                s.execute(insert(BatchItem), [dict(batch_seq=batch.seq, position=p,
                                                   name=f"e{p}", text="An essay.")
                                              for p in range(5)])
            made = size
            s.commit()
            if engine.dialect.name == "postgresql":
                s.execute(text("ANALYZE"))
            t0 = time.perf_counter()
            for _ in range(repeat):
                claims.candidates(s, "bench")
            figures.append((size, (time.perf_counter() - t0) / repeat * 1000))
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlogs", default="200,1000,3000")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    backlogs = sorted(int(b) for b in args.backlogs.split(","))
    print(f"{'database':<12} {'unfinished batches':>18} {'ms per call':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for size, ms in measure(f"sqlite:///{tmp}/claims.sqlite3", backlogs, args.repeat):
            print(f"{'sqlite':<12} {size:>18} {ms:>12.1f}")
    schema = pg_schema()
    if schema is not None:
        try:
            for size, ms in measure(schema[1], backlogs, args.repeat):
                print(f"{'postgresql':<12} {size:>18} {ms:>12.1f}")
        finally:
            drop_schema(schema[0])


if __name__ == "__main__":
    main()
