"""A teacher's launch: the class overview and essay reports in the frame; release, override."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from marshmallow import ValidationError
from sqlalchemy import select

from ..api.schemas import OverrideSchema
from ..store import get_store
from ..store import submissions as repo
from ..store.assignments import assignment_submissions
from ..store.overrides import OverrideError, changes_between, final_result, merge_override
from ..store.rubrics import rubric_that_graded
from ..web.classview import class_view
from ..web.highlight import essay_marks, render
from ..web.overrides import FormError, form_patch
from ..web.report import factor_views
from . import claims as c
from .ags import send_score, send_scores
from .http import ServiceError
from .models import LtiAssignment, LtiGradePost, LtiLink
from .nrps import learners
from .views import bp, frame

_OVERRIDE = OverrideSchema()


def _teacher(launch_id: str):
    launch, platform = frame(launch_id)
    if not c.is_teacher(launch.claims.get(c.ROLES, [])):
        abort(403, description="Only the course's teachers can see this page.")
    return launch, platform


def _link(session, launch):
    link = session.get(LtiLink, launch.claims.get("_grader_link"))
    if link is None:
        abort(404, description="This activity is not linked to an assignment.")
    return link


def _posts(session, link_id: int) -> dict[str, LtiGradePost]:
    rows = session.scalars(select(LtiGradePost).where(LtiGradePost.link_id == link_id))
    return {p.submission_id: p for p in rows}


@bp.get("/s/<string:launch_id>/class", endpoint="class_page")
def class_page(launch_id: str):
    launch, platform = _teacher(launch_id)
    with get_store().read() as session:
        link = _link(session, launch)
        settings = session.get(LtiAssignment, link.assignment_id)
        rows = assignment_submissions(session, platform.owner_id, link.assignment_id)
        view = class_view(rows)
        posts = _posts(session, link.id)
        missing, roster_error = [], None
        if link.memberships_url:
            try:
                done = {r.external_id for r in rows}
                missing = [m for m in learners(session, platform, link.memberships_url)
                           if m.user_id not in done]
            except ServiceError as exc:
                roster_error = str(exc)
        return render_template("lti/class.html", launch_id=launch_id, view=view, posts=posts,
                               settings=settings, missing=missing, roster_error=roster_error,
                               has_roster=bool(link.memberships_url),
                               notice=request.args.get("notice"))


def _release_targets(session, link_id: int, failed_only: bool) -> list[str]:
    states = ("failed",) if failed_only else ("held", "failed", "pending")
    return list(session.scalars(select(LtiGradePost.submission_id).where(
        LtiGradePost.link_id == link_id, LtiGradePost.state.in_(states))))


@bp.post("/s/<string:launch_id>/release")
def release(launch_id: str):
    """Send every held (and failed) score to the LMS; later submissions go at once."""
    launch, _ = _teacher(launch_id)
    failed_only = request.form.get("only") == "failed"
    with get_store().write() as session:
        link = _link(session, launch)
        settings = session.get(LtiAssignment, link.assignment_id)
        if settings is not None and not failed_only:
            settings.released = True
        targets = _release_targets(session, link.id, failed_only)
    counts = send_scores(targets)
    notice = f"{counts['sent']} sent to the gradebook, {counts['failed']} failed."
    return redirect(url_for("lti.class_page", launch_id=launch_id, notice=notice), 303)


def _row(session, platform, link, submission_id: str):
    row = repo.get_submission(session, platform.owner_id, submission_id)
    if row is None or row.assignment_ref != link.assignment_id:
        abort(404, description="There is no essay with that id in this activity.")
    return row


def _report_context(session, platform, row, errors=None) -> dict:
    rubric = rubric_that_graded(session, platform.owner_id, row.rubric_id, row.rubric_digest)
    final = row.final if row.final is not None else final_result(row.report, None, None)
    factors = factor_views(row.report, final, rubric)
    essay = render(row.text, essay_marks(row.report, {f.id: f.colour for f in factors},
                                         {f.id: f.title for f in factors}))
    return {"row": row, "final": final, "factors": factors, "essay_html": essay,
            "post": session.get(LtiGradePost, row.id), "errors": errors or {}}


@bp.get("/s/<string:launch_id>/essays/<string:submission_id>", endpoint="report_page")
def report_page(launch_id: str, submission_id: str):
    launch, platform = _teacher(launch_id)
    with get_store().read() as session:
        row = _row(session, platform, _link(session, launch), submission_id)
        return render_template("lti/report.html", launch_id=launch_id,
                               saved=request.args.get("saved"),
                               **_report_context(session, platform, row))


@bp.post("/s/<string:launch_id>/essays/<string:submission_id>")
def change_report(launch_id: str, submission_id: str):
    """The teacher's override (same rules as the web page); a sent score is updated."""
    launch, platform = _teacher(launch_id)
    errors: dict[str, str] = {}
    resend = False
    with get_store().write() as session:
        row = _row(session, platform, _link(session, launch), submission_id)
        final = row.final if row.final is not None else final_result(row.report, None, None)
        rubric = rubric_that_graded(session, platform.owner_id, row.rubric_id, row.rubric_digest)
        try:
            patch = _OVERRIDE.load(form_patch(request.form, final, row.override, rubric))
            merged = merge_override(row.override, patch)
            new_final = final_result(row.report, merged, rubric)
        except (FormError, OverrideError) as exc:
            errors[exc.field] = exc.message
        except ValidationError as exc:
            errors["form"] = f"These changes are not valid: {exc.messages}"
        if not errors:
            changes = changes_between(final, new_final)
            if changes:
                who = launch.claims.get("email") or launch.claims["sub"]
                repo.change_submission(session, row, merged, new_final, changes,
                                       f"lti:{who}"[:200])
                post = session.get(LtiGradePost, row.id)
                resend = post is not None and post.state in ("sent", "failed")
    if not errors:
        if resend:
            send_score(submission_id)
        return redirect(url_for("lti.report_page", launch_id=launch_id,
                                submission_id=submission_id, saved=1), 303)
    with get_store().read() as session:
        row = _row(session, platform, _link(session, launch), submission_id)
        return render_template("lti/report.html", launch_id=launch_id, saved=None,
                               **_report_context(session, platform, row, errors)), 422
