"""Keys, 401, 404, 405, 429, 500 and request ids: the API's access rules and error shapes."""

from flask import abort

from grader.store import get_store
from grader.store.keys import revoke_key

PROBLEM = "application/problem+json"


def test_no_key_is_401(client):
    for method, path in [("get", "/api/v1/rubrics"), ("post", "/api/v1/grade"),
                         ("get", "/api/v1/submissions"), ("get", "/api/v1/rubrics/stalin-rise")]:
        r = getattr(client, method)(path)
        assert r.status_code == 401 and r.content_type == PROBLEM, path
        assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_bad_and_revoked_keys_are_401(app, client, keys):
    key = keys.create("soon-revoked")
    assert client.get("/api/v1/rubrics", headers=keys.headers(key)).status_code == 200
    with get_store(app).write() as session:
        revoke_key(session, "soon-revoked")
    for bad in [key, key[:-1] + ("A" if key[-1] != "A" else "B"), "nonsense", "grd_x_y"]:
        r = client.get("/api/v1/rubrics", headers=keys.headers(bad))
        assert r.status_code == 401 and "not valid" in r.json["detail"]
    r = client.get("/api/v1/rubrics", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401


def test_only_a_hash_is_stored(app, keys):
    from sqlalchemy import select

    from grader.store.models import ApiKey

    key = keys.create("hashed")
    with get_store(app).read() as session:
        row = session.scalars(select(ApiKey).where(ApiKey.name == "hashed")).one()
        secret = key.split("_", 2)[2]  # the secret itself may hold "_"
        assert key not in (row.key_hash, row.prefix) and secret not in row.key_hash


def test_unknown_path_is_404_problem(client, auth_a):
    r = client.get("/api/v1/nothing-here", headers=auth_a)
    assert r.status_code == 404 and r.content_type == PROBLEM


def test_wrong_method_is_405_problem(client, auth_a):
    r = client.put("/api/v1/grade", headers=auth_a)
    assert r.status_code == 405 and r.content_type == PROBLEM
    assert "POST" in r.headers["Allow"]


def test_rate_limit_is_429_with_retry_after(client, keys):
    key = keys.create("limited", rate_limit=3)
    codes = [client.get("/api/v1/rubrics", headers=keys.headers(key)).status_code
             for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    r = client.get("/api/v1/rubrics", headers=keys.headers(key))
    assert r.content_type == PROBLEM and int(r.headers["Retry-After"]) >= 1


def test_500_has_no_internals(app, auth_a):
    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internal detail /etc/passwd")

    @app.get("/api/v1/teapot")
    def teapot():
        abort(418)

    client = app.test_client()
    r = client.get("/api/v1/boom", headers=auth_a)
    assert r.status_code == 500 and r.content_type == PROBLEM
    assert b"secret" not in r.data and b"Traceback" not in r.data
    assert client.get("/api/v1/teapot").content_type == PROBLEM


def test_request_id_is_echoed_or_generated(client):
    r = client.get("/healthz", headers={"X-Request-ID": "lms-123"})
    assert r.headers["X-Request-ID"] == "lms-123"
    r = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert r.headers["X-Request-ID"] != "bad id with spaces" and len(r.headers["X-Request-ID"])
    r = client.get("/api/v1/rubrics", headers={"X-Request-ID": "abc"})
    assert r.json["request_id"] == "abc"


def test_health_and_ready(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz").json
    assert ready["status"] == "ready" and "stalin-rise" in ready["rubrics"]


def test_openapi_and_docs_page(client):
    spec = client.get("/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path in ["/api/v1/grade", "/api/v1/rubrics", "/api/v1/rubrics/{rubric_id}",
                 "/api/v1/rubrics/validate", "/api/v1/submissions",
                 "/api/v1/submissions/{submission_id}", "/api/v1/submissions/export.csv"]:
        assert path in spec["paths"], path
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    err = spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]["content"]
    assert "application/problem+json" in err
    page = client.get("/api/docs")
    assert page.status_code == 200 and b"/api/v1/submissions" in page.data
