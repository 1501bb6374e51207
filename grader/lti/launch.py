"""OIDC login initiation and the launch: validate, bind to the browser, start the frame.

Launch state lives in the database (lti_login_states, lti_launches), never only in a cookie.
The browser that started the login is recognised by a `SameSite=None; Secure` cookie or,
where the platform offers it (lti_storage_target), by the state kept in the platform's
storage with the LTI postMessage API; a launch with neither is accepted on the server-side
state alone unless LTI_REQUIRE_STATE_COOKIE is set.

An unauthenticated login stores only its state, nonce and a short frame name, and only for
the ten minutes a launch may use them (older ones are deleted at each login). A launch's
assignment must come from the course and deployment its deep link was made in.
"""

from __future__ import annotations

import re
import secrets
import urllib.parse

from flask import current_app, g, redirect, render_template, request, url_for
from sqlalchemy import delete, select

from ..store import get_store
from ..store.models import utcnow
from ..store.web_models import Assignment
from . import claims as c
from .models import LtiAssignment, LtiLaunch, LtiLink, LtiLoginState
from .platforms import find_platform
from .validate import STATE_LIFETIME, LaunchError, consume_state, platform_for, verify_token
from .views import bp, platform_origins, session_expiry, tool_url

COOKIE = "lti_state_"
STORAGE_TARGET_MAX = 100  # the column's length; real targets are "_parent" and the like
STORAGE_TARGET = re.compile(rf"[A-Za-z0-9_.:\-]{{1,{STORAGE_TARGET_MAX}}}")
_ELSEWHERE = ("This activity's grader assignment was made in another course or deployment "
              "of the LMS, so it cannot be opened from here. Ask the teacher to add the "
              "activity to this course with the LMS's tool picker (deep linking).")


def _param(name: str) -> str:
    return (request.values.get(name) or "").strip()


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Third-party initiated login: remember state and nonce, send the browser to the LMS."""
    issuer, hint = _param("iss"), _param("login_hint")
    if not issuer or not hint:
        raise LaunchError("The login request needs iss and login_hint.")
    storage = storage_target(_param("lti_storage_target"))
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    store = get_store()
    with store.read() as session:
        platform = find_platform(session, issuer[:500], (_param("client_id") or None))
        if platform is None:
            raise LaunchError(f"The issuer {issuer[:200]!r} is not registered with this tool: "
                              "an administrator must add it (grader lti add-platform).", 403)
        session.expunge(platform)
    with store.write() as session:
        purge_login_states(session)
        session.add(LtiLoginState(state=state, nonce=nonce, platform_id=platform.id,
                                  storage_target=storage))
    g.lti_origins = platform_origins(platform, None)
    query = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post",
             "prompt": "none", "client_id": platform.client_id,
             "redirect_uri": tool_url("lti.launch"), "login_hint": hint,
             "state": state, "nonce": nonce}
    if _param("lti_message_hint"):
        query["lti_message_hint"] = _param("lti_message_hint")
    target = platform.auth_login_url
    target += ("&" if "?" in target else "?") + urllib.parse.urlencode(query)
    if storage:
        response = current_app.make_response(render_template(
            "lti/storage_login.html", target=storage, origin=_origin(platform.auth_login_url),
            key=f"state_{state}", value=state, redirect_to=target))
    else:
        response = redirect(target, 302)
    response.set_cookie(COOKIE + state[:16], state, max_age=600, secure=True, httponly=True,
                        samesite="None", path="/lti")
    return response


def storage_target(value: str) -> str | None:
    """The platform storage frame named by the login (None if none), or a 400 LaunchError."""
    if not value:
        return None
    if not STORAGE_TARGET.fullmatch(value):
        raise LaunchError(f"lti_storage_target must name a frame: 1 to {STORAGE_TARGET_MAX} "
                          "letters, digits, '_', '-', '.' or ':' (such as _parent or "
                          "post_message_forwarding); this one is not "
                          f"({len(value)} characters).")
    return value


def purge_login_states(session) -> None:
    """Delete logins older than their lifetime: a launch could no longer use them anyway."""
    session.execute(delete(LtiLoginState).where(
        LtiLoginState.created_at < utcnow() - STATE_LIFETIME))


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@bp.post("/launch")
def launch():
    """The id_token POSTed by the LMS: validated, consumed once, stored as the frame session.

    The platform's keys are fetched (network) between a read and a short write, never
    inside a write transaction: a slow LMS holds up only its own launches.
    """
    id_token, state = request.form.get("id_token", ""), request.form.get("state", "")
    if not id_token:
        raise LaunchError((request.form.get("error_description") or "")[:500]
                          or "The LMS sent no id_token.")
    store = get_store()
    with store.read() as session:
        platform = platform_for(session, id_token)
        session.expunge(platform)
    g.lti_origins = platform_origins(platform, None)
    data = verify_token(platform, id_token)
    cookie = request.cookies.get(COOKIE + state[:16])
    if cookie is not None and not secrets.compare_digest(cookie, state):
        raise LaunchError("This launch was started in another browser.", 401)
    with store.write() as session:
        login = consume_state(session, platform, state, data["nonce"])
        confirmed = cookie is not None
        if not confirmed and not login.storage_target and \
                current_app.config["LTI_REQUIRE_STATE_COOKIE"]:
            raise LaunchError("The browser blocked the tool's cookie and the LMS offers no "
                              "platform storage: allow third-party cookies or open the "
                              "tool in a new window.", 401)
        confirmed = confirmed or not login.storage_target
        g.lti_origins = platform_origins(platform, data)
        if data[c.MESSAGE_TYPE] == c.RESOURCE_LINK_REQUEST:
            data["_grader_link"] = _link(session, platform, data)
        session.execute(delete(LtiLaunch).where(LtiLaunch.expires_at < utcnow()))
        row = LtiLaunch(id=secrets.token_urlsafe(32), platform_id=platform.id, state=state,
                        confirmed=confirmed, claims=data, expires_at=session_expiry())
        session.add(row)
        launch_id, storage = row.id, login.storage_target
        target = destination(launch_id, data)
    response = (redirect(target, 303) if confirmed else
                render_template("lti/storage_launch.html", target=storage,
                                origin=_origin(platform.auth_login_url), key=f"state_{state}",
                                confirm=url_for("lti.confirm", launch_id=launch_id)))
    response = current_app.make_response(response)
    response.delete_cookie(COOKIE + state[:16], path="/lti", secure=True, samesite="None")
    return response


@bp.post("/launch/<string:launch_id>/confirm")
def confirm(launch_id: str):
    """The state read back from platform storage: it must be the launch's own."""
    with get_store().write() as session:
        row = session.get(LtiLaunch, launch_id)
        sent = request.form.get("state", "")
        if row is None or row.confirmed or not secrets.compare_digest(sent, row.state):
            raise LaunchError("The launch could not be confirmed from the LMS's storage: "
                              "launch the tool again.", 401)
        row.confirmed = True
        claims = row.claims
    return redirect(destination(launch_id, claims), 303)


def _link(session, platform, data) -> int:
    """Tie the resource link to the assignment its deep link named (line item, roster URL).

    The assignment must have been made by deep linking in this launch's deployment and
    course: a link copied into another course, or a custom grader_assignment naming another
    course's assignment, is refused (403) instead of opening that course's essays.
    """
    deployment, context = str(data[c.DEPLOYMENT_ID]), c.context_id(data)
    link_id = str(data[c.RESOURCE_LINK]["id"])[:200]
    link = session.scalars(select(LtiLink).where(LtiLink.platform_id == platform.id,
                                                 LtiLink.resource_link_id == link_id)).first()
    if link is not None and (link.deployment_id, link.context_id) != (deployment, context):
        raise LaunchError(_ELSEWHERE, 403)
    custom = data.get(c.CUSTOM) or {}
    assignment_id = link.assignment_id if link is not None else \
        str(custom.get("grader_assignment") or "")[:32]
    assignment = session.scalars(select(Assignment).where(
        Assignment.id == assignment_id, Assignment.owner_id == platform.owner_id)).first()
    settings = session.get(LtiAssignment, assignment.id) if assignment is not None else None
    if assignment is None or settings is None or settings.platform_id != platform.id:
        raise LaunchError("This course link was not made with the grader's deep linking "
                          "(no grader_assignment): ask the teacher to add the activity again "
                          "from the LMS's tool picker.", 404)
    if settings.deployment_id is None:  # made before assignments recorded their course
        settings.deployment_id = deployment
    if settings.context_id is None:  # ... or deep linked outside a course (no context claim)
        settings.context_id = context
    if (settings.deployment_id, settings.context_id) != (deployment, context):
        current_app.logger.warning(
            "LTI launch refused: assignment %s belongs to deployment %r course %r, launched "
            "from deployment %r course %r", assignment.id, settings.deployment_id,
            settings.context_id, deployment, context)
        raise LaunchError(_ELSEWHERE, 403)
    ags = data.get(c.AGS_CLAIM) or {}
    nrps = data.get(c.NRPS_CLAIM) or {}
    if link is None:
        link = LtiLink(platform_id=platform.id, resource_link_id=link_id,
                       assignment_id=assignment.id, deployment_id=deployment,
                       context_id=context)
        session.add(link)
    link.lineitem_url = ags.get("lineitem") or link.lineitem_url
    link.memberships_url = nrps.get("context_memberships_url") or link.memberships_url
    session.flush()
    return link.id


def destination(launch_id: str, data: dict) -> str:
    """Where a launch goes: the rubric picker, the class page, or the essay page."""
    teacher = c.is_teacher(data.get(c.ROLES, []))
    if data[c.MESSAGE_TYPE] == c.DEEP_LINKING_REQUEST:
        if not teacher:
            raise LaunchError("Only a teacher can add the grader to a course.", 403)
        return url_for("lti.deep_link", launch_id=launch_id)
    if teacher:
        return url_for("lti.class_page", launch_id=launch_id)
    return url_for("lti.essay_page", launch_id=launch_id)

