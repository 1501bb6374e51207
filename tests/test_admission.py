"""Heavy work takes turns: light requests never wait, heavy ones queue briefly or get 503."""

from __future__ import annotations

import threading

import pytest

from grader.admission import ALWAYS_HEAVY, Busy, Turns, document_cost


def test_light_work_never_waits_for_a_turn():
    t = Turns(slots=1, wait=5, heavy_chars=1_000, queue=0)
    with t.turn():  # a batch thread holds the only turn
        with t.request_turn(999):
            pass


def test_heavy_request_gets_busy_at_once_when_the_line_is_full():
    t = Turns(slots=1, wait=30, heavy_chars=1_000, queue=0)
    with t.turn():
        with pytest.raises(Busy) as caught:
            with t.request_turn(1_000):
                pass
    assert caught.value.retry_after >= 1
    with t.request_turn(1_000):  # the turn is free again
        pass


def test_heavy_request_waits_in_line_then_runs():
    t = Turns(slots=1, wait=30, heavy_chars=1_000, queue=1)
    release = threading.Event()
    ran: list[str] = []

    def holder():
        with t.turn():
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        def heavy_request():
            with t.request_turn(5_000):
                ran.append("ran")

        waiter = threading.Thread(target=heavy_request)
        waiter.start()
        while t._waiting == 0 and waiter.is_alive():  # the waiter is in line
            threading.Event().wait(0.01)
        with pytest.raises(Busy):  # the line (1) is full: a second heavy request is refused
            with t.request_turn(5_000):
                pass
    finally:
        release.set()
        thread.join(10)
    waiter.join(10)
    assert ran == ["ran"]


def test_a_request_that_waits_too_long_is_busy():
    t = Turns(slots=1, wait=0.05, heavy_chars=10, queue=1)
    with t.turn():
        with pytest.raises(Busy):
            with t.request_turn(10):
                pass


def test_documents_other_than_plain_text_are_always_heavy():
    assert document_cost("essay.txt", 100) == 100
    assert document_cost("essay.PDF", 100) == ALWAYS_HEAVY
    assert document_cost(None, 100) == ALWAYS_HEAVY
