"""LTI pages show hostile names, titles and essay text escaped (student, class, report)."""

from __future__ import annotations

from .conftest import ESSAY, INSTRUCTOR
from .test_flow import deep_link

NAME = "<img src=x onerror=alert('name')>"
TITLE = "<svg onload=alert('title')>"
SCRIPT = "<script>alert('essay')</script>"
RAW = ["<img src=x", "<svg onload", "<script>alert"]


def test_lti_pages_escape_what_the_lms_and_the_student_send(browser):
    assignment_id, _ = deep_link(browser, title=TITLE)
    link = browser.platform.link_claims(assignment_id)
    page = browser.launch(sub="student-x", extra={**link, "name": NAME,
                                                   "given_name": NAME, "family_name": NAME})
    response = browser.post(page, {"text": SCRIPT + " " + ESSAY})
    assert response.status_code == 303
    student_view = browser.get(page).text
    class_page = browser.launch(roles=INSTRUCTOR, sub="teacher-1", extra=link)
    overview = browser.get(class_page).text
    report_path = next(part.split('"')[0] for part in overview.split('href="')[1:]
                       if "/essays/" in part.split('"')[0])
    report = browser.get(report_path).text
    for body in (student_view, overview, report):
        for raw in RAW:
            assert raw not in body, raw
    assert "&lt;img src=x onerror" in overview
    assert "&lt;script&gt;alert(" in report
