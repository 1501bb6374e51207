"""Storage: SQLAlchemy models, sessions with one transaction per write, Alembic migrations."""

from .session import Store, get_store, init_app

__all__ = ["Store", "get_store", "init_app"]
