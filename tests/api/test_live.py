"""End to end: a real gunicorn on loopback grades the seed essay and stores a submission."""

import pytest

from .live import LiveServer


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    db = tmp_path_factory.mktemp("live") / "grader.sqlite3"
    server = LiveServer(f"sqlite:///{db}").start()
    yield server
    server.stop()


def test_gunicorn_grades_the_seed_essay(live, seed):
    key = live.create_key("live-test")
    assert key.startswith("grd_")
    auth = {"Authorization": f"Bearer {key}"}
    status, headers, report = live.request("POST", "/api/v1/grade",
                                           {"rubric": "stalin-rise", "text": seed}, auth)
    assert status == 200, report
    assert report["rubric"]["id"] == "stalin-rise" and report["stats"]["words"] > 500
    assert report["score"]["max_marks"] == 20 and headers["X-Request-ID"]
    for factor in report["factors"]:
        for ev in factor["evidence"]:
            assert seed[ev["start"]:ev["end"]] == ev["text"]
    status, _, sub = live.request("POST", "/api/v1/submissions",
                                  {"rubric": "stalin-rise", "text": seed}, auth)
    assert status == 201
    status, _, got = live.get(f"/api/v1/submissions/{sub['id']}", auth)
    assert status == 200 and got["report"] == sub["report"]
    status, _, problem = live.get("/api/v1/rubrics")
    assert status == 401 and problem["status"] == 401
