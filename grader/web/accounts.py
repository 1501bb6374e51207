"""Sign in and sign out."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..store import get_store
from ..store.teachers import check_sign_in
from .security import safe_next, sign_in, sign_out
from .throttle import SignInThrottle
from .views import bp


@bp.get("/")
def home() -> ResponseReturnValue:
    return redirect(url_for("web.assignments" if g.teacher else "web.sign_in"))


def _throttle() -> SignInThrottle:
    throttle = current_app.extensions.get("grader.web.signin")
    if throttle is None:
        throttle = current_app.extensions["grader.web.signin"] = SignInThrottle(
            int(current_app.config.get("WEB_SIGNIN_LIMIT", 10)),
            float(current_app.config.get("WEB_SIGNIN_WINDOW", 900)))
    return throttle


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_page() -> ResponseReturnValue:
    error = None
    email = ""
    status = 200
    if request.method == "POST":
        email = request.form.get("email", "").strip()[:320]
        password = request.form.get("password", "")[:1000]
        keys = (f"ip:{request.remote_addr}", f"email:{email.lower()}")
        throttle = _throttle()
        wait = throttle.wait(*keys)
        if wait:
            minutes = max(1, round(wait / 60))
            error = (f"Too many failed sign-ins. Try again in about {minutes} minute"
                     f"{'s' if minutes != 1 else ''}.")
            return render_template("sign_in.html", error=error, email=email), 429, {
                "Retry-After": str(wait)}
        with get_store().write() as session:
            teacher = check_sign_in(session, email, password)
            if teacher is not None:
                session.expunge(teacher)
        if teacher is not None:
            throttle.succeeded(keys[1])
            sign_in(teacher)
            return redirect(safe_next(request.args.get("next")))
        throttle.failed(*keys)
        error = "That e-mail address and password do not match an account."
        status = 401
    return render_template("sign_in.html", error=error, email=email), status


@bp.post("/sign-out", endpoint="sign_out")
def sign_out_page() -> ResponseReturnValue:
    sign_out()
    return redirect(url_for("web.sign_in"))
