"""Stored submissions: create, idempotency, list and filter, override, delete, CSV export."""

import csv
import io

from grader.store import get_store


def _create(client, auth, essay, **fields):
    body = {"rubric": "stalin-rise", "text": essay, **fields}
    r = client.post("/api/v1/submissions", json=body, headers=auth)
    assert r.status_code == 201, r.json
    return r


def test_create_returns_stored_submission_with_report(client, auth_a, essay):
    r = _create(client, auth_a, essay, student_ref="s1", assignment_ref="hw1",
                external_id="moodle-9", metadata={"course": 7})
    sub = r.json
    assert r.headers["Location"].endswith(sub["id"])
    assert sub["text"] == essay and sub["report"]["rubric"]["id"] == "stalin-rise"
    assert sub["metadata"] == {"course": 7} and sub["student_ref"] == "s1"
    assert sub["final"]["marks"] == sub["report"]["score"]["marks"]
    got = client.get(f"/api/v1/submissions/{sub['id']}", headers=auth_a).json
    assert got["report"] == sub["report"]


def test_idempotency_key_returns_first_result(app, client, auth_a, essay):
    headers = {**auth_a, "Idempotency-Key": "retry-1"}
    body = {"rubric": "stalin-rise", "text": essay}
    first = client.post("/api/v1/submissions", json=body, headers=headers)
    again = client.post("/api/v1/submissions", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"] and again.headers["Idempotent-Replayed"]
    assert len(client.get("/api/v1/submissions", headers=auth_a).json["items"]) == 1
    clash = client.post("/api/v1/submissions", json={**body, "student_ref": "x"},
                        headers=headers)
    assert clash.status_code == 409 and clash.content_type == "application/problem+json"


def test_list_filters_and_cursor_pagination(client, auth_a, essay):
    ids = [_create(client, auth_a, essay, assignment_ref="hw1" if i % 2 else "hw2",
                   student_ref=f"s{i}").json["id"] for i in range(5)]
    seen, cursor = [], None
    while True:
        q = "/api/v1/submissions?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(q, headers=auth_a).json
        seen += [s["id"] for s in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids[::-1]
    hw1 = client.get("/api/v1/submissions?assignment_ref=hw1", headers=auth_a).json["items"]
    assert {s["student_ref"] for s in hw1} == {"s1", "s3"}
    one = client.get("/api/v1/submissions?student_ref=s4&rubric=stalin-rise", headers=auth_a)
    assert [s["id"] for s in one.json["items"]] == [ids[4]]
    none = client.get("/api/v1/submissions?created_to=2000-01-01T00:00:00Z", headers=auth_a)
    assert none.json["items"] == []
    later = client.get("/api/v1/submissions?created_from=2000-01-01T00:00:00%2B00:00",
                       headers=auth_a)
    assert len(later.json["items"]) == 5


def test_bad_query_is_422(client, auth_a):
    for q in ["limit=0", "limit=abc", "created_from=yesterday", "cursor=%%%"]:
        r = client.get(f"/api/v1/submissions?{q}", headers=auth_a)
        assert r.status_code == 422, q
        assert r.json["errors"]


def test_override_keeps_machine_report_and_history(client, auth_a, essay):
    sub = _create(client, auth_a, essay).json
    factor = sub["report"]["factors"][0]
    new_level = 0 if factor["level"] else 1
    r = client.patch(f"/api/v1/submissions/{sub['id']}", headers=auth_a, json={
        "factors": [{"id": factor["id"], "level": new_level}], "teacher": "Ms Smith",
        "feedback": {"summary": "See me."}})
    assert r.status_code == 200, r.json
    got = r.json
    assert got["report"] == sub["report"]  # the machine's report is unchanged
    final_factor = next(f for f in got["final"]["factors"] if f["id"] == factor["id"])
    assert final_factor["level"] == new_level and final_factor["overridden"]
    assert got["final"]["marks"] != sub["final"]["marks"]
    assert got["final"]["feedback"]["summary"] == "See me."
    (change,) = got["history"]
    assert change["actor"].startswith("Ms Smith")
    assert f"factors.{factor['id']}.level" in change["changes"]
    r = client.patch(f"/api/v1/submissions/{sub['id']}", headers=auth_a,
                     json={"marks": 3, "band": 1})
    assert r.json["final"]["marks"] == 3 and r.json["final"]["band"] == 1
    assert len(r.json["history"]) == 2


def test_override_validation(client, auth_a, essay):
    sub = _create(client, auth_a, essay).json
    for body, field in [({"factors": [{"id": "nope", "level": 1}]}, "factors.0.id"),
                        ({"factors": [{"id": "testament", "level": 9}]}, "factors.0.level"),
                        ({"marks": 999}, "marks"), ({"band": 42}, "band"),
                        ({"colour": "red"}, "colour")]:
        r = client.patch(f"/api/v1/submissions/{sub['id']}", headers=auth_a, json=body)
        assert r.status_code == 422, body
        assert field in [e["field"] for e in r.json["errors"]], r.json


def test_delete_removes_text_for_good(app, client, auth_a, essay):
    from sqlalchemy import select

    from grader.store.models import AuditEvent, Submission

    sub = _create(client, auth_a, essay).json
    assert client.delete(f"/api/v1/submissions/{sub['id']}", headers=auth_a).status_code == 204
    assert client.get(f"/api/v1/submissions/{sub['id']}", headers=auth_a).status_code == 404
    assert client.delete(f"/api/v1/submissions/{sub['id']}", headers=auth_a).status_code == 404
    with get_store(app).read() as session:
        assert session.scalars(select(Submission)).all() == []
        actions = [e.action for e in session.scalars(select(AuditEvent))]
        assert "submission.delete" in actions


def test_export_csv_has_factor_columns_and_final_marks(client, auth_a, essay):
    a = _create(client, auth_a, essay, student_ref="=cmd|' /C calc'!A0").json
    _create(client, auth_a, essay, student_ref="s2")
    client.patch(f"/api/v1/submissions/{a['id']}", headers=auth_a, json={"marks": 1})
    r = client.get("/api/v1/submissions/export.csv", headers=auth_a)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert len(rows) == 2
    factor_ids = [f["id"] for f in a["report"]["factors"]]
    assert all(f"{fid}_level" in rows[0] for fid in factor_ids)
    first = next(row for row in rows if row["submission_id"] == a["id"])
    assert float(first["marks"]) == 1 and first["overridden"] == "True"
    assert first["student_ref"].startswith("'=")
    filtered = client.get("/api/v1/submissions/export.csv?student_ref=s2", headers=auth_a)
    assert len(list(csv.DictReader(io.StringIO(filtered.get_data(as_text=True))))) == 1


def test_write_failure_leaves_nothing(app, client, auth_a, essay, monkeypatch):
    from sqlalchemy import select

    from grader.store import submissions as repo
    from grader.store.models import IdempotencyRecord, Submission

    real = repo.create_submission

    def failing(session, *args, **kwargs):
        real(session, *args, **kwargs)
        session.flush()
        raise RuntimeError("disk full")

    monkeypatch.setattr("grader.api.submissions.repo.create_submission", failing)
    r = client.post("/api/v1/submissions", json={"rubric": "stalin-rise", "text": essay},
                    headers={**auth_a, "Idempotency-Key": "k1"})
    assert r.status_code == 500
    with get_store(app).read() as session:
        assert session.scalars(select(Submission)).all() == []
        assert session.scalars(select(IdempotencyRecord)).all() == []
