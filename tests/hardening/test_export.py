"""The CSV export honours the list's filters, `limit` and `cursor`, and streams its rows."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import event

from grader import grade, load_rubric
from grader.store import get_store
from grader.store import submissions as repo
from grader.store.keys import create_key
from grader.store.models import Submission

N = 450
ESSAY = "Stalin rose to power after Lenin died in 1924. He was General Secretary."


@pytest.fixture(scope="module")
def stored(app):
    """An owner with N stored submissions (inserted directly: grading them is not the test)."""
    report = grade(ESSAY, load_rubric("stalin-rise")).to_dict()
    with get_store(app).write() as session:
        key_row, key = create_key(session, "exporter", "export-owner", None)
        owner_id = key_row.owner_id
        for n in range(N):
            repo.create_submission(session, owner_id, text=f"{ESSAY} secret-text-{n}",
                                   report=report, fields={"student_ref": f"s{n % 3}"})
    return {"Authorization": f"Bearer {key}"}


def rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_limit_and_cursor_give_the_same_rows_as_the_list_page(client, stored):
    page = client.get("/api/v1/submissions?limit=7", headers=stored).json
    exported = rows(client.get("/api/v1/submissions/export.csv?limit=7", headers=stored))
    assert sorted(r["submission_id"] for r in exported) == sorted(i["id"] for i in page["items"])
    cursor = page["next_cursor"]
    page2 = client.get(f"/api/v1/submissions?limit=7&cursor={cursor}", headers=stored).json
    exported2 = rows(client.get(f"/api/v1/submissions/export.csv?limit=7&cursor={cursor}",
                                headers=stored))
    assert {r["submission_id"] for r in exported2} == {i["id"] for i in page2["items"]}
    assert [r["created_at"] for r in exported2] == sorted(r["created_at"] for r in exported2)
    r = client.get("/api/v1/submissions/export.csv?cursor=bogus", headers=stored)
    assert r.status_code == 422 and r.json["errors"][0]["field"] == "cursor"
    assert client.get("/api/v1/submissions/export.csv?limit=0",
                      headers=stored).status_code == 422


def test_filters_apply_and_no_limit_means_everything(client, stored):
    everything = rows(client.get("/api/v1/submissions/export.csv", headers=stored))
    assert len(everything) == N and len({r["submission_id"] for r in everything}) == N
    s1 = rows(client.get("/api/v1/submissions/export.csv?student_ref=s1&limit=500",
                         headers=stored))
    assert len(s1) == N // 3 and {r["student_ref"] for r in s1} == {"s1"}
    assert rows(client.get("/api/v1/submissions/export.csv?student_ref=s1&limit=4",
                           headers=stored))[-1]["submission_id"] == s1[-1]["submission_id"]


def test_the_export_streams_without_loading_the_table_or_the_essays(app, client, stored):
    loaded: list[Submission] = []
    texts_loaded: list[str] = []

    def on_load(target, context):
        loaded.append(target)
        if "text" in target.__dict__:
            texts_loaded.append(target.id)

    event.listen(Submission, "load", on_load)
    try:
        response = client.get("/api/v1/submissions/export.csv", headers=stored,
                              buffered=False)
        assert response.is_streamed
        chunks = iter(response.response)
        first = next(chunks).decode()
        assert "submission_id" in first and len(loaded) <= 200 < N  # one batch so far
        rest = b"".join(chunks).decode()
        response.close()
    finally:
        event.remove(Submission, "load", on_load)
    assert len(loaded) >= N and texts_loaded == []
    assert "secret-text" not in first + rest
