"""Every web page through the Flask test client: sign-in, CSRF, escaping, ownership, marks."""

from __future__ import annotations

import csv
import io
import re

import pytest
from click.testing import CliRunner

from grader.cli.main import cli
from grader.store import get_store
from grader.store.teachers import find_teacher

from .conftest import PASSWORD, TOKEN, Teacher, add_teacher
from .essays import HOSTILE, UNSURE_YEAR, WRONG_DATE


def marks_of(page: str) -> str:
    return re.search(r'id="final-marks">([^<]+)<', page)[1]


@pytest.fixture
def marked(teacher):
    """An assignment with two uploaded essays (one pasted, one as a file)."""
    aid = teacher.new_assignment()
    teacher.upload(aid, {"text": WRONG_DATE, "student": "Cara"})
    hostile_name = "<img src=x onerror=alert(1)>dan.txt"
    teacher.upload(aid, {"files": [(io.BytesIO(HOSTILE.encode()), hostile_name)]})
    return aid


def test_signed_out_visitors_are_sent_to_sign_in(app):
    client = app.test_client()
    for url in ("/", "/assignments", "/assignments/new", "/essays/abc", "/rubrics/stalin-rise"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.location


def test_sign_in_sets_secure_cookie_flags_and_refuses_bad_passwords(app):
    add_teacher(app, "amy@school.org")
    app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    token = TOKEN.search(client.get("/sign-in").text)[1]
    bad = client.post("/sign-in", data={"email": "amy@school.org", "password": "nope",
                                        "csrf_token": token})
    assert bad.status_code == 401 and "do not match" in bad.text
    unknown = client.post("/sign-in", data={"email": "zed@school.org", "password": PASSWORD,
                                            "csrf_token": token})
    assert unknown.status_code == 401
    good = client.post("/sign-in?next=//evil.example/x",
                       data={"email": "AMY@school.org ", "password": PASSWORD,
                             "csrf_token": token})
    assert good.status_code == 302 and good.location == "/assignments"
    cookie = good.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_forms_without_the_csrf_token_are_refused(teacher):
    response = teacher.client.post("/assignments/new", data={"title": "x",
                                                             "rubric": "stalin-rise"})
    assert response.status_code == 400 and "expired" in response.text
    wrong = teacher.client.post("/sign-out", data={"csrf_token": "forged"})
    assert wrong.status_code == 400
    assert teacher.get("/assignments").status_code == 200  # still signed in
    assert TOKEN.search(teacher.get("/assignments/new").text)  # every form carries one


def test_sign_out_ends_the_session(teacher):
    assert teacher.post("/sign-out").status_code == 302
    assert teacher.get("/assignments").status_code == 302


def test_create_assignment_validation_messages_next_to_the_field(teacher):
    page = teacher.post("/assignments/new", {"title": "", "rubric": "stalin-rise"})
    assert page.status_code == 422
    assert re.search(r'id="title"[^>]*aria-invalid="true"', page.text)
    assert 'id="title-errors"' in page.text
    bad_yaml = b"id: mine\ntitle: T\nfactors:\n  - id: a\n    marks: [0, 2]\n"
    page = teacher.post("/assignments/new", {
        "title": "Own rubric", "rubric": "stalin-rise",
        "rubric_file": (io.BytesIO(bad_yaml), "mine.yaml")}, content_type="multipart/form-data")
    assert page.status_code == 422
    errors = re.search(r'<ul class="field-errors" id="rubric_file-errors".*?</ul>', page.text,
                       re.S)[0]
    assert "question" in errors  # names the missing field
    assert re.search(r'id="rubric_file"[^>]*aria-describedby="rubric_file-errors"', page.text)


def test_create_from_an_uploaded_rubric(teacher):
    import yaml

    from grader.rubric.loader import bundled_rubrics

    data = yaml.safe_load(bundled_rubrics()["stalin-rise"].read_text())
    data["id"], data["title"] = "my-stalin", "My <i>Stalin</i> rubric"
    data["facts"] = None
    data["model_answer"] = None
    data = {k: v for k, v in data.items() if v is not None}
    upload = yaml.safe_dump(data).encode()
    response = teacher.post("/assignments/new", {
        "title": "Mine", "rubric": "stalin-rise", "rubric_file": (io.BytesIO(upload), "r.yaml")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    page = teacher.get("/rubrics/my-stalin").text
    assert "My &lt;i&gt;Stalin&lt;/i&gt; rubric" in page
    assert "my-stalin" in teacher.get("/assignments").text


def test_assignment_list_counts_essays(teacher, marked):
    page = teacher.get("/assignments").text
    row = re.search(r"Stalin 9A</a></th>.*?</tr>", page, re.S)[0]
    assert re.findall(r'class="num">(\d+)<', row) == ["2", "0"]


def test_upload_reports_unreadable_files_and_needs_something(teacher):
    aid = teacher.new_assignment()
    empty = teacher.post(f"/assignments/{aid}/upload", {"text": "  "},
                         content_type="multipart/form-data")
    assert empty.status_code == 422 and "at least one file" in empty.text
    batch_url = teacher.upload(aid, {"files": [(io.BytesIO(b""), "blank.txt"),
                                               (io.BytesIO(WRONG_DATE.encode()), "eve.txt")]})
    page = teacher.get(batch_url).text
    assert "blank.txt: empty file" in page and "Finished." in page
    status = teacher.get(batch_url + "/status").get_json()
    assert (status["total"], status["done"], status["failed"]) == (2, 1, 1)


def test_upload_a_class_csv_and_zip(teacher):
    import zipfile

    aid = teacher.new_assignment()
    table = "student_id,text\nfay,\"" + WRONG_DATE.replace('"', '""') + "\"\ngus,\"" + \
        HOSTILE + "\"\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("class/hal.txt", WRONG_DATE)
        z.writestr("../evil.txt", WRONG_DATE)
    buffer.seek(0)
    batch_url = teacher.upload(aid, {"files": [(io.BytesIO(table.encode()), "class.csv"),
                                               (buffer, "class.zip")]})
    status = teacher.get(batch_url + "/status").get_json()
    assert (status["done"], status["failed"]) == (3, 1)
    page = teacher.get(f"/assignments/{aid}").text
    for student in ("fay", "gus", "hal"):
        assert f">{student}</a>" in page


def test_report_highlights_and_escapes_the_essay(teacher, marked):
    ids = teacher.essays(marked)
    cara, dan = ids["Cara"], ids["&lt;img src=x onerror=alert(1)&gt;dan"]
    page = teacher.get(f"/essays/{dan}").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;essay&#39;)" in page
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page and "<img" not in page
    assert "(spelling: position)" in page
    page = teacher.get(f"/essays/{cara}").text
    assert re.search(r'class="flag" tabindex="0" aria-describedby="flag-0"', page)
    assert "Lenin died in January 1924, not 1925" in page
    factors = set(re.findall(r'class="ev c\d" data-factor="([a-z_]+)"', page))
    assert {"testament", "funeral"} <= factors
    assert '<span class="ev-label">Lenin&#39;s Testament</span>' in page
    assert 'rel="prev"' in page and 'rel="next"' not in page  # by name, after "<img…dan"
    assert "Essay 2 of 2" in page


def test_override_a_level_changes_the_mark_and_keeps_the_machines(teacher, marked):
    cara = teacher.essays(marked)["Cara"]
    before = teacher.get(f"/essays/{cara}").text
    level = re.search(r'id="level-testament".*?<option value="(\d)"[^>]*selected', before,
                      re.S)[1]
    assert level == "2"
    response = teacher.post(f"/essays/{cara}", {"level-testament": "1",
                                                 "marks-testament": "4"})
    assert response.status_code == 303
    after = teacher.get(f"/essays/{cara}").text
    assert float(marks_of(after)) == float(marks_of(before)) - 2
    assert "machine: 2" in after and "changed by you" in after
    assert "teacher:amy@school.org" in after  # the change history
    new_marks = marks_of(after)
    assert f"Mark: {new_marks} / 20" in after  # the summary's mark follows the change
    assert "Check the comment on Lenin&#39;s Testament" in after
    # the same storage as the API: final marks and the change history
    from grader.store.submissions import get_submission

    with get_store(teacher.app).read() as session:
        amy = find_teacher(session, "amy@school.org")
        row = get_submission(session, amy.owner_id, cara)
        assert row.override["factors"]["testament"] == {"level": 1}
        assert row.report["factors"][0]["level"] == 2
        assert row.changes[-1].changes["factors.testament.level"] == {"from": 2, "to": 1}


def test_override_total_band_and_feedback_then_clear(teacher, marked):
    cara = teacher.essays(marked)["Cara"]
    response = teacher.post(f"/essays/{cara}", {
        "total": "7", "band": "1", "summary": "See me <now>.", "strengths": "One\n\nTwo\n",
        "feedback-funeral": "Good on the funeral."})
    assert response.status_code == 303
    page = teacher.get(f"/essays/{cara}").text
    assert marks_of(page) == "7" and re.search(r'id="final-band">1<', page)
    assert "See me &lt;now&gt;." in page and ">One\nTwo</textarea>" in page
    assert "Good on the funeral." in page
    teacher.post(f"/essays/{cara}", {"total": "", "band": ""})
    assert marks_of(teacher.get(f"/essays/{cara}").text) != "7"
    bad = teacher.post(f"/essays/{cara}", {"total": "999"})
    assert bad.status_code == 422 and "marks must be 0 to" in bad.text
    nan = teacher.post(f"/essays/{cara}", {"level-testament": "two"})
    assert nan.status_code == 422 and "Enter a number" in nan.text


def test_unchanged_form_records_nothing(teacher, marked):
    cara = teacher.essays(marked)["Cara"]
    page = teacher.get(f"/essays/{cara}").text
    fields = dict(re.findall(r'<textarea id="([a-z_-]+)" name="[^"]+" rows="\d">(.*?)</textarea>',
                             page, re.S))
    import html

    data = {k: html.unescape(v) for k, v in fields.items()}
    for fid in re.findall(r'id="level-([a-z_]+)"', page):
        data[f"level-{fid}"] = re.search(rf'id="level-{fid}".*?<option value="(\d)"[^>]*'
                                         r'selected', page, re.S)[1]
        data[f"marks-{fid}"] = re.search(rf'id="marks-{fid}"[^>]*value="([^"]*)"', page)[1]
    teacher.post(f"/essays/{cara}", data)
    assert "changed by you" not in teacher.get(f"/essays/{cara}").text


def test_overview_rows_sorting_charts_and_misconceptions(teacher, marked):
    page = teacher.get(f"/assignments/{marked}").text
    assert "2 essays" in page
    assert "1 of 2</strong> essays: Lenin died in January 1924, not 1925." in page
    assert page.count("<rect") >= 2 * 5
    assert "&lt;img src=x onerror=alert(1)&gt;dan" in page and "<img" not in page
    assert re.search(r'class="level l2"><span class="cell">explained', page)
    by_mark = teacher.get(f"/assignments/{marked}?sort=mark&dir=desc").text
    names = re.findall(r'<th scope="row"><a href="/essays/[0-9a-f]+">([^<]+)</a>', by_mark)
    marks = [float(m) for m in re.findall(r'<td class="num">([\d.]+) / 20</td>', by_mark)]
    assert marks == sorted(marks, reverse=True) and len(names) == 2
    assert teacher.get(f"/assignments/{marked}?sort=bogus").status_code == 200


def test_csv_export_has_final_marks_and_neutralises_formulas(teacher):
    aid = teacher.new_assignment()
    teacher.upload(aid, {"text": WRONG_DATE, "student": "=cmd|' /C calc'!A0"})
    [sid] = teacher.essays(aid).values()
    teacher.post(f"/essays/{sid}", {"total": "3"})
    response = teacher.get(f"/assignments/{aid}/export.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 1
    assert rows[0]["student_ref"] == "'=cmd|' /C calc'!A0"
    assert float(rows[0]["marks"]) == 3 and rows[0]["overridden"] == "True"
    assert rows[0]["testament_level"] == "2"


def test_feedback_sheets_and_rubric_view(teacher, marked):
    cara = teacher.essays(marked)["Cara"]
    sheet = teacher.get(f"/essays/{cara}/sheet").text
    assert "Next steps" in sheet and "Check these facts" in sheet and "Cara" in sheet
    sheets = teacher.get(f"/assignments/{marked}/sheets").text
    assert sheets.count('<article class="sheet">') == 2
    rubric = teacher.get("/rubrics/stalin-rise").text
    assert "Level 1 needs" in rubric and "Explains Lenin&#39;s Testament" in rubric
    assert "0 / 2 / 4" in rubric
    assert teacher.get("/rubrics/nope").status_code == 404


def test_unsure_sentences_are_for_the_teacher_only(teacher):
    aid = teacher.new_assignment()
    teacher.upload(aid, {"text": UNSURE_YEAR, "student": "Eve"})
    eve = teacher.essays(aid)["Eve"]
    page = teacher.get(f"/essays/{eve}").text
    assert "For you to check" in page and "Factual errors" not in page
    review = page[page.index("For you to check"):]
    assert "Lenin had brought in in 1921" in review and "1928" in review
    sheet = teacher.get(f"/essays/{eve}/sheet").text
    assert "Check these facts" not in sheet and "For you to check" not in sheet
    assert "fact sheet says" not in sheet and "could not settle" not in sheet


def test_teachers_see_only_their_own_work(teacher, other, marked):
    cara = teacher.essays(marked)["Cara"]
    for url in (f"/essays/{cara}", f"/essays/{cara}/sheet", f"/assignments/{marked}",
                f"/assignments/{marked}/export.csv", f"/assignments/{marked}/sheets",
                f"/assignments/{marked}/upload"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/essays/{cara}", {"total": "0"}).status_code == 404
    assert other.post(f"/assignments/{marked}/upload", {"text": "x"}).status_code == 404
    assert "Stalin 9A" not in other.get("/assignments").text
    assert marks_of(teacher.get(f"/essays/{cara}").text) != "0"


def test_users_create_reads_the_password_from_stdin(app, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    runner = CliRunner()
    result = runner.invoke(cli, ["users", "create", "Zoe@School.org"], input="long enough pw\n")
    assert result.exit_code == 0, result.output
    assert "Created teacher zoe@school.org" in result.output
    again = runner.invoke(cli, ["users", "create", "zoe@school.org"], input="long enough pw\n")
    assert again.exit_code == 1 and "already" in again.output
    short = runner.invoke(cli, ["users", "create", "yan@school.org"], input="short\n")
    assert short.exit_code == 1 and "at least 8" in short.output
    with get_store(app).read() as session:
        zoe = find_teacher(session, "zoe@school.org")
        assert zoe.password_hash != "long enough pw" and zoe.password_hash.startswith(
            ("scrypt:", "pbkdf2:"))
    assert Teacher  # imported for the fixtures' type


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    from types import SimpleNamespace

    from grader.web.security import _secret_key

    app = SimpleNamespace(instance_path=str(tmp_path / "instance"))
    first = _secret_key(app)
    assert len(first) == 64 and _secret_key(app) == first
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_an_upload_over_the_limit_gets_a_page_not_a_stack_trace(app, teacher):
    aid = teacher.new_assignment()
    app.config["WEB_MAX_UPLOAD"] = 1000
    response = teacher.post(f"/assignments/{aid}/upload",
                            {"files": [(io.BytesIO(b"x" * 5000), "big.txt")]},
                            content_type="multipart/form-data")
    assert response.status_code == 413 and "Upload too large" in response.text
    assert response.mimetype == "text/html"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    app.config.update(MAX_CONTENT_LENGTH=1000, WEB_MAX_UPLOAD=100_000)  # API limit is lower
    essay = (WRONG_DATE + " ") * 8
    assert teacher.upload(aid, {"files": [(io.BytesIO(essay.encode()), "long.txt")]})


def test_the_api_and_the_pages_share_a_teachers_essays(app, teacher):
    from grader.store.keys import create_key

    aid = teacher.new_assignment()
    with get_store(app).write() as session:
        _, key = create_key(session, "lms", owner="amy@school.org")
    api = app.test_client()
    auth = {"Authorization": f"Bearer {key}"}
    created = api.post("/api/v1/submissions", headers=auth, json={
        "rubric": "stalin-rise", "text": WRONG_DATE, "student_ref": "ivy",
        "assignment_ref": aid})
    assert created.status_code == 201, created.get_json()
    sid = created.get_json()["id"]
    assert teacher.essays(aid) == {"ivy": sid}
    teacher.post(f"/essays/{sid}", {"total": "5"})
    final = api.get(f"/api/v1/submissions/{sid}", headers=auth).get_json()["final"]
    assert final["marks"] == 5
    assert aid in teacher.get(f"/assignments/{aid}").text


def test_password_guessing_is_slowed_down(app):
    add_teacher(app, "amy@school.org")
    app.config["WEB_SIGNIN_LIMIT"] = 3
    client = app.test_client()
    token = TOKEN.search(client.get("/sign-in").text)[1]

    def attempt(password: str):
        return client.post("/sign-in", data={"email": "amy@school.org", "password": password,
                                             "csrf_token": token})

    assert [attempt("wrong").status_code for _ in range(3)] == [401, 401, 401]
    refused = attempt(PASSWORD)  # even the right password waits now
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins" in refused.text


def test_a_new_password_ends_older_sessions(app, teacher):
    from grader.store.teachers import set_password

    assert teacher.get("/assignments").status_code == 200
    with get_store(app).write() as session:
        set_password(session, find_teacher(session, "amy@school.org"), "a brand new one")
    response = teacher.get("/assignments")
    assert response.status_code == 302 and "/sign-in" in response.location
