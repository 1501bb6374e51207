"""One owner's data never reaches another: every route of the app, walked as owner B.

Owner A (a teacher with an API key, and an LMS of its own) has a rubric, an assignment,
submissions with an override, an API batch, a web upload and an LTI hand-in. Owner B (another
teacher with a key, and another LMS) then calls every route in `app.url_map` - A's ids in the
URL or body where the route takes one - and every list filter, export and batch result.

For each call: no marker of A's (ids, student refs, essay text, titles, comments, launch ids)
appears in B's response, except a value B itself sent; B's answer for A's real id is the
same as for a made-up id of the same shape (status and, for errors, body), so B cannot even
learn that A's id exists; and direct access to A's things is 404.

ROUTES classifies every endpoint: a new route fails test_every_route_is_classified until it
is added here with the calls that probe it.
"""

from __future__ import annotations

import random
import re
import string
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import select

from grader import create_app
from grader.cli.main import cli
from grader.jobs import get_executor
from grader.lti import claims as c
from grader.rubric import load_rubric
from grader.store import get_store
from grader.store.keys import create_key
from grader.store.models import Submission

from ..lti.conftest import INSTRUCTOR, Browser
from ..lti.platform import Platform
from ..lti.test_flow import deep_link
from ..web.conftest import Teacher

TAG = uuid.uuid4().hex[:6]
ESSAY = ("Stalin rose to power after Lenin died in 1924. Lenin's Testament warned against "
         "Stalin, but Zinoviev and Kamenev kept it secret. ")
A_TEXT = {  # markers of A's that are not ids
    "rubric_title": f"A rubric title {TAG}", "assignment_title": f"A assignment {TAG}",
    "student": f"a-student-{TAG}", "external_id": f"a-ext-{TAG}", "essay": f"a-essay-{TAG}",
    "comment": f"a-comment-{TAG}", "batch_student": f"a-batch-student-{TAG}",
    "batch_essay": f"a-batch-essay-{TAG}", "web_student": f"a-web-student-{TAG}",
    "lti_title": f"A LMS link {TAG}", "lti_student": f"A LMS student {TAG}",
    "idempotency": f"a-idem-{TAG}", "factor": f"A factor {TAG}",
}


@dataclass
class Call:
    """One request by B; `{name}` in the path, query or body is A's id (or its ghost)."""

    who: str  # api (B's key), web (B signed in), lti-teacher, lti-student, anon
    method: str
    path: str
    expect: int | str | None = None  # a status, "error" (4xx), or None (same as the ghost)
    json: Any = None
    data: dict[str, Any] | None = None
    body: str | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    stores: bool = False  # B keeps what it sent (e.g. A's assignment id as its own ref)

    def render(self, values: dict[str, str]) -> tuple[Call, set[str]]:
        used: set[str] = set()

        def fill(obj: Any) -> Any:
            if isinstance(obj, str):
                for name, value in values.items():
                    if "{" + name + "}" in obj:
                        used.add(value)
                        obj = obj.replace("{" + name + "}", value)
                return obj
            if isinstance(obj, dict):
                return {k: fill(v) for k, v in obj.items()}
            if isinstance(obj, list):
                return [fill(v) for v in obj]
            return obj

        return Call(self.who, self.method, fill(self.path), self.expect, fill(self.json),
                    fill(self.data), fill(self.body), self.content_type,
                    fill(self.headers), self.stores), used


def b_rubric(rubric_id: str = "{rubric}") -> dict[str, Any]:
    return dict(load_rubric("stalin-rise").raw, id=rubric_id, title="B's own rubric")


LISTS = ["", "?assignment_ref={aid}", "?student_ref=" + A_TEXT["student"], "?rubric={rubric}",
         "?external_id=" + A_TEXT["external_id"], "?assignment_ref={lti_aid}", "?limit=500"]
ESSAYS = [{"text": ESSAY, "essay": "b-essay"}]

ROUTES: dict[str, list[Call]] = {
    # the API, with B's key
    "api_grade.grade_essay": [
        Call("api", "POST", "/api/v1/grade", 422, json={"rubric": "{rubric}", "text": ESSAY})],
    "api_rubrics.list_rubrics": [Call("api", "GET", "/api/v1/rubrics", 200)],
    "api_rubrics.create_rubric": [  # B may use the same id for its own rubric
        Call("api", "POST", "/api/v1/rubrics", 201, json=b_rubric()),
        Call("api", "DELETE", "/api/v1/rubrics/{rubric}", 204)],
    "api_rubrics.get_rubric": [Call("api", "GET", "/api/v1/rubrics/{rubric}", 404)],
    "api_rubrics.replace_rubric": [
        Call("api", "PUT", "/api/v1/rubrics/{rubric}", 404, json=b_rubric())],
    "api_rubrics.delete_rubric": [Call("api", "DELETE", "/api/v1/rubrics/{rubric}", 404)],
    "api_rubrics.validate_rubric": [
        Call("api", "POST", "/api/v1/rubrics/validate", 200, json=b_rubric())],
    "api_submissions.create_submission": [
        Call("api", "POST", "/api/v1/submissions", 422, json={"rubric": "{rubric}",
                                                              "text": ESSAY}),
        Call("api", "POST", "/api/v1/submissions", 201,
             json={"rubric": "stalin-rise", "text": ESSAY, "assignment_ref": "{aid}"},
             headers={"Idempotency-Key": "{idem}"}, stores=True)],
    "api_submissions.list_submissions": [
        Call("api", "GET", "/api/v1/submissions" + q, 200) for q in LISTS],
    "api_submissions.export_submissions": [
        Call("api", "GET", "/api/v1/submissions/export.csv" + q, 200) for q in LISTS],
    "api_submissions.get_submission": [
        Call("api", "GET", f"/api/v1/submissions/{{{s}}}", 404)
        for s in ("sub", "batch_sub", "web_sub", "lti_sub")],
    "api_submissions.override_submission": [
        Call("api", "PATCH", "/api/v1/submissions/{sub}", 404, json={"marks": 0}),
        Call("api", "PATCH", "/api/v1/submissions/{lti_sub}", 404, json={"marks": 0})],
    "api_submissions.delete_submission": [
        Call("api", "DELETE", "/api/v1/submissions/{sub}", 404),
        Call("api", "DELETE", "/api/v1/submissions/{lti_sub}", 404)],
    "api_batches.create_batch": [
        Call("api", "POST", "/api/v1/batches", 422, json={"rubric": "{rubric}",
                                                          "essays": ESSAYS}),
        Call("api", "POST", "/api/v1/batches", 202, json={
            "rubric": "stalin-rise", "assignment_ref": "{aid}", "essays": ESSAYS},
             stores=True)],
    "api_batches.get_batch": [Call("api", "GET", f"/api/v1/batches/{{{b}}}", 404)
                              for b in ("batch", "web_batch")],
    "api_batches.cancel_batch": [Call("api", "DELETE", "/api/v1/batches/{batch}", 404)],
    "api_batches.batch_results": [
        Call("api", "GET", f"/api/v1/batches/{{{b}}}/results{q}", 404)
        for b in ("batch", "web_batch") for q in ("", "?format=csv")],
    "docs_page.docs_page": [Call("api", "GET", "/api/docs", 200)],
    "api-docs.openapi_json": [Call("api", "GET", "/openapi.json", 200)],
    "health.healthz": [Call("anon", "GET", "/healthz", 200)],
    "health.readyz": [Call("anon", "GET", "/readyz", 200)],
    # the teacher pages, signed in as B
    "web.home": [Call("web", "GET", "/", 302)],
    "web.assignments": [Call("web", "GET", "/assignments", 200)],
    "web.overview": [Call("web", "GET", f"/assignments/{{{a}}}", 404) for a in ("aid", "lti_aid")],
    "web.batch": [Call("web", "GET", "/assignments/{aid}/batches/{web_batch}", 404),
                  Call("web", "GET", "/assignments/{b_aid}/batches/{web_batch}", 404),
                  Call("web", "GET", "/assignments/{b_aid}/batches/{batch}", 404)],
    "web.batch_status": [
        Call("web", "GET", "/assignments/{aid}/batches/{web_batch}/status", 404),
        Call("web", "GET", "/assignments/{b_aid}/batches/{web_batch}/status", 404)],
    "web.export": [Call("web", "GET", "/assignments/{aid}/export.csv", 404)],
    "web.sheets": [Call("web", "GET", "/assignments/{aid}/sheets", 404)],
    "web.upload": [Call("web", "GET", "/assignments/{aid}/upload", 404),
                   Call("web", "POST", "/assignments/{aid}/upload", 404,
                        data={"text": ESSAY, "student": "b"})],
    "web.new_assignment": [
        Call("web", "GET", "/assignments/new", 200),
        Call("web", "POST", "/assignments/new", 422, data={"title": "B",
                                                           "rubric": "{rubric}"})],
    "web.report": [Call("web", "GET", f"/essays/{{{s}}}", 404)
                   for s in ("sub", "batch_sub", "web_sub", "lti_sub")],
    "web.change_report": [Call("web", "POST", "/essays/{sub}", 404, data={"total": "0"})],
    "web.sheet": [Call("web", "GET", "/essays/{sub}/sheet", 404)],
    "web.rubric": [Call("web", "GET", "/rubrics/{rubric}", 404)],
    "web.sign_in": [Call("web", "GET", "/sign-in", None)],
    "web.sign_out": [Call("anon", "POST", "/sign-out", 400)],  # no CSRF token: refused
    "web.static": [Call("anon", "GET", "/static/web/web.css", 200)],
    "static": [Call("anon", "GET", "/static/{sub}", 404)],
    # LTI, from B's own LMS (its launches are B's sessions)
    "lti.config": [Call("anon", "GET", "/lti/config.json", 200)],
    "lti.jwks": [Call("anon", "GET", "/lti/jwks.json", 200)],
    "lti.login": [Call("anon", "GET", "/lti/login?iss={lti_aid}&login_hint=x", "error")],
    "lti.launch": [Call("anon", "POST", "/lti/launch", "error",
                        data={"id_token": "x.y.z", "state": "{lti_launch}"})],
    "lti.confirm": [Call("anon", "POST", "/lti/launch/{lti_launch}/confirm", "error",
                         data={"state": "x"})],
    # (a launch id is itself the credential of a frame session: 43 random characters that
    # B never sees - see the markers - so B's probes use B's own launches)
    "lti.class_page": [Call("lti-teacher", "GET", "/lti/s/{b_teacher}/class", 200),
                       Call("lti-student", "GET", "/lti/s/{b_student}/class", 403)],
    "lti.deep_link": [Call("lti-teacher", "GET", "/lti/s/{b_deep}/deep-link", 200)],
    "lti.deep_link_submit": [Call("lti-teacher", "POST", "/lti/s/{b_deep}/deep-link", "error",
                                  data={"rubric": "{rubric}", "title": "B"})],
    "lti.essay_page": [Call("lti-student", "GET", "/lti/s/{b_student}/essay", 200)],
    "lti.submit_essay": [Call("lti-student", "POST", "/lti/s/{b_student}/essay", None,
                              data={"text": ""})],
    "lti.report_page": [Call("lti-teacher", "GET", f"/lti/s/{{b_teacher}}/essays/{{{s}}}", 404)
                        for s in ("lti_sub", "sub")],
    "lti.change_report": [Call("lti-teacher", "POST", "/lti/s/{b_teacher}/essays/{lti_sub}",
                               "error", data={"total": "0"})],
    "lti.release": [Call("lti-student", "POST", "/lti/s/{b_student}/release", "error")],
    "lti.static": [Call("anon", "GET", "/lti/static/lti.js", 200)],
}


def ghost(value: str, seed: int) -> str:
    """A made-up value of the same shape (digits for digits, letters for letters)."""
    rng = random.Random(seed)
    pools = (string.digits, string.ascii_lowercase, string.ascii_uppercase)
    return "".join(next((rng.choice(p) for p in pools if ch in p), ch) for ch in value)


class World:
    """A's data and B's clients, built once for the module."""

    def __init__(self, app) -> None:
        self.app = app
        self.platforms: list[Platform] = []
        self.amy = amy = Teacher(app, "amy@school.org")
        self.bea = Teacher(app, "bea@school.org")
        self.auth_a = auth_a = self._key("amy@school.org")
        self.auth_b = self._key("bea@school.org")
        api = app.test_client()
        raw = load_rubric("stalin-rise").raw
        rubric = dict(raw, id=f"rubric-{TAG}", title=A_TEXT["rubric_title"],
                      factors=[dict(raw["factors"][0], title=A_TEXT["factor"]),
                               *raw["factors"][1:]])
        assert api.post("/api/v1/rubrics", data=yaml.safe_dump(rubric), headers=auth_a,
                        content_type="application/yaml").status_code == 201
        aid = amy.new_assignment(A_TEXT["assignment_title"], rubric["id"])
        sub = api.post("/api/v1/submissions", headers={
            **auth_a, "Idempotency-Key": A_TEXT["idempotency"]}, json={
            "rubric": rubric["id"], "text": f"{ESSAY} {A_TEXT['essay']}",
            "student_ref": A_TEXT["student"], "external_id": A_TEXT["external_id"],
            "assignment_ref": aid}).json
        assert api.patch(f"/api/v1/submissions/{sub['id']}", headers=auth_a, json={
            "feedback": {"summary": A_TEXT["comment"]}}).status_code == 200
        batch = api.post("/api/v1/batches", headers=auth_a, json={
            "rubric": rubric["id"], "assignment_ref": aid, "essays": [{
                "text": f"{ESSAY} {A_TEXT['essay']}", "essay": A_TEXT["batch_essay"],
                "student_ref": A_TEXT["batch_student"]}]}).json
        web_batch = amy.upload(aid, {"text": f"{ESSAY} {A_TEXT['essay']}",
                                     "student": A_TEXT["web_student"]}).rstrip("/")
        assert get_executor(app).wait_idle(30)
        lti = self._lti_a()
        with get_store(app).read() as session:
            def sid(ref: str) -> str:
                return session.scalars(select(Submission.id).where(
                    Submission.student_ref == ref)).one()

            ids = {"batch_sub": sid(A_TEXT["batch_student"]),
                   "web_sub": sid(A_TEXT["web_student"]), "lti_sub": sid(A_TEXT["lti_student"])}
        self.values = {"rubric": rubric["id"], "aid": aid, "sub": sub["id"],
                       "idem": A_TEXT["idempotency"],
                       "batch": batch["id"], "web_batch": web_batch.rsplit("/", 1)[1],
                       **ids, **lti}
        self.markers = set(self.values.values()) | set(A_TEXT.values())
        self.b_known: set[str] = set()  # A's values B stored as its own (its refs)
        self.ghosts = {k: ghost(v, n) for n, (k, v) in enumerate(self.values.items())}
        self.b_values = {"b_aid": self.bea.new_assignment("B's class"), **self._lti_b()}

    def _key(self, owner: str) -> dict[str, str]:
        with get_store(self.app).write() as session:
            _, key = create_key(session, owner, owner, None)
        return {"Authorization": f"Bearer {key}"}

    def _platform(self) -> Browser:
        platform = Platform()
        result = CliRunner().invoke(cli, platform.cli_args())
        assert result.exit_code == 0, result.output
        platform.tool_jwks = self.app.test_client().get("/lti/jwks.json").json
        self.platforms.append(platform)
        return Browser(self.app, platform)

    def _lti_a(self) -> dict[str, str]:
        """A's LMS: a deep-linked assignment and one student's hand-in."""
        browser = self._platform()
        lti_aid, _ = deep_link(browser, title=A_TEXT["lti_title"])
        link = browser.platform.link_claims(lti_aid)
        page = browser.launch(sub="a-lms-student", extra={**link, "name": A_TEXT["lti_student"]})
        assert browser.post(page, {"text": f"{ESSAY} {A_TEXT['essay']}"}).status_code == 303
        self.a_browser, self.a_link = browser, link
        return {"lti_aid": lti_aid, "lti_launch": page.split("/")[3]}

    def _lti_b(self) -> dict[str, str]:
        """B's LMS: a deep-link launch, then a teacher's and a student's launch of its link."""
        browser = self._platform()
        self.b_browser = browser
        b_lti_aid, _ = deep_link(browser, title="B's LMS link")
        deep = browser.launch(c.DEEP_LINKING_REQUEST, roles=INSTRUCTOR, sub="b-teacher")
        link = browser.platform.link_claims(b_lti_aid)
        teacher = browser.launch(roles=INSTRUCTOR, sub="b-teacher", extra=link)
        student = browser.launch(sub="b-student", extra=link)
        return {"b_deep": deep.split("/")[3], "b_teacher": teacher.split("/")[3],
                "b_student": student.split("/")[3]}

    def send(self, call: Call):
        response = self._open(call)
        response.get_data()  # read a streamed body whole, then end its request context
        response.close()
        return response

    def _open(self, call: Call):
        kw: dict[str, Any] = {"headers": dict(call.headers)}
        if call.json is not None:
            kw["json"] = call.json
        if call.who == "api":
            kw["headers"].update(self.auth_b)
            return self.app.test_client().open(call.path, method=call.method, **kw)
        if call.who == "web":
            if call.method == "GET":
                return self.bea.get(call.path, **kw)
            return self.bea.client.open(call.path, method=call.method, data={
                "csrf_token": self.bea.token, **(call.data or {})}, **kw)
        if call.who.startswith("lti"):
            client = self.b_browser.client
            return client.open(call.path, method=call.method, data=call.data,
                               base_url="https://localhost", **kw)
        return self.app.test_client().open(call.path, method=call.method, data=call.data,
                                           **kw)

    def close(self) -> None:
        for platform in self.platforms:
            platform.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    path = tmp_path_factory.mktemp("leaks") / "g.sqlite3"
    url = f"sqlite:///{path}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)  # for `grader lti add-platform`
        app = create_app({"TESTING": True, "DATABASE_URL": url, "WARM_UP": False,
                          "LOG_LEVEL": "ERROR", "RATE_LIMIT": 0, "SECRET_KEY": "t",
                          "WEB_SECURE_COOKIES": False, "LTI_SCORE_ATTEMPTS": 1,
                          "LTI_RETRY_DELAYS": (0.01,)})
        w = World(app)
        yield w
        get_executor(app).wait_idle(30)
        w.close()
        get_store(app).dispose()


VOLATILE = [re.compile(p) for p in (r'"request_id": ?"[^"]*"', r'value="[^"]{20,}"',
                                    r'nonce-[A-Za-z0-9+/=_-]+')]


def normalised(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace(value, "{" + name + "}")
    for pattern in VOLATILE:
        text = pattern.sub("", text)
    return text


def visible(response) -> str:
    head = " ".join(response.headers.get(h, "") for h in ("Location", "Content-Disposition"))
    return response.get_data(as_text=True) + " " + head


def test_every_route_is_classified(world):
    endpoints = {rule.endpoint for rule in world.app.url_map.iter_rules()}
    assert endpoints - set(ROUTES) == set(), "new routes: add them to ROUTES with probes"
    assert set(ROUTES) - endpoints == set(), "ROUTES names endpoints that no longer exist"


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_owner_b_sees_nothing_of_owner_a(world, endpoint):
    values = {**world.b_values}
    for template in ROUTES[endpoint]:
        real, used = template.render({**world.values, **values})
        fake, _ = template.render({**world.ghosts, **values})
        r, g = world.send(real), world.send(fake)
        if template.stores:
            world.b_known |= used
        where = f"{endpoint}: {real.method} {real.path}"
        if isinstance(template.expect, int):
            assert r.status_code == template.expect, (where, r.status_code, visible(r)[:300])
        elif template.expect == "error":
            assert 400 <= r.status_code < 500, (where, r.status_code)
        assert r.status_code == g.status_code, (where, r.status_code, g.status_code)
        shown = visible(r)
        for marker in world.markers - used - world.b_known:
            assert marker not in shown, (where, marker)
        if r.status_code >= 400:  # the same answer as for an id that does not exist
            assert normalised(shown, world.values) == normalised(visible(g), world.ghosts), where


def test_b_cannot_file_work_into_as_assignment(world):
    """B's submission naming A's assignment stays B's: A's pages and lists never show it."""
    intruder = f"b-intruder-{TAG}"
    api = world.app.test_client()
    r = api.post("/api/v1/submissions", headers=world.auth_b, json={
        "rubric": "stalin-rise", "text": ESSAY, "student_ref": intruder,
        "assignment_ref": world.values["aid"]})
    assert r.status_code == 201
    aid = world.values["aid"]
    listed = api.get(f"/api/v1/submissions?assignment_ref={aid}", headers=world.auth_a).json
    assert listed["items"] and intruder not in str(listed)
    amy = world.amy
    for path in (f"/assignments/{aid}", f"/assignments/{aid}/export.csv",
                 f"/assignments/{aid}/sheets"):
        page = amy.get(path)
        assert page.status_code == 200 and intruder not in page.get_data(as_text=True), path


def test_another_lms_cannot_launch_into_as_assignments(world):
    """B's LMS naming A's assignment (web or LMS) in its link is refused, not joined."""
    browser = world.b_browser
    for aid in (world.values["aid"], world.values["lti_aid"]):
        link = browser.platform.link_claims(aid, link_id=f"forged-{aid}")
        auth = browser.login()
        token = browser.platform.id_token(auth["nonce"], roles=INSTRUCTOR, sub="b-teacher",
                                          extra=link)
        response = browser.post_launch(token, auth["state"])
        assert response.status_code == 404, response.status_code
        text = response.get_data(as_text=True)
        for marker in world.markers:
            assert marker not in text
