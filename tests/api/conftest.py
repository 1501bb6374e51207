"""Fixtures mirroring the factory: an app on SQLite or PostgreSQL, a client, two owners' keys."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from grader import create_app
from grader.jobs.dispatch import stop_in_worker
from grader.store import get_store
from grader.store.keys import create_key
from grader.store.models import Base

from .backends import PgSchema, postgres_problem, seed_essay


@pytest.fixture(scope="session")
def pg_url():
    problem = postgres_problem()
    if problem:
        pytest.skip(problem)
    schema = PgSchema()
    url = schema.create()
    yield url
    schema.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'grader.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING",
                      "RATE_LIMIT": 0})
    yield app
    stop_in_worker(app)  # its batch threads must not take later tests' work
    store = get_store(app)
    if store.engine.dialect.name == "postgresql":
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with store.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    store.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class Keys:
    """Creates API keys for owners and gives the headers that send them."""

    def __init__(self, app) -> None:
        self.app = app

    def create(self, name: str, owner: str | None = None, rate_limit: int | None = None) -> str:
        with get_store(self.app).write() as session:
            _, plaintext = create_key(session, name, owner, rate_limit)
        return plaintext

    @staticmethod
    def headers(key: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}", **extra}


@pytest.fixture
def keys(app) -> Keys:
    return Keys(app)


@pytest.fixture
def key_a(keys) -> str:
    return keys.create("teacher-a")


@pytest.fixture
def key_b(keys) -> str:
    return keys.create("teacher-b")


@pytest.fixture
def auth_a(key_a) -> dict[str, str]:
    return Keys.headers(key_a)


@pytest.fixture
def auth_b(key_b) -> dict[str, str]:
    return Keys.headers(key_b)


@pytest.fixture(scope="session")
def seed() -> str:
    text_ = seed_essay()
    if text_ is None:
        pytest.skip("the seed essay ../shared/seeds/003_9a01c4c2d252de91.txt is absent")
    return text_


ESSAY = ("Stalin rose to power after Lenin died in 1924. Lenin's Testament warned against "
         "Stalin, but Zinoviev and Kamenev kept it secret. Stalin tricked Trotsky about the "
         "date of Lenin's funeral. As General Secretary he appointed his supporters.")


@pytest.fixture
def essay() -> str:
    return ESSAY
