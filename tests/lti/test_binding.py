"""An assignment opens only from the course and deployment its deep link was made in (issue 15).

A teacher of another course (or of another deployment of the same LMS) who sets custom
`grader_assignment` to this course's assignment, or reuses its resource link id, is refused
with a 403 page: no class page, no overrides, no hand-ins.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grader.lti import claims as c
from grader.lti.models import LtiAssignment, LtiLaunch, LtiLink
from grader.store import get_store
from grader.store.models import Submission

from .conftest import INSTRUCTOR
from .test_flow import deep_link, hand_in, teacher_page

OTHER_COURSE = {c.CONTEXT: {"id": "course-8", "title": "History 9B"}}


def count(app, model) -> int:
    with get_store(app).read() as session:
        return session.scalar(select(func.count()).select_from(model))


def launch_response(browser, roles, sub: str, extra: dict):
    auth = browser.login()
    return browser.post_launch(browser.platform.id_token(auth["nonce"], roles=roles, sub=sub,
                                                         extra=extra), auth["state"])


@pytest.mark.parametrize("where", ["other course", "other deployment", "no course"])
@pytest.mark.parametrize("who", ["teacher", "student"])
def test_launch_from_elsewhere_with_the_assignment_id_is_refused(app, browser, where, who):
    assignment_id, _ = deep_link(browser)  # made in course-7, deployment deploy-1
    platform = browser.platform
    elsewhere = {"other course": OTHER_COURSE,
                 "other deployment": {c.DEPLOYMENT_ID: platform.other_deployment_id},
                 "no course": {c.CONTEXT: None}}[where]
    roles = INSTRUCTOR if who == "teacher" else (
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",)
    extra = {**platform.link_claims(assignment_id, link_id="link-in-9B"), **elsewhere}
    launches = count(app, LtiLaunch)
    response = launch_response(browser, roles, f"{who}-9b", extra)
    assert response.status_code == 403, response.text
    assert "made in another course or deployment" in response.text
    assert "tool picker" in response.text
    assert count(app, LtiLink) == 0 and count(app, LtiLaunch) == launches
    assert count(app, Submission) == 0


def test_reusing_another_courses_resource_link_id_is_refused(app, browser):
    assignment_id, _ = deep_link(browser)
    page = hand_in(browser, assignment_id)  # link-1 in course-7 exists now
    assert page.endswith("/essay")
    extra = {**browser.platform.link_claims("", link_id="link-1"), **OTHER_COURSE}
    response = launch_response(browser, INSTRUCTOR, "teacher-9b", extra)
    assert response.status_code == 403 and "another course" in response.text
    assert count(app, LtiLink) == 1


def test_the_own_course_still_opens_and_overrides(app, browser):
    assignment_id, _ = deep_link(browser)
    with get_store(app).read() as session:
        settings = session.get(LtiAssignment, assignment_id)
        assert (settings.deployment_id, settings.context_id) == ("deploy-1", "course-7")
    hand_in(browser, assignment_id)
    overview = browser.get(teacher_page(browser, assignment_id)).text
    assert "Student student-1" in overview


def test_an_assignment_made_before_the_binding_is_bound_at_its_first_launch(app, browser):
    assignment_id, _ = deep_link(browser)
    with get_store(app).write() as session:  # as the migration leaves a never-launched one
        settings = session.get(LtiAssignment, assignment_id)
        settings.deployment_id = settings.context_id = None
    teacher_page(browser, assignment_id)
    response = launch_response(browser, INSTRUCTOR, "teacher-9b", {
        **browser.platform.link_claims(assignment_id, link_id="link-9b"), **OTHER_COURSE})
    assert response.status_code == 403


def test_a_deep_link_made_outside_a_course_is_bound_to_the_first_launchs_course(app, browser):
    """Some LMSs send no context with the deep linking request: the first launch binds it."""
    from .conftest import Browser

    page = browser.launch(c.DEEP_LINKING_REQUEST, roles=INSTRUCTOR, sub="teacher-1",
                          extra={c.CONTEXT: None})
    response = browser.post(page, {"rubric": "stalin-rise", "title": "Essay"})
    assert response.status_code == 200
    with get_store(app).read() as session:
        [settings] = session.query(LtiAssignment).all()
        assert settings.context_id is None
        assignment_id = settings.assignment_id
    teacher_page(browser, assignment_id)  # course-7 launches first
    response = launch_response(Browser(app, browser.platform), INSTRUCTOR, "teacher-9b", {
        **browser.platform.link_claims(assignment_id, link_id="link-9b"), **OTHER_COURSE})
    assert response.status_code == 403
