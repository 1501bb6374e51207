"""The web blueprint: hooks (teacher, CSRF), error pages and template helpers; views below."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from .security import check_csrf, csrf_token, load_teacher

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/web")


def _upload_limit() -> None:
    """Class uploads may be larger than API bodies: set the limit before the form is read."""
    if request.endpoint == "web.upload":
        request.max_content_length = int(current_app.config.get("WEB_MAX_UPLOAD",
                                                                100 * 1024 * 1024))


bp.before_request(_upload_limit)
bp.before_request(load_teacher)
bp.before_request(check_csrf)


@bp.app_template_global()
def csrf_field_value() -> str:
    return csrf_token()


@bp.errorhandler(HTTPException)
def _error_page(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    titles = {400: "Bad request", 403: "Not allowed", 404: "Not found",
              405: "Not allowed", 413: "Upload too large"}
    return render_template("error.html", status=status, title=titles.get(status, "Error"),
                           detail=error.description), status


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


from . import accounts, assignments, overview, report, upload  # noqa: E402,F401
