"""Contract: every response the API gives validates against its own /openapi.json."""

import io
import re

import schemathesis
import yaml
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

from grader.rubric import load_rubric

_PARAM = re.compile(r"<(?:[^:>]+:)?([^>]+)>")


class RecordingClient(FlaskClient):
    """A test client that keeps every response it receives."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seen = []

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        self.seen.append(response)
        return response


def _rule(app, response) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        rule, _ = adapter.match(response.request.path, response.request.method,
                                return_rule=True)
    except HTTPException:
        return None
    return rule.rule


def _exercise(client, auth, essay):
    client.get("/api/v1/rubrics", headers=auth)
    client.get("/api/v1/rubrics")
    client.get("/api/v1/rubrics/stalin-rise", headers=auth)
    client.get("/api/v1/rubrics/missing", headers=auth)
    client.post("/api/v1/grade", json={"rubric": "stalin-rise", "text": essay}, headers=auth)
    client.post("/api/v1/grade", json={"rubric": "nope", "text": essay}, headers=auth)
    client.post("/api/v1/grade", data="{", content_type="application/json", headers=auth)
    client.post("/api/v1/grade", data="x", content_type="text/plain", headers=auth)
    client.post("/api/v1/grade", headers=auth, content_type="multipart/form-data",
                data={"rubric": "stalin-rise", "file": (io.BytesIO(essay.encode()), "e.txt")})
    client.post("/api/v1/grade", headers=auth, content_type="multipart/form-data",
                data={"rubric": "stalin-rise", "file": (io.BytesIO(b"x"), "e.exe")})
    own = yaml.safe_dump(dict(load_rubric("stalin-rise").raw, id="mine"))
    client.post("/api/v1/rubrics", data=own, content_type="application/yaml", headers=auth)
    client.post("/api/v1/rubrics", data=own, content_type="application/yaml", headers=auth)
    client.post("/api/v1/rubrics", json={"id": "bad"}, headers=auth)
    client.put("/api/v1/rubrics/mine", data=own, content_type="application/yaml", headers=auth)
    client.put("/api/v1/rubrics/stalin-rise", data=own, content_type="application/yaml",
               headers=auth)
    client.post("/api/v1/rubrics/validate", json={"id": "bad"}, headers=auth)
    client.post("/api/v1/rubrics/validate", data=own, content_type="application/yaml",
                headers=auth)
    client.delete("/api/v1/rubrics/mine", headers=auth)
    sub = client.post("/api/v1/submissions", json={"rubric": "stalin-rise", "text": essay,
                                                   "metadata": {"a": 1}},
                      headers={**auth, "Idempotency-Key": "c1"}).json
    client.post("/api/v1/submissions", json={"rubric": "stalin-rise", "text": essay},
                headers={**auth, "Idempotency-Key": "c1"})
    client.get("/api/v1/submissions?limit=1", headers=auth)
    client.get("/api/v1/submissions?limit=0", headers=auth)
    client.get(f"/api/v1/submissions/{sub['id']}", headers=auth)
    client.patch(f"/api/v1/submissions/{sub['id']}", json={"marks": 2}, headers=auth)
    client.patch(f"/api/v1/submissions/{sub['id']}", json={"marks": -2}, headers=auth)
    client.get("/api/v1/submissions/export.csv", headers=auth)
    client.delete(f"/api/v1/submissions/{sub['id']}", headers=auth)
    client.get(f"/api/v1/submissions/{sub['id']}", headers=auth)


def test_every_response_matches_openapi(app, auth_a, essay):
    app.test_client_class = RecordingClient
    client = app.test_client()
    schema = schemathesis.openapi.from_dict(client.get("/openapi.json").json)
    _exercise(client, auth_a, essay)
    checked = 0
    for response in client.seen:
        rule = _rule(app, response)
        if rule is None or not rule.startswith("/api/v1"):
            continue
        operation = schema[_PARAM.sub(r"{\1}", rule)][response.request.method]
        operation.validate_response(response)
        checked += 1
    statuses = {r.status_code for r in client.seen}
    assert checked >= 25 and {200, 201, 204, 400, 401, 403, 404, 409, 415, 422} <= statuses
