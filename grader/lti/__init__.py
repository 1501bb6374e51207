"""LTI 1.3 tool: OIDC login, launches, deep linking, grade passback, names and roles."""

from __future__ import annotations

from flask import Flask

from .views import bp

__all__ = ["bp", "init_app"]

DEFAULTS = {
    "LTI_BASE_URL": None,  # e.g. https://grader.school.org when behind a proxy
    "LTI_LEEWAY_SECONDS": 30,  # clock skew allowed on exp/iat
    "LTI_JWKS_CACHE_SECONDS": 3600,  # platform keys kept this long (refetched on a new kid)
    "LTI_SESSION_HOURS": 8,  # how long a launch's frame pages keep working
    "LTI_REQUIRE_STATE_COOKIE": False,  # refuse launches with neither cookie nor storage
    "LTI_FRAME_ANCESTORS": "",  # extra origins allowed to frame the LTI pages
    "LTI_SCORE_ATTEMPTS": 3,
    "LTI_RETRY_DELAYS": (0.5, 2.0),
    "LTI_KEY_KEEP_DAYS": 7,  # a rotated key stays in the JWKS this long
}


def init_app(app: Flask) -> None:
    """Register the /lti routes with the LTI_* defaults above (each overridable)."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.register_blueprint(bp)

