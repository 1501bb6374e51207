"""Database backends for the service tests: SQLite always, PostgreSQL when reachable."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_URL = os.environ.get("GRADER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "003_9a01c4c2d252de91.txt"


def seed_essay() -> str | None:
    """The seed essay from ../shared (never copied into the repository), if present."""
    return SEED.read_text(encoding="utf-8") if SEED.is_file() else None


def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used for tests, or None if it can."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any connection failure means: skip
        return f"PostgreSQL at {PG_URL} is not reachable ({exc.__class__.__name__})"
    return None


class PgSchema:
    """A private schema in the test database, so concurrent runs never meet."""

    def __init__(self) -> None:
        self.name = f"grader_test_{uuid.uuid4().hex[:10]}"
        self.dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")

    def create(self) -> str:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.name}"')
        return f"{PG_URL}?options=-csearch_path%3D{self.name}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')


@contextmanager
def database_url(backend: str, folder: Path) -> Iterator[str]:
    """A database for one test: a SQLite file in `folder` ("sqlite"), or a private schema
    in the test PostgreSQL ("postgresql"), dropped afterwards; skips when that is absent."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'grader.sqlite3'}"
        return
    problem = postgres_problem()
    if problem:
        import pytest

        pytest.skip(problem)
    schema = PgSchema()
    try:
        yield schema.create()
    finally:
        schema.drop()


REDIS = ("127.0.0.1", 6379)


def redis_problem() -> str | None:
    """Why the machine's Redis (127.0.0.1:6379) cannot be used for tests, or None if it can."""
    import socket

    try:
        with socket.create_connection(REDIS, timeout=2) as s:
            s.sendall(b"PING\r\n")
            if not s.recv(16).startswith(b"+PONG"):
                return "Redis at 127.0.0.1:6379 did not answer PING"
    except OSError as exc:
        return f"Redis at 127.0.0.1:6379 is not reachable ({exc.__class__.__name__})"
    return None


def unacked(conn, queue: str) -> int:
    """Tasks of `queue` a Celery worker took and never acknowledged (kombu's 'unacked' hash
    in Redis, shared by every queue of that database)."""
    return sum(queue in raw.decode(errors="replace") for raw in conn.hvals("unacked"))
