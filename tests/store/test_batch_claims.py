"""Which batch work a worker takes next: the owner served least recently first, then each
owner's batches in the order they came; finished batches and claimed work are left out."""

from datetime import timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from grader.store import batch_claims as claims
from grader.store.batch_models import Batch, BatchItem
from grader.store.engine import make_engine
from grader.store.migrate import upgrade
from grader.store.models import Owner, utcnow
from tests.api.backends import database_url


@pytest.fixture(params=["sqlite", "postgresql"])
def session(request, tmp_path):
    with database_url(request.param, tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine)
        with Session(engine) as s:
            yield s
        engine.dispose()


def _owner(s: Session, name: str) -> int:
    owner = Owner(name=name)
    s.add(owner)
    s.flush()
    return owner.id


def _batch(s: Session, owner: int, items: int = 2, state: str = "running",
           served_minutes_ago: float | None = None) -> int:
    served = None if served_minutes_ago is None else utcnow() - timedelta(
        minutes=served_minutes_ago)
    batch = Batch(owner_id=owner, rubric_id="stalin-rise", total=items, state=state,
                  served_at=served)
    s.add(batch)
    s.flush()
    s.execute(insert(BatchItem), [dict(batch_seq=batch.seq, position=p, name=f"e{p}",
                                       text="An essay.") for p in range(items)])
    return batch.seq


def test_the_owner_served_least_recently_goes_first(session):
    busy, waiting, new = (_owner(session, n) for n in ("busy", "waiting", "new"))
    b1 = _batch(session, busy, served_minutes_ago=0.1)
    b2 = _batch(session, busy)  # the same owner's later batch: served with b1's owner
    w1 = _batch(session, waiting, served_minutes_ago=5)
    n1 = _batch(session, new)
    _batch(session, new, state="done")  # finished: never a candidate
    session.commit()
    assert [seq for seq, _, _ in claims.candidates(session, "me")] == [n1, w1, b1, b2]


def test_a_long_backlog_of_one_owner_still_gives_way_to_another(session):
    busy, other = _owner(session, "busy"), _owner(session, "other")
    backlog = [_batch(session, busy, served_minutes_ago=0.1 if n == 0 else None)
               for n in range(300)]
    late = _batch(session, other)
    session.commit()
    found = [seq for seq, _, _ in claims.candidates(session, "me", limit=3)]
    assert found == [late, backlog[0], backlog[1]]


def test_work_claimed_by_another_worker_is_not_offered(session):
    owner = _owner(session, "o")
    first, second = _batch(session, owner, items=1), _batch(session, owner, items=1)
    session.commit()
    assert claims.claim_items(session, first, "worker-a", limit=5, lease=60,
                              max_starts=2) != []
    session.commit()
    assert [seq for seq, _, _ in claims.candidates(session, "worker-b")] == [second]
    assert [seq for seq, _, _ in claims.candidates(session, "worker-a")] == [first, second]
