"""Hostile essays on a real gunicorn: one 300k-letter word and 19,000 words dense with wrong
dates are graded well inside the worker timeout (before the fix, each took minutes and the
worker was killed); past the CPU budget, /grade and /submissions answer 422 problem+json."""

from __future__ import annotations

import random

import pytest

from .live import LiveServer

CLEAR = "this essay could not be graded: "
ESSAY = "At Lenin's funeral in January 1924 Stalin was chief mourner. Lenin died in 1922."


def long_word(letters: int = 300_000) -> str:
    rng = random.Random(15)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(letters))


def dense_dates(words: int = 19_000) -> str:
    """One sentence of names, events and wrong years: every year has events to weigh."""
    rng = random.Random(11)
    names = ["Lenin", "Trotsky", "Stalin", "Zinoviev", "Kamenev", "Bukharin"]
    events = ["died in", "was exiled in", "became General Secretary in", "was expelled in",
              "joined the troika in", "introduced the NEP in", "banned factions in"]
    out: list[str] = []
    n = 0
    while n < words:
        piece = f"{rng.choice(names)} {rng.choice(events)} {rng.randint(1900, 1950)}"
        out.append(piece)
        n += len(piece.split())
    return ", ".join(out) + "."


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "grader.sqlite3"
    # a worker busy for 20 s is killed: an essay must be graded well inside that
    server = LiveServer(f"sqlite:///{db}", workers=1, threads=2,
                        extra_env={"GRADER_TIMEOUT": "20"}).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tiny_budget(tmp_path_factory):
    db = tmp_path_factory.mktemp("budget") / "grader.sqlite3"
    server = LiveServer(f"sqlite:///{db}", workers=1, threads=2,
                        extra_env={"GRADER_GRADE_CPU_BUDGET": "0.000001"}).start()
    yield server
    server.stop()


def test_one_long_word_is_graded(live):
    auth = {"Authorization": f"Bearer {live.create_key('hostile')}"}
    status, _, report = live.request("POST", "/api/v1/grade",
                                     {"rubric": "stalin-rise", "text": long_word()}, auth)
    assert status == 200, report
    assert report["stats"]["words"] == 1
    status, _, _ = live.get("/healthz")
    assert status == 200


def test_an_essay_dense_with_wrong_dates_is_graded(live):
    auth = {"Authorization": f"Bearer {live.create_key('dates')}"}
    text = dense_dates()
    status, _, report = live.request("POST", "/api/v1/grade",
                                     {"rubric": "stalin-rise", "text": text}, auth)
    assert status == 200, report
    assert 18_000 < report["stats"]["words"] <= 20_000
    wrong = [f for f in report["flags"] if f["kind"] == "wrong_date"]
    assert len(wrong) > 100
    assert all(text[f["start"]:f["end"]] == f["text"] for f in wrong)


def test_over_the_budget_answers_422_and_stores_nothing(tiny_budget):
    auth = {"Authorization": f"Bearer {tiny_budget.create_key('budget')}"}
    for path in ("/api/v1/grade", "/api/v1/submissions"):
        status, headers, problem = tiny_budget.request(
            "POST", path, {"rubric": "stalin-rise", "text": ESSAY}, auth)
        assert status == 422, problem
        assert headers["Content-Type"].startswith("application/problem+json")
        assert problem["detail"].startswith(CLEAR) and problem["status"] == 422
    status, _, page = tiny_budget.get("/api/v1/submissions", auth)
    assert status == 200 and page["items"] == []
