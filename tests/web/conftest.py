"""Fixtures for the web pages: an app on a temp SQLite database, teachers, a signed-in client."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from grader import create_app
from grader.jobs import get_executor
from grader.jobs.dispatch import stop_in_worker
from grader.store import get_store
from grader.store.models import Base
from grader.store.teachers import create_teacher

from ..api.conftest import database_url, pg_url  # noqa: F401 - the same backends

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(database_url):  # noqa: F811 - the fixture imported above
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING",
                      "SECRET_KEY": "test-secret", "WEB_SECURE_COOKIES": False,
                      "WARM_UP": False})
    yield app
    stop_in_worker(app)  # its batch threads must not take later tests' work
    store = get_store(app)
    if "grader.jobs" in app.extensions:  # let running batches end before cleaning up
        app.extensions["grader.jobs"].wait_idle(30)
    if store.engine.dialect.name == "postgresql":
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with store.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    store.dispose()


def add_teacher(app, email: str, password: str = PASSWORD) -> None:
    with get_store(app).write() as session:
        create_teacher(session, email, password)


class Teacher:
    """A test client signed in as one teacher, with the CSRF token of its session."""

    def __init__(self, app, email: str) -> None:
        self.app = app
        self.client = app.test_client()
        self.token = ""
        add_teacher(app, email)
        page = self.client.get("/sign-in")
        response = self.client.post("/sign-in", data={
            "email": email, "password": PASSWORD, "csrf_token": TOKEN.search(page.text)[1]})
        assert response.status_code == 302
        self.refresh_token()

    def refresh_token(self) -> None:
        self.token = TOKEN.search(self.client.get("/assignments").text)[1]

    def get(self, url: str, **kw):
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict | None = None, **kw):
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kw)

    def new_assignment(self, title: str = "Stalin 9A", rubric: str = "stalin-rise") -> str:
        response = self.post("/assignments/new", {"title": title, "rubric": rubric})
        assert response.status_code == 302, response.text
        return response.location.rsplit("/", 1)[1]

    def upload(self, assignment_id: str, data: dict) -> str:
        """Upload, wait for the batch to finish; the batch page's URL."""
        response = self.post(f"/assignments/{assignment_id}/upload", data,
                             content_type="multipart/form-data")
        assert response.status_code == 303, response.text
        assert get_executor(self.app).wait_idle(60)
        return response.location

    def essays(self, assignment_id: str) -> dict[str, str]:
        """Student (as shown, escaped) -> essay id, from the class overview."""
        page = self.get(f"/assignments/{assignment_id}").text
        return {name: sid for sid, name in
                re.findall(r'href="/essays/([0-9a-f]{32})">([^<]*)</a>', page)}


@pytest.fixture
def teacher(app) -> Teacher:
    return Teacher(app, "amy@school.org")


@pytest.fixture
def other(app) -> Teacher:
    return Teacher(app, "ben@school.org")
