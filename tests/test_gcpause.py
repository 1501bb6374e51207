"""grade() pauses the cyclic garbage collector for a long essay, and only then."""

import gc
import threading

import pytest

from grader import gcpause, grade
from grader.gcpause import LONG_TEXT, paused_for


@pytest.fixture(autouse=True)
def collector_enabled():
    was = gc.isenabled()
    gc.enable()
    yield
    assert gcpause._state["pauses"] == 0
    if not was:
        gc.disable()


def test_a_long_text_pauses_the_collector_and_a_short_one_does_not():
    with paused_for("x" * LONG_TEXT):
        assert not gc.isenabled()
    assert gc.isenabled()
    with paused_for("x" * (LONG_TEXT - 1)):
        assert gc.isenabled()


def test_the_collector_runs_again_after_an_error():
    with pytest.raises(ValueError), paused_for("x" * LONG_TEXT):
        raise ValueError
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled():
    gc.disable()
    with paused_for("x" * LONG_TEXT):
        pass
    assert not gc.isenabled()


def test_overlapping_pauses_enable_it_once_the_last_ends():
    first_in, second_done = threading.Event(), threading.Event()
    seen = []

    def long_one():
        with paused_for("x" * LONG_TEXT):
            first_in.set()
            second_done.wait(5)
            seen.append(gc.isenabled())

    t = threading.Thread(target=long_one)
    t.start()
    first_in.wait(5)
    with paused_for("y" * LONG_TEXT):
        pass
    second_done.set()
    t.join(5)
    assert seen == [False] and gc.isenabled()


def test_grade_of_a_long_essay_leaves_the_collector_enabled():
    grade("Stalin rose to power. " * (LONG_TEXT // 20), "stalin-rise", budget=0)
    assert gc.isenabled()
