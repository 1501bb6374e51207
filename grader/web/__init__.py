"""The teacher web pages: a blueprint of server-rendered views over the same core and store."""

from __future__ import annotations

from flask import Flask

from . import throttle
from .security import configure_sessions
from .views import bp

__all__ = ["bp", "init_app"]


def init_app(app: Flask) -> None:
    """Register the pages, with signed session cookies, CSRF checks and sign-in limits."""
    configure_sessions(app)
    app.register_blueprint(bp)
    throttle.init_app(app, bp)
