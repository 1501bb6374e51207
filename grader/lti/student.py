"""A learner's launch: paste or upload the essay, graded and stored; feedback if allowed."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from ..admission import document_cost, turns
from ..ingest import Budget, IngestError, IngestLimits, extract_text
from ..pipeline import grade
from ..store import get_store
from ..store import submissions as repo
from ..store.models import Submission
from ..store.overrides import final_result
from ..store.rubrics import resolve
from ..store.web_models import Assignment
from ..text.wordcount import words_over
from . import claims as c
from .ags import send_score
from .models import LtiAssignment, LtiGradePost, LtiLink
from .views import bp, frame


def _link_context(session, claims: dict[str, Any]):
    link = session.get(LtiLink, claims.get("_grader_link"))
    if link is None:
        abort(404, description="This activity is not linked to an assignment.")
    assignment = session.scalars(select(Assignment).where(
        Assignment.id == link.assignment_id)).first()
    settings = session.get(LtiAssignment, link.assignment_id)
    return link, assignment, settings


def _own_submission(session, owner_id: int, assignment_id: str, user_id: str):
    return session.scalars(select(Submission).where(
        Submission.owner_id == owner_id, Submission.assignment_ref == assignment_id,
        Submission.external_id == user_id[:200]).order_by(Submission.seq.desc())).first()


def _student_name(claims: dict[str, Any]) -> str:
    name = claims.get("name") or " ".join(
        p for p in (claims.get("given_name"), claims.get("family_name")) if p)
    return (name or claims.get("email") or claims["sub"])[:300]


@bp.get("/s/<string:launch_id>/essay", endpoint="essay_page")
def essay_page(launch_id: str):
    launch, platform = frame(launch_id)
    with get_store().read() as session:
        link, assignment, settings = _link_context(session, launch.claims)
        row = _own_submission(session, platform.owner_id, assignment.id, launch.claims["sub"])
        post = session.get(LtiGradePost, row.id) if row else None
        final = (row.final or final_result(row.report, None, None)) if row else None
        return render_template("lti/essay.html", launch_id=launch_id, assignment=assignment,
                               settings=settings, row=row, final=final, post=post,
                               error=request.args.get("error"))


def _essay_text() -> str:
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        budget = Budget(IngestLimits.from_config(current_app.config))
        data = upload.read()
        with turns(current_app).request_turn(document_cost(upload.filename, len(data))):
            return extract_text(data, upload.filename, budget)
    return request.form.get("text", "")


@bp.post("/s/<string:launch_id>/essay")
def submit_essay(launch_id: str):
    """Grade and store the essay as the learner's submission (one per learner and link)."""
    launch, platform = frame(launch_id)
    claims = launch.claims
    if c.is_teacher(claims.get(c.ROLES, [])):
        abort(403, description="Teachers see the class page, not the essay form.")
    try:
        text = _essay_text()
    except IngestError as exc:
        return _again(launch_id, str(exc))
    if not text.strip():
        return _again(launch_id, "Paste your essay or choose a file first.")
    if words_over(text, current_app.config["MAX_WORDS"]) is not None:
        return _again(launch_id, f"Essays can have at most {current_app.config['MAX_WORDS']} "
                                 "words.")
    store = get_store()
    with store.read() as session:
        link, assignment, settings = _link_context(session, claims)
        if _own_submission(session, platform.owner_id, assignment.id, claims["sub"]):
            return _again(launch_id, "You have already handed in this essay.")
        rubric = resolve(session, platform.owner_id, assignment.rubric_id)
        assignment_id, link_seq = assignment.id, link.id
        context_id, resource_link_id = link.context_id, link.resource_link_id
        send_now = settings is not None and (settings.auto_release or settings.released)
    if rubric is None:
        abort(404, description="This assignment's rubric is no longer available.")
    with turns(current_app).request_turn(len(text)):  # long essays take turns
        report = grade(text, rubric, essay=_student_name(claims)).to_dict()
    # student_ref is the name the teacher reads; external_id the LMS user id (AGS userId)
    fields = {"assignment_ref": assignment_id, "student_ref": _student_name(claims)[:200],
              "essay_name": _student_name(claims), "external_id": claims["sub"][:200],
              "metadata": {"lti": {"issuer": platform.issuer, "context": context_id,
                                   "resource_link": resource_link_id,
                                   "user": claims["sub"]}}}
    with store.write() as session:
        row = repo.create_submission(session, platform.owner_id, text=text, report=report,
                                     fields=fields, rubric=rubric)
        session.add(LtiGradePost(submission_id=row.id, link_id=link_seq, user_id=claims["sub"],
                                 state="held"))
        submission_id = row.id
    if send_now:
        send_score(submission_id)
    return redirect(url_for("lti.essay_page", launch_id=launch_id), 303)


def _again(launch_id: str, error: str):
    return redirect(url_for("lti.essay_page", launch_id=launch_id, error=error), 303)
