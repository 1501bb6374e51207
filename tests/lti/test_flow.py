"""Deep link -> student launch -> submission -> scores at the platform; overrides; roster."""

from __future__ import annotations

import re

import jwt
import pytest
from jwt.algorithms import RSAAlgorithm

from grader.lti import claims as c
from grader.lti.deeplink import max_marks
from grader.rubric import load_rubric
from grader.store import get_store
from grader.store.models import Submission

from .conftest import ESSAY, INSTRUCTOR, form_value


def deep_link(browser, **options: str) -> tuple[str, dict]:
    """The teacher adds the activity; the assignment id and the verified response claims."""
    page = browser.launch(c.DEEP_LINKING_REQUEST, roles=INSTRUCTOR, sub="teacher-1")
    assert page.endswith("/deep-link")
    assert "stalin-rise" in browser.get(page).text
    response = browser.post(page, {"rubric": "stalin-rise", "title": "Stalin essay",
                                   **options})
    assert response.status_code == 200
    assert f'action="{browser.platform.url}/deep-link-return"' in response.text
    token = form_value(response.text, "JWT")
    jwks = browser.get("/lti/jwks.json").json
    kid = jwt.get_unverified_header(token)["kid"]
    key = RSAAlgorithm.from_jwk(next(k for k in jwks["keys"] if k["kid"] == kid))
    claims = jwt.decode(token, key, algorithms=["RS256"], audience=browser.platform.issuer)
    item = claims[c.DL_CONTENT_ITEMS][0]
    return item["custom"]["grader_assignment"], claims


def hand_in(browser, assignment_id: str, sub: str = "student-1", roster: bool = False) -> str:
    page = browser.launch(sub=sub, extra=browser.platform.link_claims(assignment_id,
                                                                      roster=roster))
    assert page.endswith("/essay")
    assert "Hand in" in browser.get(page).text
    response = browser.post(page, {"text": ESSAY})
    assert response.status_code == 303
    return page


def teacher_page(browser, assignment_id: str, roster: bool = False) -> str:
    page = browser.launch(roles=INSTRUCTOR, sub="teacher-1",
                          extra=browser.platform.link_claims(assignment_id, roster=roster))
    assert page.endswith("/class")
    return page


def stored(app) -> list[Submission]:
    with get_store(app).read() as session:
        rows = list(session.query(Submission).order_by(Submission.seq))
        session.expunge_all()
        return rows


def test_deep_link_returns_signed_resource_link_with_line_item(browser):
    assignment_id, claims = deep_link(browser)
    assert claims[c.MESSAGE_TYPE] == c.DEEP_LINKING_RESPONSE
    assert claims[c.DEPLOYMENT_ID] == browser.platform.deployment_id
    assert claims[c.DL_DATA] == "dl-42"
    assert claims["iss"] == browser.platform.client_id
    item = claims[c.DL_CONTENT_ITEMS][0]
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == "https://localhost/lti/launch"
    assert item["lineItem"]["scoreMaximum"] == max_marks(load_rubric("stalin-rise")) > 0
    assert item["lineItem"]["resourceId"] == assignment_id


def test_student_submission_then_release_and_override_post_scores(app, browser):
    platform = browser.platform
    assignment_id, _ = deep_link(browser)
    page = hand_in(browser, assignment_id)
    confirmation = browser.get(page).text
    assert "was handed in" in confirmation
    assert "Your teacher will release" in confirmation  # feedback not shown by default
    [row] = stored(app)
    assert row.student_ref == "Student student-1" and row.external_id == "student-1"
    assert row.assignment_ref == assignment_id
    assert platform.scores == []  # held until the teacher releases

    teacher = teacher_page(browser, assignment_id)
    overview = browser.get(teacher).text
    assert "Student student-1" in overview and "not released" in overview
    response = browser.post(teacher.replace("/class", "/release"), {})
    assert response.status_code == 303 and "1+sent" in response.location
    [score] = platform.scores
    assert score["userId"] == "student-1"
    assert score["scoreGiven"] == row.marks
    assert score["scoreMaximum"] == row.max_marks
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    assert score["lineitem"] == "1" and score["timestamp"]

    # the teacher's override sends an update
    report = teacher.replace("/class", f"/essays/{row.id}")
    new_total = row.max_marks - 1 if row.marks != row.max_marks - 1 else row.max_marks
    response = browser.post(report, {"total": str(new_total), "summary": "Well argued."})
    assert response.status_code == 303, response.text
    assert len(platform.scores) == 2
    assert platform.scores[1]["scoreGiven"] == new_total
    assert platform.scores[1]["comment"] == "Well argued."
    assert "sent" in browser.get(report).text


def test_auto_release_shows_feedback_and_posts_at_once(app, browser):
    assignment_id, _ = deep_link(browser, show_feedback="1", auto_release="1")
    page = hand_in(browser, assignment_id, sub="student-2")
    text = browser.get(page).text
    [row] = stored(app)
    assert re.search(rf"Mark: {row.marks:g} / {row.max_marks:g}", text)
    assert [s["userId"] for s in browser.platform.scores] == ["student-2"]
    # a second hand-in is refused, nothing new stored
    response = browser.post(page, {"text": ESSAY})
    assert "already handed in" in browser.get(response.location).text
    assert len(stored(app)) == 1


def test_failed_post_is_recorded_shown_and_retried(app, browser):
    platform = browser.platform
    assignment_id, _ = deep_link(browser)
    hand_in(browser, assignment_id)
    teacher = teacher_page(browser, assignment_id)
    platform.fail_scores = 2  # both attempts fail
    response = browser.post(teacher.replace("/class", "/release"), {})
    assert "0+sent" in response.location and "1+failed" in response.location
    overview = browser.get(teacher).text
    assert "failed" in overview and "answered 500: gradebook is down" in overview
    assert platform.scores == []
    response = browser.post(teacher.replace("/class", "/release"), {"only": "failed"})
    assert "1+sent" in response.location
    assert len(platform.scores) == 1


def test_retry_with_backoff_succeeds_on_second_attempt(app, browser):
    assignment_id, _ = deep_link(browser, auto_release="1")
    browser.platform.fail_scores = 1
    hand_in(browser, assignment_id)
    assert len(browser.platform.scores) == 1


def test_roster_lists_students_who_have_not_handed_in(browser):
    platform = browser.platform
    learner = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
    platform.members = [
        {"user_id": "student-1", "name": "Ada", "roles": [learner], "status": "Active"},
        {"user_id": "student-9", "name": "Boris Late", "roles": [learner]},
        {"user_id": "teacher-1", "name": "Ms T", "roles": list(INSTRUCTOR)}]
    assignment_id, _ = deep_link(browser)
    hand_in(browser, assignment_id, roster=True)
    overview = browser.get(teacher_page(browser, assignment_id, roster=True)).text
    missing = re.search(r'<ul id="missing">(.*?)</ul>', overview, re.S)[1]
    assert "Boris Late" in missing and "Ada" not in missing and "Ms T" not in missing


@pytest.mark.parametrize("path", ["/class", "/release"])
def test_learner_cannot_open_teacher_pages(browser, path):
    assignment_id, _ = deep_link(browser)
    page = hand_in(browser, assignment_id)
    response = browser.get(page.replace("/essay", path)) if path == "/class" else \
        browser.post(page.replace("/essay", path), {})
    assert response.status_code == 403
