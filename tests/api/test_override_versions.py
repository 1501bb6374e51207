"""An override after the rubric was edited is recomputed against the rubric version that
graded the submission (issue 15, #12): live gunicorn on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from grader.rubric import load_rubric

from .backends import database_url
from .conftest import ESSAY
from .live import LiveServer


@pytest.fixture(params=["sqlite", "postgresql"], scope="module")
def live(request, tmp_path_factory):
    with database_url(request.param, tmp_path_factory.mktemp("versions")) as url:
        server = LiveServer(url, workers=1, threads=2,
                            extra_env={"GRADER_RATE_LIMIT": "0"}).start()
        yield server
        server.stop()


def band_of(bands: list[dict], marks: float) -> dict:
    return max((b for b in bands if b["min_marks"] <= marks), key=lambda b: b["min_marks"])


def test_override_after_the_rubric_was_replaced_uses_the_version_that_graded(live):
    auth = {"Authorization": f"Bearer {live.create_key('versions')}"}
    first = dict(load_rubric("stalin-rise").raw, id="my-stalin", title="Mine", version="1")
    status, _, body = live.request("POST", "/api/v1/rubrics", first, auth)
    assert status == 201, body
    status, _, sub = live.request("POST", "/api/v1/submissions",
                                  {"rubric": "my-stalin", "text": ESSAY}, auth)
    assert status == 201, sub
    report = sub["report"]
    factor = next(f for f in report["factors"] if f["level"] > 0)
    old_marks = next(f["marks"] for f in first["factors"] if f["id"] == factor["id"])

    # the teacher edits the rubric: every mark and band changes (the version string not)
    second = dict(first, factors=[dict(f, marks=[0] + [1] * (len(f["marks"]) - 1))
                                  for f in first["factors"]],
                  bands=[{"band": 9, "label": "Renamed", "min_marks": 0}])
    status, _, body = live.request("PUT", "/api/v1/rubrics/my-stalin", second, auth)
    assert status == 200, body

    level = factor["level"] - 1
    status, _, patched = live.request("PATCH", f"/api/v1/submissions/{sub['id']}", {
        "factors": [{"id": factor["id"], "level": level}], "teacher": "Ms Smith"}, auth)
    assert status == 200, patched
    marks = report["score"]["marks"] - old_marks[factor["level"]] + old_marks[level]
    band = band_of(first["bands"], marks)
    final = patched["final"]
    assert final["marks"] == pytest.approx(marks) and marks > 0  # before: 0.0 (new marks)
    assert (final["band"], final["band_label"]) == (band["band"], band["label"])
    changed = next(f for f in final["factors"] if f["id"] == factor["id"])
    assert (changed["level"], changed["marks"]) == (level, old_marks[level])

    # the same after the rubric is deleted: the version that graded it is kept
    status, _, _ = live.request("DELETE", "/api/v1/rubrics/my-stalin", None, auth)
    assert status == 204
    status, _, again = live.request("PATCH", f"/api/v1/submissions/{sub['id']}", {
        "factors": [{"id": factor["id"], "level": factor["level"]}]}, auth)
    assert status == 200, again
    assert again["final"]["marks"] == pytest.approx(report["score"]["marks"])
    assert again["final"]["band_label"] == band_of(first["bands"],
                                                   report["score"]["marks"])["label"]


def test_a_submission_graded_after_the_edit_uses_the_new_version(live):
    auth = {"Authorization": f"Bearer {live.create_key('versions-2')}"}
    first = dict(load_rubric("stalin-rise").raw, id="my-other", title="Mine")
    assert live.request("POST", "/api/v1/rubrics", first, auth)[0] == 201
    second = dict(first, factors=[dict(f, marks=[0] + [1] * (len(f["marks"]) - 1))
                                  for f in first["factors"]])
    assert live.request("PUT", "/api/v1/rubrics/my-other", second, auth)[0] == 200
    status, _, sub = live.request("POST", "/api/v1/submissions",
                                  {"rubric": "my-other", "text": ESSAY}, auth)
    assert status == 201
    factor = next(f for f in sub["report"]["factors"] if f["level"] > 0)
    status, _, patched = live.request("PATCH", f"/api/v1/submissions/{sub['id']}", {
        "factors": [{"id": factor["id"], "level": 0}]}, auth)
    assert status == 200, patched
    assert patched["final"]["marks"] == pytest.approx(sub["report"]["score"]["marks"] - 1)
