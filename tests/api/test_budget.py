"""An essay over the CPU budget: 422 problem+json from /grade and /submissions (nothing
stored), a failed batch item with the clear message while the batch finishes."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from grader.app import create_app
from grader.jobs import get_executor
from grader.jobs.work import process_item
from grader.pipeline import set_default_budget
from grader.store import batches as repo
from grader.store import get_store
from grader.store.batch_models import Batch
from grader.store.models import Base

from .conftest import Keys

CLEAR = "this essay could not be graded: "
ESSAY = "At Lenin's funeral in January 1924 Stalin was chief mourner. Lenin died in 1922."


@pytest.fixture
def tiny_app(database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING",
                      "RATE_LIMIT": 0, "GRADE_CPU_BUDGET": 1e-9})
    yield app
    set_default_budget(None)  # the budget is process-wide: leave the default for the rest
    store = get_store(app)
    if store.engine.dialect.name == "postgresql":
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with store.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    store.dispose()


def _auth(app) -> dict[str, str]:
    return Keys.headers(Keys(app).create("budget-test"))


def test_grade_and_submission_over_budget_answer_422_and_store_nothing(tiny_app):
    client = tiny_app.test_client()
    auth = _auth(tiny_app)
    for path in ("/api/v1/grade", "/api/v1/submissions"):
        res = client.post(path, json={"rubric": "stalin-rise", "text": ESSAY}, headers=auth)
        assert res.status_code == 422, res.get_data(as_text=True)
        assert res.mimetype == "application/problem+json"
        assert res.json["status"] == 422 and res.json["detail"].startswith(CLEAR)
    assert client.get("/api/v1/submissions", headers=auth).json["items"] == []


def test_a_batch_item_over_budget_fails_alone_and_the_batch_finishes(tiny_app, monkeypatch):
    client = tiny_app.test_client()
    auth = _auth(tiny_app)
    executor = get_executor(tiny_app)
    monkeypatch.setattr(executor, "submit", lambda seq, items: None)  # run the items here
    res = client.post("/api/v1/batches", json={"rubric": "stalin-rise", "essays": [
        {"text": ESSAY, "essay": "hostile"}, {"text": ESSAY, "essay": "fine"}]}, headers=auth)
    assert res.status_code == 202, res.json
    with get_store(tiny_app).read() as session:
        batch = session.scalars(select(Batch).where(Batch.id == res.json["id"])).one()
        pending = repo.pending_items(session, batch.seq)
    assert process_item(tiny_app, pending[0]) == "failed"  # under the tiny budget
    set_default_budget(None)
    assert process_item(tiny_app, pending[1]) == "finished"
    status = client.get(f"/api/v1/batches/{res.json['id']}", headers=auth).json
    assert (status["state"], status["done"], status["failed"]) == ("done", 1, 1)
    [error] = status["errors"]
    assert error["essay"] == "hostile" and error["error"].startswith(CLEAR)
