"""Over HTTP: a long essay gets 503 + Retry-After while heavy work fills the turns; short
essays are still graded (grader.admission)."""

from __future__ import annotations

from grader.admission import turns

LONG = "Stalin rose to power after Lenin died in 1924. " * 800  # ~38,000 characters
SHORT = "Stalin rose to power after Lenin died in 1924. Trotsky was exiled in 1929."


def test_api_answers_503_for_a_long_essay_while_heavy_work_fills_the_turns(app, client,
                                                                          auth_a):
    app.config.update(HEAVY_CHARS=20_000, HEAVY_QUEUE=0)
    app.extensions.pop("grader.admission", None)
    with turns(app).turn():  # what a batch thread grading would hold
        busy = client.post("/api/v1/grade", json={"rubric": "stalin-rise", "text": LONG},
                           headers=auth_a)
        light = client.post("/api/v1/grade", json={"rubric": "stalin-rise", "text": SHORT},
                            headers=auth_a)
        stored = client.post("/api/v1/submissions",
                             json={"rubric": "stalin-rise", "text": LONG}, headers=auth_a)
    assert busy.status_code == 503, busy.json
    assert busy.mimetype == "application/problem+json"
    assert int(busy.headers["Retry-After"]) >= 1
    assert "busy" in busy.json["detail"]
    assert light.status_code == 200
    assert stored.status_code == 503
    assert client.get("/api/v1/submissions", headers=auth_a).json["items"] == []
    again = client.post("/api/v1/grade", json={"rubric": "stalin-rise", "text": LONG},
                        headers=auth_a)
    assert again.status_code == 200
