"""Security headers on every response, HSTS behind TLS, the secret key only from env or file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from grader import create_app
from grader.web.security import MissingSecretKey

PATHS = ["/healthz", "/readyz", "/openapi.json", "/api/docs", "/api/v1/rubrics",
         "/api/v1/nothing", "/sign-in", "/assignments", "/no-such-page", "/lti/jwks.json",
         "/lti/config.json"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_security_headers(client, auth_a, path):
    r = client.get(path, headers=auth_a if path.startswith("/api/v1") else {})
    csp = r.headers.get("Content-Security-Policy", "")
    assert csp, path
    script = next((d for d in csp.split(";") if d.strip().startswith("script-src")), "")
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, (path, csp)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] in ("no-referrer", "same-origin")
    ancestors = next(d.strip() for d in csp.split(";") if "frame-ancestors" in d)
    if path.startswith("/lti/"):  # framed by the registered LMS origins only (none here)
        assert "*" not in ancestors and "http:" not in ancestors.replace("https:", "")
    else:
        assert ancestors == "frame-ancestors 'none'", (path, csp)
    assert "Strict-Transport-Security" not in r.headers  # plain http: no HSTS


def test_hsts_behind_tls_and_when_forced(app, client):
    r = client.get("/healthz", base_url="https://grader.example")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    app.config["HSTS"] = "true"
    try:
        assert "Strict-Transport-Security" in client.get("/healthz").headers
    finally:
        app.config["HSTS"] = "auto"


def _config(tmp_path, **extra):
    return {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'k.sqlite3'}",
            "WARM_UP": False, "LOG_LEVEL": "WARNING", **extra}


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("GRADER_SECRET_KEY", raising=False)
    with pytest.raises(MissingSecretKey, match="GRADER_SECRET_KEY"):
        create_app(_config(tmp_path, ENV_NAME="production"))
    monkeypatch.setenv("GRADER_ENV", "production")
    with pytest.raises(MissingSecretKey):
        create_app(_config(tmp_path))


def test_secret_key_from_environment_or_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_ENV", "production")
    monkeypatch.setenv("GRADER_SECRET_KEY", "from-the-environment-" + "x" * 20)
    assert create_app(_config(tmp_path)).secret_key.startswith("from-the-environment-")
    monkeypatch.delenv("GRADER_SECRET_KEY")
    key_file = tmp_path / "key"
    key_file.write_text("from-a-file-" + "y" * 20 + "\n")
    app = create_app(_config(tmp_path, SECRET_KEY_FILE=str(key_file)))
    assert app.secret_key == "from-a-file-" + "y" * 20
    key_file.write_text("")
    with pytest.raises(MissingSecretKey, match="empty"):
        create_app(_config(tmp_path, SECRET_KEY_FILE=str(key_file)))


def test_development_generates_a_private_key(tmp_path, monkeypatch):
    monkeypatch.delenv("GRADER_SECRET_KEY", raising=False)
    monkeypatch.delenv("GRADER_ENV", raising=False)
    app = create_app(_config(tmp_path))
    path = Path(app.instance_path) / "secret_key"
    assert len(app.secret_key) == 64 and path.read_text().strip() == app.secret_key
    assert path.stat().st_mode & 0o077 == 0


def test_secret_key_and_api_keys_are_never_logged(tmp_path, monkeypatch, caplog):
    secret = "never-log-this-secret-" + "z" * 20
    monkeypatch.setenv("GRADER_SECRET_KEY", secret)
    caplog.set_level(logging.DEBUG)
    app = create_app(_config(tmp_path, LOG_LEVEL="DEBUG"))
    client = app.test_client()
    client.get("/api/v1/rubrics", headers={"Authorization": "Bearer grd_abc_wrongkeyvalue"})
    client.get("/readyz")
    client.post("/sign-in", data={"email": "a@b.c", "password": "hunter2-password"})
    logged = caplog.text
    assert secret not in logged and "wrongkeyvalue" not in logged
    assert "hunter2-password" not in logged
