"""Sign in and sign out."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..store import get_store
from ..store.web_sessions import sign_in as start_session
from . import throttle
from .security import safe_next, sign_in, sign_out
from .views import bp


@bp.get("/")
def home() -> ResponseReturnValue:
    return redirect(url_for("web.assignments" if g.teacher else "web.sign_in"))


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_page() -> ResponseReturnValue:
    error = None
    email = ""
    status = 200
    if request.method == "POST":
        email = request.form.get("email", "").strip()[:320]
        password = request.form.get("password", "")[:1000]
        started = start_session(get_store(), email, password,
                                current_app.permanent_session_lifetime)
        if started is not None:
            throttle.succeeded()
            sign_in(started[1])
            return redirect(safe_next(request.args.get("next")))
        error = "That e-mail address and password do not match an account."
        status = 401
    return render_template("sign_in.html", error=error, email=email), status


bp.register_error_handler(429, throttle.too_many_sign_ins)


@bp.post("/sign-out", endpoint="sign_out")
def sign_out_page() -> ResponseReturnValue:
    sign_out()
    return redirect(url_for("web.sign_in"))
