"""The audit log: overrides, deletions, key and rubric changes each leave one row saying who,
what and when, and no row ever holds a key's secret, an essay or a teacher's comment."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import select

from grader import create_app
from grader.cli.main import cli
from grader.rubric import load_rubric
from grader.store import get_store
from grader.store.models import AuditEvent, utcnow

from ..web.conftest import Teacher

ESSAY = ("Stalin rose to power after Lenin died in 1924. Lenin's Testament warned against "
         "Stalin, but the secret-essay-marker was kept quiet. ")
COMMENT = "private-comment-marker: see me after class"


@pytest.fixture
def setup(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)  # for the CLI
    app = create_app({"TESTING": True, "DATABASE_URL": url, "WARM_UP": False,
                      "LOG_LEVEL": "ERROR", "RATE_LIMIT": 0, "SECRET_KEY": "t",
                      "WEB_SECURE_COOKIES": False})
    yield app
    get_store(app).dispose()


def events(app) -> list[AuditEvent]:
    with get_store(app).read() as session:
        rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        session.expunge_all()
    return rows


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def assert_clean(rows: list[AuditEvent], *secrets: str) -> None:
    """No secret in any column of any row; each row says who, what and when."""
    for row in rows:
        dumped = json.dumps([row.actor, row.action, row.target, row.detail], default=str)
        for secret in secrets:
            assert secret not in dumped, (secret, dumped)
        assert row.actor and row.action and abs(utcnow() - row.at) < timedelta(minutes=5)


def test_api_changes_are_audited_without_secrets_or_text(setup):
    app = setup
    key = run("keys", "create", "--name", "moodle", "--owner", "amy@school.org").split()[-1]
    secret_part = key.split("_", 2)[2]
    auth = {"Authorization": f"Bearer {key}"}
    client = app.test_client()
    raw = dict(load_rubric("stalin-rise").raw, id="mine")
    assert client.post("/api/v1/rubrics", data=yaml.safe_dump(raw), headers=auth,
                       content_type="application/yaml").status_code == 201
    assert client.put("/api/v1/rubrics/mine", json=dict(raw, title="Mine v2"),
                      headers=auth).status_code == 200
    sub = client.post("/api/v1/submissions", headers=auth, json={
        "rubric": "mine", "text": ESSAY, "student_ref": "s-1"}).json
    patched = client.patch(f"/api/v1/submissions/{sub['id']}", headers=auth, json={
        "marks": 3, "feedback": {"summary": COMMENT}, "teacher": "Ms Khan"})
    assert patched.status_code == 200
    assert client.delete(f"/api/v1/submissions/{sub['id']}", headers=auth).status_code == 204
    assert client.delete("/api/v1/rubrics/mine", headers=auth).status_code == 204
    run("keys", "revoke", "moodle")
    rows = events(app)
    seen = [(r.actor, r.action, r.target) for r in rows]
    prefix = key.split("_")[1]
    assert seen == [
        ("cli", "key.create", prefix),
        ("key:moodle", "rubric.create", "mine"),
        ("key:moodle", "rubric.replace", "mine"),
        ("Ms Khan (key:moodle)", "submission.override", sub["id"]),
        ("key:moodle", "submission.delete", sub["id"]),
        ("key:moodle", "rubric.delete", "mine"),
        ("cli", "key.revoke", prefix),
    ]
    override = rows[3]
    assert set(override.detail["fields"]) >= {"marks", "feedback.summary"}
    assert len({r.owner_id for r in rows}) == 1 and rows[0].owner_id is not None
    assert_clean(rows, key, secret_part, "secret-essay-marker", COMMENT, "s-1")


def test_web_and_lti_changes_are_audited(setup):
    app = setup
    teacher = Teacher(app, "amy@school.org")
    raw = dict(load_rubric("stalin-rise").raw, id="web-rubric")
    response = teacher.post("/assignments/new", {
        "title": "9A", "rubric_file": (io.BytesIO(yaml.safe_dump(raw).encode()),
                                       "web-rubric.yaml")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    aid = response.location.rsplit("/", 1)[1]
    batch = teacher.upload(aid, {"text": ESSAY, "student": "cara"})
    assert batch
    sid = teacher.essays(aid)["cara"]
    assert teacher.post(f"/essays/{sid}", {"total": "5", "summary": COMMENT}).status_code == 303
    run("lti", "rotate-key", "--keep-days", "1")
    rows = [r for r in events(app) if r.action != "teacher.create"]
    assert [(r.actor, r.action) for r in rows] == [
        ("teacher:amy@school.org", "rubric.create"),
        ("teacher:amy@school.org", "submission.override"),
        ("cli", "lti.key.rotate")]
    assert rows[1].target == sid and "marks" in rows[1].detail["fields"]
    assert_clean(rows, "secret-essay-marker", COMMENT, "PRIVATE KEY")
