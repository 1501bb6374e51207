"""Rubric endpoints: bundled read-only, own rubrics created from YAML or JSON, validation."""

import yaml

from grader.rubric import load_rubric


def _own_yaml(rubric_id="my-stalin"):
    raw = dict(load_rubric("stalin-rise").raw)
    raw["id"] = rubric_id
    raw["title"] = "My version"
    return yaml.safe_dump(raw, allow_unicode=True)


def test_list_and_get_bundled(client, auth_a):
    items = client.get("/api/v1/rubrics", headers=auth_a).json["items"]
    assert {"id": "stalin-rise", "bundled": True}.items() <= next(
        i for i in items if i["id"] == "stalin-rise").items()
    r = client.get("/api/v1/rubrics/stalin-rise", headers=auth_a).json
    assert r["factors"] and r["bands"] and r["factors"][0]["levels"][0]["level"] == 0
    assert client.get("/api/v1/rubrics/nope", headers=auth_a).status_code == 404


def test_create_yaml_use_replace_delete(client, auth_a, essay):
    r = client.post("/api/v1/rubrics", data=_own_yaml(), headers=auth_a,
                    content_type="application/yaml")
    assert r.status_code == 201, r.json
    assert r.headers["Location"].endswith("/api/v1/rubrics/my-stalin")
    assert client.post("/api/v1/rubrics", data=_own_yaml(), headers=auth_a,
                       content_type="application/yaml").status_code == 409
    graded = client.post("/api/v1/grade", json={"rubric": "my-stalin", "text": essay},
                         headers=auth_a)
    assert graded.status_code == 200 and graded.json["rubric"]["id"] == "my-stalin"
    raw = yaml.safe_load(_own_yaml())
    raw["title"] = "Renamed"
    put = client.put("/api/v1/rubrics/my-stalin", json=raw, headers=auth_a)
    assert put.status_code == 200 and put.json["title"] == "Renamed"
    assert client.delete("/api/v1/rubrics/my-stalin", headers=auth_a).status_code == 204
    assert client.get("/api/v1/rubrics/my-stalin", headers=auth_a).status_code == 404


def test_bundled_are_read_only(client, auth_a):
    raw = dict(load_rubric("stalin-rise").raw)
    assert client.post("/api/v1/rubrics", json=raw, headers=auth_a).status_code == 409
    assert client.put("/api/v1/rubrics/stalin-rise", json=raw, headers=auth_a).status_code == 403
    assert client.delete("/api/v1/rubrics/stalin-rise", headers=auth_a).status_code == 403


def test_invalid_rubric_names_the_field(client, auth_a):
    raw = yaml.safe_load(_own_yaml())
    raw["factors"][1]["marks"] = "lots"
    r = client.post("/api/v1/rubrics", json=raw, headers=auth_a)
    assert r.status_code == 422 and r.content_type == "application/problem+json"
    assert any("funeral" in e["field"] and "marks" in e["field"] for e in r.json["errors"])
    v = client.post("/api/v1/rubrics/validate", json=raw, headers=auth_a)
    assert v.status_code == 200 and v.json["valid"] is False and v.json["errors"]
    ok = client.post("/api/v1/rubrics/validate", data=_own_yaml(), headers=auth_a,
                     content_type="application/yaml")
    assert ok.json == {"valid": True, "errors": [], "rubric": {
        "id": "my-stalin", "version": ok.json["rubric"]["version"], "title": "My version",
        "bundled": False}}


def test_hostile_yaml_is_refused(client, auth_a):
    r = client.post("/api/v1/rubrics", data="!!python/object/apply:os.system ['true']",
                    headers=auth_a, content_type="application/yaml")
    assert r.status_code == 422
    assert client.post("/api/v1/rubrics", data="id: [", headers=auth_a,
                       content_type="application/yaml").status_code == 422
    assert client.post("/api/v1/rubrics", data="x", headers=auth_a,
                       content_type="image/png").status_code == 415
