"""Deep linking: the teacher picks a rubric; we return a signed ltiResourceLink with a line item."""

from __future__ import annotations

import secrets
import time

from flask import abort, render_template, request

from ..report.scoring import total_marks
from ..rubric import Rubric, bundled_rubrics, load_rubric
from ..store import get_store
from ..store.assignments import create_assignment
from . import claims as c
from . import keys
from .models import LtiAssignment
from .views import bp, frame, tool_url


def max_marks(rubric: Rubric) -> float:
    """The most marks an essay can get under this rubric."""
    return float(total_marks(rubric, {f.id: f.max_level for f in rubric.factors})[1])


def _choices() -> list[Rubric]:
    return [load_rubric(rid) for rid in bundled_rubrics()]


@bp.get("/s/<string:launch_id>/deep-link", endpoint="deep_link")
def deep_link_page(launch_id: str):
    launch, _ = frame(launch_id)
    _require(launch.claims)
    return render_template("lti/deep_link.html", launch_id=launch_id, rubrics=_choices(),
                           title=(launch.claims.get(c.CONTEXT) or {}).get("title", ""))


def _require(claims: dict) -> None:
    if claims.get(c.MESSAGE_TYPE) != c.DEEP_LINKING_REQUEST or not c.is_teacher(
            claims.get(c.ROLES, [])):
        abort(403, description="Only a teacher adding the tool to a course can do this.")


def response_claims(claims: dict, platform, items: list[dict]) -> dict:
    """The LtiDeepLinkingResponse claims sent back to the platform."""
    now = int(time.time())
    body = {"iss": platform.client_id, "aud": [platform.issuer], "azp": platform.client_id,
            "iat": now, "exp": now + 600, "nonce": secrets.token_urlsafe(16),
            c.DEPLOYMENT_ID: claims[c.DEPLOYMENT_ID], c.MESSAGE_TYPE: c.DEEP_LINKING_RESPONSE,
            c.VERSION: "1.3.0", c.DL_CONTENT_ITEMS: items}
    data = (claims.get(c.DL_SETTINGS) or {}).get("data")
    if data is not None:
        body[c.DL_DATA] = data
    return body


@bp.post("/s/<string:launch_id>/deep-link")
def deep_link_submit(launch_id: str):
    """Create the assignment and answer the platform with an auto-submitted signed form."""
    launch, platform = frame(launch_id)
    _require(launch.claims)
    rubric_id = request.form.get("rubric", "")
    if rubric_id not in bundled_rubrics():
        abort(400, description="Choose one of the listed rubrics.")
    rubric = load_rubric(rubric_id)
    title = (request.form.get("title") or rubric.title).strip()[:200]
    with get_store().write() as session:
        assignment = create_assignment(session, platform.owner_id, title, rubric_id)
        session.add(LtiAssignment(assignment_id=assignment.id, platform_id=platform.id,
                                  show_feedback=bool(request.form.get("show_feedback")),
                                  auto_release=bool(request.form.get("auto_release")),
                                  deployment_id=str(launch.claims[c.DEPLOYMENT_ID]),
                                  context_id=c.context_id(launch.claims) or None))
        item = {"type": "ltiResourceLink", "title": title, "url": tool_url("lti.launch"),
                "text": rubric.question[:1000] if rubric.question else "",
                "custom": {"grader_assignment": assignment.id},
                "lineItem": {"scoreMaximum": max_marks(rubric), "label": title,
                             "resourceId": assignment.id, "tag": "grader"}}
        jwt = keys.sign(session, response_claims(launch.claims, platform, [item]))
    settings = launch.claims[c.DL_SETTINGS]
    return render_template("lti/autosubmit.html", action=settings["deep_link_return_url"],
                           jwt=jwt)
