"""Hostile text is shown escaped on every page, and CSV exports neutralise formulas.

HTML/JS in essay text, student refs, assignment and rubric titles and factor names (entered
through the API and the web pages) appears escaped on the API docs, the rubric view, the
assignments list, the class overview, the report and the feedback sheets. Cells starting with
= + - @ tab or CR come out of all three CSV exports (API, batch results, web) with a leading '.
"""

from __future__ import annotations

import csv
import io

import pytest
import yaml

from grader import create_app
from grader.jobs import get_executor
from grader.rubric import load_rubric
from grader.store import get_store
from grader.store.keys import create_key

from ..web.conftest import Teacher

SCRIPT = "<script>alert('essay')</script>"
STUDENT = "<img src=x onerror=alert('student')>"
ASSIGNMENT = "<svg onload=alert('assignment')>"
RUBRIC_TITLE = "Rubric <script>alert('title')</script>"
FACTOR = "<iframe src=javascript:alert('factor')>"
QUESTION = "Why? <a href=\"javascript:alert('q')\">click</a>"
RAW = ["<script>alert", "<img src=x", "<svg onload", "<iframe", "<a href=\"javascript"]
ESCAPED = ["&lt;script&gt;alert(", "&lt;img src=x onerror", "&lt;svg onload",
           "&lt;iframe src=javascript", "&lt;a href="]
FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1:A9)", "\t=1+2", "\r=1+2"]
ESSAY = ("Stalin rose to power after Lenin died in 1924. Lenin's Testament warned against "
         "Stalin, but Zinoviev and Kamenev kept it secret. ")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A teacher signed in, an API key of the same owner, a hostile rubric and assignment,
    one hostile essay in it."""
    path = tmp_path_factory.mktemp("esc") / "g.sqlite3"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "WARM_UP": False,
                      "LOG_LEVEL": "ERROR", "RATE_LIMIT": 0, "SECRET_KEY": "t",
                      "WEB_SECURE_COOKIES": False})
    teacher = Teacher(app, "amy@school.org")
    with get_store(app).write() as session:
        _, key = create_key(session, "lms", "amy@school.org", None)
    auth = {"Authorization": f"Bearer {key}"}
    raw = load_rubric("stalin-rise").raw
    raw = {**raw, "id": "xss-rubric", "title": RUBRIC_TITLE, "question": QUESTION,
           "factors": [{**raw["factors"][0], "title": FACTOR, "description": SCRIPT},
                       *raw["factors"][1:]]}
    api = app.test_client()
    r = api.post("/api/v1/rubrics", data=yaml.safe_dump(raw), headers=auth,
                 content_type="application/yaml")
    assert r.status_code == 201, r.json
    aid = teacher.new_assignment(ASSIGNMENT, "xss-rubric")
    r = api.post("/api/v1/submissions", headers=auth, json={
        "rubric": "xss-rubric", "text": SCRIPT + " " + ESSAY, "student_ref": STUDENT,
        "assignment_ref": aid, "external_id": SCRIPT, "metadata": {"note": SCRIPT}})
    assert r.status_code == 201, r.json
    yield app, teacher, auth, aid, r.json["id"]
    get_executor(app).wait_idle(30)
    get_store(app).dispose()


def test_pages_show_hostile_text_escaped(world):
    app, teacher, _, aid, sid = world
    pages = {path: teacher.get(path) for path in [
        "/assignments", f"/assignments/{aid}", f"/essays/{sid}", f"/essays/{sid}/sheet",
        f"/assignments/{aid}/sheets", "/rubrics/xss-rubric", f"/assignments/{aid}/upload",
        "/assignments/new"]}
    shown = ""
    for path, response in pages.items():
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        for raw in RAW:
            assert raw not in body, (path, raw)
        shown += body
    for escaped in ESCAPED[:4]:  # each payload is on some page, as text
        assert escaped in shown, escaped


def test_api_docs_and_errors_never_reflect_markup(world):
    app, _, auth, _, _ = world
    client = app.test_client()
    docs = client.get("/api/docs?x=<script>alert(1)</script>")
    assert docs.status_code == 200 and "<script>alert" not in docs.get_data(as_text=True)
    r = client.get("/api/v1/rubrics/<script>alert(1)</script>", headers=auth)
    assert r.status_code == 404 and r.content_type == "application/problem+json"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get("/assignments/<img src=x onerror=alert(1)>")  # signed out: redirect
    assert page.status_code == 302 and "<img" not in page.get_data(as_text=True)
    teacher = world[1]
    for path in ("/essays/<img src=x onerror=alert(1)>", "/rubrics/<img src=x onerror=a()>",
                 "/assignments/<img src=x onerror=alert(1)>"):
        missing = teacher.get(path)
        assert missing.status_code == 404 and "<img" not in missing.text, path
    # an unknown path is a problem+json document (never HTML), even when it echoes the path
    unknown = client.get("/nothing/<script>alert(1)</script>")
    assert unknown.content_type == "application/problem+json"
    assert "script-src 'self'" in unknown.headers["Content-Security-Policy"]


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_neutralised(text: str, payloads: list[str]) -> None:
    all_cells = cells(text)
    for payload in payloads:
        holding = [c for c in all_cells if payload.strip() in c]
        assert holding, (payload, all_cells[:40])
        for cell in holding:
            assert cell.startswith("'"), (payload, cell)
    for cell in all_cells:  # no cell anywhere starts a formula
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        assert not (cell.startswith("-") and not cell.lstrip("-").replace(".", "").isdigit())


def test_api_and_web_csv_exports_neutralise_formulas(world):
    app, teacher, auth, aid, _ = world
    client = app.test_client()
    for n, payload in enumerate(FORMULAS):
        r = client.post("/api/v1/submissions", headers=auth, json={
            "rubric": "stalin-rise", "text": ESSAY, "student_ref": payload,
            "assignment_ref": aid, "external_id": f"{payload}-{n}"})
        assert r.status_code == 201, (payload, r.json)
    api_csv = client.get(f"/api/v1/submissions/export.csv?assignment_ref={aid}", headers=auth)
    assert_neutralised(api_csv.get_data(as_text=True), FORMULAS)
    web_csv = teacher.get(f"/assignments/{aid}/export.csv")
    assert web_csv.status_code == 200
    assert_neutralised(web_csv.get_data(as_text=True), FORMULAS)


def test_batch_csv_results_neutralise_formulas(world):
    app, _, auth, _, _ = world
    client = app.test_client()
    r = client.post("/api/v1/batches", headers=auth, json={
        "rubric": "stalin-rise", "essays": [
            {"text": ESSAY, "essay": payload, "student_ref": payload} for payload in FORMULAS]
        + [{"text": "", "essay": "=HYPERLINK(\"http://x\")"}]})
    assert r.status_code == 202, r.json
    assert get_executor(app).wait_idle(30)
    out = client.get(f"/api/v1/batches/{r.json['id']}/results?format=csv", headers=auth)
    assert out.status_code == 200
    assert_neutralised(out.get_data(as_text=True), FORMULAS + ['=HYPERLINK("http://x")'])
