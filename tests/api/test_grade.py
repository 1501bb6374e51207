"""POST /api/v1/grade: JSON and uploads in, the v1 report out, every refusal as problem+json."""

import io
import json
import textwrap
from pathlib import Path

import pytest

from grader import grade, load_rubric, parse_rubric
from grader.api.grading import report_body
from grader.api.schemas import ReportSchema
from tests.api.conftest import ESSAY
from tests.ingest.documents import make_docx, make_odt, make_pdf

PROBLEM = "application/problem+json"


def test_grade_json_returns_v1_report(client, auth_a, essay):
    r = client.post("/api/v1/grade", json={"rubric": "stalin-rise", "text": essay,
                                           "essay": "e1.txt"}, headers=auth_a)
    assert r.status_code == 200, r.json
    report = r.json
    assert report["rubric"]["id"] == "stalin-rise" and report["essay"] == "e1.txt"
    assert {"stats", "factors", "flags", "writing", "score", "feedback"} <= set(report)
    for f in report["factors"]:
        for ev in f["evidence"]:
            assert essay[ev["start"]:ev["end"]] == ev["text"]
    assert r.headers["X-Request-ID"]


def test_grade_stores_nothing(client, auth_a, essay):
    client.post("/api/v1/grade", json={"rubric": "stalin-rise", "text": essay}, headers=auth_a)
    assert client.get("/api/v1/submissions", headers=auth_a).json["items"] == []


def test_grade_seed_essay(client, auth_a, seed):
    r = client.post("/api/v1/grade", json={"rubric": "stalin-rise", "text": seed},
                    headers=auth_a)
    assert r.status_code == 200
    assert r.json["score"]["max_marks"] == 20 and r.json["stats"]["words"] > 500


@pytest.mark.parametrize("name,maker", [
    ("essay.txt", lambda t: t.encode("utf-16")),
    ("essay.docx", lambda t: make_docx([t])),
    ("essay.pdf", lambda t: make_pdf([t[:80], t[80:160]])),
    ("essay.odt", lambda t: make_odt(f"<text:p>{t}</text:p>")),
    ("essay.rtf", lambda t: ("{\\rtf1\\ansi " + t.replace("'", "\\'92") + "}").encode()),
])
def test_grade_upload(client, auth_a, essay, name, maker):
    data = {"rubric": "stalin-rise", "file": (io.BytesIO(maker(essay)), name)}
    r = client.post("/api/v1/grade", data=data, headers=auth_a,
                    content_type="multipart/form-data")
    assert r.status_code == 200, r.json
    assert r.json["essay"] == name and r.json["stats"]["words"] > 10


def test_unsupported_upload_is_415(client, auth_a):
    data = {"rubric": "stalin-rise", "file": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")}
    r = client.post("/api/v1/grade", data=data, headers=auth_a,
                    content_type="multipart/form-data")
    assert r.status_code == 415 and r.content_type == PROBLEM
    assert ".exe" in r.json["detail"]


def test_binary_txt_upload_is_422_naming_file(client, auth_a):
    data = {"rubric": "stalin-rise", "file": (io.BytesIO(b"\x00\x01\x02" * 50), "a.txt")}
    r = client.post("/api/v1/grade", data=data, headers=auth_a,
                    content_type="multipart/form-data")
    assert r.status_code == 422 and r.json["errors"][0]["field"] == "file"


def test_missing_file_is_422(client, auth_a):
    r = client.post("/api/v1/grade", data={"rubric": "stalin-rise"}, headers=auth_a,
                    content_type="multipart/form-data")
    assert r.status_code == 422 and r.json["errors"][0]["field"] == "file"


@pytest.mark.parametrize("body,field", [
    ({"rubric": "no-such-rubric", "text": "Stalin"}, "rubric"),
    ({"rubric": "stalin-rise", "text": ""}, "text"),
    ({"rubric": "stalin-rise", "text": "   \n  "}, "text"),
    ({"rubric": "stalin-rise"}, "text"),
    ({"text": "Stalin"}, "rubric"),
    ({"rubric": "stalin-rise", "text": "x", "surprise": 1}, "surprise"),
    ({"rubric": "../../etc/passwd", "text": "Stalin"}, "rubric"),
])
def test_validation_errors_name_the_field(client, auth_a, body, field):
    r = client.post("/api/v1/grade", json=body, headers=auth_a)
    assert r.status_code == 422 and r.content_type == PROBLEM
    assert field in [e["field"] for e in r.json["errors"]]
    assert r.json["title"] and r.json["detail"]


def test_word_limit_is_422(app, client, auth_a):
    app.config["MAX_WORDS"] = 50
    r = client.post("/api/v1/grade", json={"rubric": "stalin-rise", "text": "word " * 51},
                    headers=auth_a)
    assert r.status_code == 422 and "limit is 50" in r.json["detail"]


def test_body_over_limit_is_413(app, client, auth_a):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    r = client.post("/api/v1/grade", json={"rubric": "stalin-rise", "text": "x" * 2000},
                    headers=auth_a)
    assert r.status_code == 413 and r.content_type == PROBLEM
    assert "1000 bytes" in r.json["detail"]


def test_malformed_json_is_400(client, auth_a):
    r = client.post("/api/v1/grade", data='{"rubric": "stalin-rise", "text": ',
                    headers=auth_a, content_type="application/json")
    assert r.status_code == 400 and r.content_type == PROBLEM
    assert "JSON" in r.json["detail"]


def test_non_object_json_is_422(client, auth_a):
    r = client.post("/api/v1/grade", json=["a"], headers=auth_a)
    assert r.status_code == 422


def test_wrong_content_type_is_415(client, auth_a):
    r = client.post("/api/v1/grade", data="Stalin rose", headers=auth_a,
                    content_type="text/plain")
    assert r.status_code == 415 and r.content_type == PROBLEM


HALF_MARKS = textwrap.dedent("""
    id: halves
    title: Osmosis
    question: What is osmosis?
    factors:
      - {id: water, title: Water moves, marks: [0, 0.5, 1.5], identify: ["water"]}
      - {id: membrane, title: Membrane, marks: [0, 1, 2], identify: ["membrane"]}
""")


def _typed(value):
    """A JSON value with each number's type kept beside it (4 and 4.0 differ here)."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


def _own_essays() -> list[str]:
    root = Path(__file__).resolve().parents[1] / "fixtures"
    texts = [json.loads(line)["text"] for path in sorted(root.glob("stalin_*.jsonl"))
             for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [ESSAY, "Water crosses the membrane.", "Water.", *texts]


def test_report_body_is_what_the_report_schema_dumps():
    schema = ReportSchema()
    rubrics = [load_rubric("stalin-rise"), load_rubric("ww1-causes"), parse_rubric(HALF_MARKS)]
    for rubric in rubrics:
        for text in _own_essays():
            report = grade(text, rubric, essay="e.txt")
            assert _typed(report_body(report)) == _typed(schema.dump(report.to_dict()))


def test_grade_answer_has_marks_as_the_schema_types_them(client, auth_a, essay):
    r = client.post("/api/v1/grade", json={"rubric": "stalin-rise", "text": essay},
                    headers=auth_a)
    assert r.status_code == 200
    assert isinstance(r.json["score"]["marks"], float)
    assert all(isinstance(f["max_marks"], float) for f in r.json["factors"])
