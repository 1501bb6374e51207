"""POST/GET/DELETE /api/v1/batches on the embedded executor: inputs, results, callback, cancel."""

from __future__ import annotations

import csv
import io
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from grader.jobs import get_executor
from grader.jobs.callbacks import SIGNATURE_HEADER, callback_secret, verify
from grader.jobs.work import process_item
from grader.store import batches as repo
from grader.store import get_store
from grader.store.batch_models import Batch

ESSAYS = [
    "At Lenin's funeral in January 1924 Stalin was chief mourner. Lenin died in 1922.",
    "Stalin used the purges to remove his rivals, Trotsky and Zinoviev among them.",
    "   ",
    "Stalin argued for Socialism in One Country while Trotsky wanted permanent revolution.",
]


def _wait(app):
    assert get_executor(app).wait_idle(timeout=60)


def test_json_batch_becomes_submissions_in_order(app, client, auth_a, auth_b):
    body = {"rubric": "stalin-rise", "assignment_ref": "y9-history",
            "essays": [{"text": t, "essay": f"e{i}", "student_ref": f"s{i}"}
                       for i, t in enumerate(ESSAYS)]}
    res = client.post("/api/v1/batches", json=body, headers=auth_a)
    assert res.status_code == 202, res.json
    batch_id = res.json["id"]
    assert res.headers["Location"].endswith(f"/api/v1/batches/{batch_id}")
    assert res.json["total"] == 4 and res.json["failed"] == 1
    _wait(app)
    status = client.get(f"/api/v1/batches/{batch_id}", headers=auth_a).json
    assert (status["state"], status["done"], status["failed"], status["pending"]) == (
        "done", 3, 1, 0)
    assert status["errors"] == [{"position": 3, "essay": "e2", "error": "empty text"}]
    assert status["summary"]["graded"] == 3
    assert status["summary"]["common_factual_errors"][0]["fact"] == "F1"
    lines = [json.loads(x) for x in client.get(status["results_url"], headers=auth_a)
             .get_data(as_text=True).splitlines()]
    assert [x["essay"] for x in lines] == ["e0", "e1", "e2", "e3"]
    assert lines[0]["report"]["rubric"]["id"] == "stalin-rise" and lines[2]["report"] is None
    subs = client.get("/api/v1/submissions?assignment_ref=y9-history", headers=auth_a).json
    assert sorted(s["student_ref"] for s in subs["items"]) == ["s0", "s1", "s3"]
    assert {s["id"] for s in subs["items"]} == {x["submission_id"] for x in lines if
                                                 x["submission_id"]}
    assert client.get(f"/api/v1/batches/{batch_id}", headers=auth_b).status_code == 404
    assert client.get(status["results_url"], headers=auth_b).status_code == 404
    assert client.delete(f"/api/v1/batches/{batch_id}", headers=auth_b).status_code == 404


def test_multipart_files_zip_and_table(app, client, auth_a):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("class/a.txt", ESSAYS[0])
        z.writestr("../../escape.txt", ESSAYS[1])
    table = "id,text\nr1," + ESSAYS[1] + "\nr2," + ESSAYS[3] + "\n"
    data = {"rubric": "stalin-rise",
            "files": [(io.BytesIO(archive.getvalue()), "set.zip"),
                      (io.BytesIO(table.encode()), "rows.csv"),
                      (io.BytesIO(ESSAYS[3].encode()), "single.txt")]}
    res = client.post("/api/v1/batches", data=data, headers=auth_a,
                      content_type="multipart/form-data")
    assert res.status_code == 202, res.json
    _wait(app)
    out = client.get(f"/api/v1/batches/{res.json['id']}/results?format=csv", headers=auth_a)
    rows = list(csv.DictReader(io.StringIO(out.get_data(as_text=True))))
    assert [(r["essay"], r["state"]) for r in rows] == [
        ("set.zip/class/a.txt", "done"), ("set.zip/../../escape.txt", "failed"),
        ("r1", "done"), ("r2", "done"), ("single.txt", "done")]
    assert rows[1]["error"] == "unsafe path in archive (refused)"
    assert rows[0]["funeral"] in {"1", "2"} and rows[1]["funeral"] == ""


def test_raw_csv_body_and_refusals(app, client, auth_a):
    table = "essay_id,answer\nx1," + ESSAYS[0] + "\n"
    res = client.post("/api/v1/batches?rubric=stalin-rise", data=table.encode(),
                      headers={**auth_a, "Content-Type": "text/csv"})
    # the table is read by a worker, not in the request: counted once it has been read
    assert res.status_code == 202 and (res.json["state"], res.json["total"]) == ("queued", 0)
    _wait(app)
    read = client.get(res.headers["Location"], headers=auth_a).json
    assert (read["state"], read["total"], read["done"]) == ("done", 1, 1)
    bad = client.post("/api/v1/batches", json={"rubric": "nope", "essays": [{"text": "x"}]},
                      headers=auth_a)
    assert bad.status_code == 422 and "Unknown rubric" in bad.json["detail"]
    empty = client.post("/api/v1/batches", json={"rubric": "stalin-rise", "essays": []},
                        headers=auth_a)
    assert empty.status_code == 422
    weird = client.post("/api/v1/batches", data=b"x", headers={**auth_a,
                                                               "Content-Type": "image/png"})
    assert weird.status_code == 415
    assert client.post("/api/v1/batches", json={}).status_code == 401
    _wait(app)


class _Receiver(BaseHTTPRequestHandler):
    calls: list[tuple[bytes, str]] = []
    fail_first = 1

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls.append((body, self.headers.get(SIGNATURE_HEADER, "")))
        status = 500 if len(type(self).calls) <= type(self).fail_first else 204
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.calls = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def test_callback_is_signed_and_retried(app, client, key_a, receiver):
    app.config["BATCH_CALLBACK_BACKOFF"] = 0.01
    app.config["CALLBACK_ALLOW_PRIVATE"] = True  # the receiver is on loopback
    res = client.post("/api/v1/batches", headers={"Authorization": f"Bearer {key_a}"}, json={
        "rubric": "stalin-rise", "callback_url": receiver,
        "essays": [{"text": ESSAYS[0]}, {"text": ESSAYS[1]}]})
    assert res.status_code == 202
    _wait(app)
    assert len(_Receiver.calls) == 2  # the first answered 500, the retry 204
    body, signature = _Receiver.calls[-1]
    assert verify(body, signature, callback_secret(key_a))
    assert not verify(body, signature, callback_secret(key_a + "x"))
    assert not verify(body + b" ", signature, callback_secret(key_a))
    payload = json.loads(body)
    assert payload["batch"] == res.json["id"] and payload["state"] == "done"
    assert payload["done"] == 2 and payload["summary"]["graded"] == 2
    status = client.get(f"/api/v1/batches/{res.json['id']}",
                        headers={"Authorization": f"Bearer {key_a}"}).json
    assert status["callback_state"] == "delivered"


def test_cancel_stops_the_rest_and_keeps_what_is_done(app, client, auth_a, monkeypatch):
    executor = get_executor(app)
    monkeypatch.setattr(executor, "workers", 0)  # no batch threads: items graded by hand
    res = client.post("/api/v1/batches", json={"rubric": "stalin-rise", "essays": [
        {"text": t} for t in ESSAYS * 3]}, headers=auth_a)
    batch_id = res.json["id"]
    with get_store(app).read() as session:
        batch = session.scalars(select(Batch).where(Batch.id == batch_id)).one()
        pending = repo.pending_items(session, batch.seq)
    assert process_item(app, pending[0]) == "stored"
    assert process_item(app, pending[0]) == "skipped"  # a redelivery stores nothing twice
    cancelled = client.delete(f"/api/v1/batches/{batch_id}", headers=auth_a)
    assert cancelled.status_code == 200
    c = cancelled.json
    assert (c["state"], c["done"], c["failed"], c["cancelled"], c["pending"]) == (
        "cancelled", 1, 3, 8, 0)
    assert process_item(app, pending[1]) == "skipped"
    again = client.delete(f"/api/v1/batches/{batch_id}", headers=auth_a).json
    assert again["state"] == "cancelled" and again["done"] == 1
    subs = client.get("/api/v1/submissions", headers=auth_a).json["items"]
    assert len(subs) == 1


def test_batch_whose_every_essay_fails_as_it_comes_still_finishes(app, client, auth_a):
    res = client.post("/api/v1/batches", json={"rubric": "stalin-rise", "essays": [
        {"text": "   ", "essay": "blank"}, {"text": "", "essay": "empty"}]}, headers=auth_a)
    assert res.status_code == 202 and res.json["failed"] == 2
    _wait(app)
    final = client.get(res.headers["Location"], headers=auth_a).json
    assert (final["state"], final["failed"], final["summary"]["failed"]) == ("done", 2, 2)
