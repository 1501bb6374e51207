"""The /lti blueprint: hooks (headers, errors), frame sessions and absolute tool URLs."""

from __future__ import annotations

import urllib.parse
from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, current_app, g, render_template, url_for

from ..store import get_store
from ..store.models import utcnow
from . import claims as c
from .models import LtiLaunch, LtiPlatform
from .validate import LaunchError

bp = Blueprint("lti", __name__, url_prefix="/lti", template_folder="templates",
               static_folder="static", static_url_path="/static")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self' {forms}; "
       "frame-ancestors 'self' {frames}")


def tool_url(endpoint: str, **values: Any) -> str:
    """An absolute URL of ours (LTI_BASE_URL when set, for a tool behind a proxy)."""
    base = current_app.config.get("LTI_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


def platform_origins(platform: LtiPlatform | None, claims: dict[str, Any] | None) -> list[str]:
    """Origins of the LMS seen in its registration and in the launch's service URLs."""
    urls: list[str | None] = []
    if platform is not None:
        urls += [platform.issuer, platform.auth_login_url]
    if claims:
        urls += [(claims.get(c.DL_SETTINGS) or {}).get("deep_link_return_url"),
                 (claims.get(c.AGS_CLAIM) or {}).get("lineitems"),
                 (claims.get(c.AGS_CLAIM) or {}).get("lineitem"),
                 (claims.get(c.NRPS_CLAIM) or {}).get("context_memberships_url"),
                 (claims.get(c.LTI + "launch_presentation") or {}).get("return_url")]
    extra = str(current_app.config.get("LTI_FRAME_ANCESTORS") or "").split()
    return list(dict.fromkeys([o for o in map(origin, urls) if o] + extra))


def frame(launch_id: str) -> tuple[LtiLaunch, LtiPlatform]:
    """The launch a frame page belongs to (its id in the URL is the frame's session)."""
    with get_store().read() as session:
        launch = session.get(LtiLaunch, launch_id)
        if launch is None or launch.expires_at < utcnow() or not launch.confirmed:
            abort(403, description="This page's launch has expired or is unknown: open the "
                                   "activity again from the course.")
        platform = session.get(LtiPlatform, launch.platform_id)
        session.expunge_all()
    g.lti_origins = platform_origins(platform, launch.claims)
    return launch, platform


def session_expiry():
    return utcnow() + timedelta(hours=float(current_app.config["LTI_SESSION_HOURS"]))


@bp.errorhandler(LaunchError)
def _launch_error(error: LaunchError):
    current_app.logger.warning("LTI launch refused: %s", error.message)
    return render_template("lti/error.html", title="Launch refused",
                           detail=error.message), error.status


@bp.errorhandler(400)
@bp.errorhandler(403)
@bp.errorhandler(404)
@bp.errorhandler(413)
def _http_error(error):
    return render_template("lti/error.html", title="Not available",
                           detail=error.description), error.code


@bp.after_request
def _headers(response):
    origins = " ".join(g.get("lti_origins") or platform_origins(None, None))
    response.headers["Content-Security-Policy"] = CSP.format(forms=origins, frames=origins)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers["Referrer-Policy"] = "no-referrer"  # frame URLs carry the launch id
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


from . import deeplink, launch, student, teacher, tool  # noqa: E402,F401
