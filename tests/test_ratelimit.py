"""The in-process rate-limit counts: no timer thread per hit, expired counts still swept."""

from __future__ import annotations

import threading

import pytest
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from grader import create_app, ratelimit
from grader.ratelimit import SweptMemoryStorage, get_limiter


@pytest.mark.parametrize("configured", [None, "memory://"])
def test_counting_in_memory_uses_the_swept_storage(tmp_path, configured):
    config = {"DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite3'}", "WARM_UP": False,
              "LOG_LEVEL": "ERROR"}
    if configured:
        config["RATELIMIT_STORAGE"] = configured
    limiter = get_limiter(create_app(config))
    assert isinstance(limiter.storage, SweptMemoryStorage)


def test_hits_start_no_thread(monkeypatch):
    assert "_MemoryStorage__schedule_expiry" in vars(MemoryStorage), (
        "limits renamed the hook SweptMemoryStorage replaces")
    swept, plain = SweptMemoryStorage(), MemoryStorage()  # each starts a timer when made
    starts = []
    original = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start",
                        lambda self: (starts.append(self), original(self))[1])
    limiter = FixedWindowRateLimiter(swept)
    for n in range(500):
        limiter.hit(RateLimitItemPerSecond(1000), "key", str(n % 7))
        if n % 50 == 0:
            threading.Event().wait(0.012)
    assert starts == []
    # limits' own storage, for contrast: the same hits start timer threads
    plain = FixedWindowRateLimiter(plain)
    for n in range(500):
        plain.hit(RateLimitItemPerSecond(1000), "key", str(n % 7))
        if n % 50 == 0:
            threading.Event().wait(0.012)
    assert starts


def test_limits_still_hold_and_expired_counts_are_swept(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: clock[0])
    storage = SweptMemoryStorage()
    limiter = FixedWindowRateLimiter(storage)
    one = RateLimitItemPerSecond(2)
    assert limiter.hit(one, "a") and limiter.hit(one, "a") and not limiter.hit(one, "a")
    storage.expirations = {k: 0.0 for k in storage.expirations}  # every count has expired
    assert storage.storage  # not swept yet: the sweep is not due
    clock[0] += ratelimit.SWEEP_EVERY
    assert limiter.hit(one, "b")  # the hit that finds the sweep due drops the expired counts
    assert len(storage.storage) == 1  # only b's count is left
    assert limiter.hit(one, "a")  # and "a" counts afresh
