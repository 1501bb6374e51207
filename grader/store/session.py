"""The store attached to an app: engine, read and write sessions, one transaction per write."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from .engine import make_engine, writer_engine

EXTENSION = "grader.store"
log = logging.getLogger("grader.store")


class Store:
    """Database access for one app: `with store.write() as s:` commits or rolls back whole."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(writer_engine(engine), expire_on_commit=False)
        self.migrated = False
        self._migrating = threading.Lock()

    def migrate(self) -> None:
        """Bring the schema up to date once per process (raises if the database is down)."""
        from .migrate import upgrade

        if self.migrated:
            return
        with self._migrating:
            if not self.migrated:
                upgrade(self.engine)
                self.migrated = True

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; nothing it does is committed."""
        with self._read() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in one transaction: committed if the block succeeds, else rolled back."""
        with self._write() as session, session.begin():
            yield session

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def init_app(app: Flask) -> Store:
    """Create the app's Store from DATABASE_URL and migrate it when AUTO_MIGRATE is on.

    A database that cannot be reached does not stop the service from starting: it is
    migrated at the first request (or batch work) that finds it up; until then requests
    answer 503 with Retry-After (grader.api.problems) and /healthz still answers.
    """
    from sqlalchemy.exc import OperationalError

    store = Store(make_engine(app.config["DATABASE_URL"], app.config.get("DB_POOL_SIZE", 5)))
    app.extensions[EXTENSION] = store
    if not app.config.get("AUTO_MIGRATE", True):
        store.migrated = True
        return store
    try:
        store.migrate()
    except OperationalError as exc:
        log.warning("database not reachable, migrating when it is: %s",
                    exc.__class__.__name__)

    @app.before_request
    def _migrate_when_reachable() -> None:
        from flask import request

        if not store.migrated and request.endpoint != "health.healthz":
            store.migrate()  # raises while the database is down: 503

    return store


def get_store(app: Flask | None = None) -> Store:
    """The Store of `app` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION]
