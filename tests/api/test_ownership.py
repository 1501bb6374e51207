"""Owner A's key never reads, lists, changes, exports or deletes owner B's data (404)."""

import yaml

from grader.rubric import load_rubric


def test_submissions_are_private(client, auth_a, auth_b, essay):
    sub = client.post("/api/v1/submissions", json={"rubric": "stalin-rise", "text": essay,
                                                   "student_ref": "b-student"},
                      headers=auth_b).json
    path = f"/api/v1/submissions/{sub['id']}"
    assert client.get(path, headers=auth_a).status_code == 404
    assert client.patch(path, json={"marks": 0}, headers=auth_a).status_code == 404
    assert client.delete(path, headers=auth_a).status_code == 404
    assert client.get("/api/v1/submissions", headers=auth_a).json["items"] == []
    assert client.get("/api/v1/submissions?student_ref=b-student",
                      headers=auth_a).json["items"] == []
    export = client.get("/api/v1/submissions/export.csv", headers=auth_a)
    assert "b-student" not in export.get_data(as_text=True)
    assert len(export.get_data(as_text=True).strip().splitlines()) == 1
    assert client.get(path, headers=auth_b).json["final"]["marks"] == sub["final"]["marks"]


def test_idempotency_keys_are_per_owner(client, auth_a, auth_b, essay):
    body = {"rubric": "stalin-rise", "text": essay}
    a = client.post("/api/v1/submissions", json=body, headers={**auth_a, "Idempotency-Key": "k"})
    b = client.post("/api/v1/submissions", json=body, headers={**auth_b, "Idempotency-Key": "k"})
    assert a.status_code == b.status_code == 201 and a.json["id"] != b.json["id"]


def test_rubrics_are_private(client, auth_a, auth_b, essay):
    raw = dict(load_rubric("stalin-rise").raw, id="b-only")
    assert client.post("/api/v1/rubrics", data=yaml.safe_dump(raw), headers=auth_b,
                       content_type="application/yaml").status_code == 201
    assert client.get("/api/v1/rubrics/b-only", headers=auth_a).status_code == 404
    assert client.put("/api/v1/rubrics/b-only", json=raw, headers=auth_a).status_code == 404
    assert client.delete("/api/v1/rubrics/b-only", headers=auth_a).status_code == 404
    ids = [r["id"] for r in client.get("/api/v1/rubrics", headers=auth_a).json["items"]]
    assert "b-only" not in ids
    r = client.post("/api/v1/grade", json={"rubric": "b-only", "text": essay}, headers=auth_a)
    assert r.status_code == 422
    # A may create its own rubric with the same id
    assert client.post("/api/v1/rubrics", json=raw, headers=auth_a).status_code == 201


def test_keys_of_one_owner_share_its_data(client, keys, essay):
    k1 = keys.create("moodle-prod", owner="school")
    k2 = keys.create("script", owner="school")
    sub = client.post("/api/v1/submissions", json={"rubric": "stalin-rise", "text": essay},
                      headers=keys.headers(k1)).json
    assert client.get(f"/api/v1/submissions/{sub['id']}",
                      headers=keys.headers(k2)).status_code == 200
