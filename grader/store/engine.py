"""Engines for SQLite (WAL, foreign keys, busy timeout) and PostgreSQL (pooled, pre-ping)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # Writers take the write lock at BEGIN, so concurrent writers wait (busy_timeout)
    # instead of failing when a read transaction tries to upgrade to a write.
    write = conn.get_execution_options().get("sqlite_write")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def writer_engine(engine: Engine) -> Engine:
    """The same engine and pool, marked so SQLite transactions begin IMMEDIATE."""
    return engine.execution_options(sqlite_write=True)


def make_engine(url: str, pool_size: int = 5) -> Engine:
    """An engine for `url`; SQLite gets its pragmas on every new connection."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves

        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url, pool_size=pool_size, max_overflow=pool_size * 2, pool_pre_ping=True,
        pool_recycle=1800, connect_args={"connect_timeout": 5},  # an outage fails fast: 503
    )
