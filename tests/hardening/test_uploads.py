"""Hostile uploads through /api/v1/grade, /submissions, /batches and the web upload: clear 4xx
or per-item errors, fast, within each upload's reading budget (in process and on gunicorn)."""

from __future__ import annotations

import http.cookiejar
import io
import json
import re
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
import zlib

import pytest

from tests.ingest.documents import encrypt_pdf, make_docx
from tests.ingest.documents import make_pdf as simple_pdf

from .conftest import TEXT_OPS, Timer, deflate_spaces, make_zip, pdf_pages

W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
BODY = b"<w:document " + W + b"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
XXE = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + BODY
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lollollollol">'
          + b"".join(b'<!ENTITY %c "%s">' % (98 + i, b"&%c;" % (97 + i) * 10) for i in range(9))
          + b'<!ENTITY x "&j;">]>' + BODY)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096  # what Word writes with a password


def grade_upload(client, auth, name: str, data: bytes):
    return client.post("/api/v1/grade", headers=auth, content_type="multipart/form-data",
                       data={"rubric": "stalin-rise", "file": (io.BytesIO(data), name)})


def _bomb_pdf(megabytes: int, pages: int = 1) -> bytes:
    return pdf_pages(b" ".join([b"3 0 R"] * pages), pages,
                     deflate_spaces(TEXT_OPS, megabytes), flate=True)


HOSTILE = [
    ("zip bomb .docx", "bomb.docx",
     lambda: make_zip({"word/document.xml": b"<a>" + b" " * 30_000_000 + b"</a>"}),
     422, "zip bomb"),
    ("XXE .docx", "xxe.docx", lambda: make_zip({"word/document.xml": XXE}), 422,
     "forbidden XML"),
    ("billion laughs .docx", "lol.docx", lambda: make_zip({"word/document.xml": LAUGHS}), 422,
     "forbidden XML"),
    ("XXE .odt", "xxe.odt", lambda: make_zip({"content.xml": XXE}), 422, "forbidden XML"),
    ("encrypted zip member .docx", "enc.docx",
     lambda: make_zip({"word/document.xml": BODY}, encrypted=("word/document.xml",)), 422,
     "password-protected"),
    ("password-protected Word file", "secret.docx", lambda: OLE, 422, "password-protected"),
    ("password-protected PDF", "secret.pdf",
     lambda: encrypt_pdf(simple_pdf(["Stalin rose to power."])), 422, "password-protected"),
    ("PDF with 100,000 pages", "pages.pdf",
     lambda: pdf_pages(b" ".join([b"3 0 R"] * 100_000), 100_000, TEXT_OPS), 422, ".pdf"),
    ("PDF whose page tree loops", "loop.pdf",
     lambda: pdf_pages(b"2 0 R 3 0 R", 2, TEXT_OPS), 422, ".pdf"),
    ("PDF nested 50,000 deep", "deep.pdf",
     lambda: pdf_pages(b"3 0 R", 1, TEXT_OPS, catalog_extra=b" /X " + b"[" * 50_000
                       + b"]" * 50_000), 422, ".pdf"),
    ("PDF flate bomb (60 MB page)", "flate.pdf", lambda: _bomb_pdf(60), 413, "PDF bomb"),
    ("PDF of 12 MB pages, twice", "twice.pdf", lambda: _bomb_pdf(12, pages=2), 413,
     "PDF bomb"),
    ("PDF named .docx", "essay.docx", lambda: simple_pdf(["Stalin"]), 422, "not a valid .docx"),
    ("Word file named .pdf", "essay.pdf", lambda: make_docx(["Stalin"]), 422,
     "not a valid .pdf"),
    ("executable named .txt", "essay.txt", lambda: b"MZ\x90\x00" + b"\0" * 2000, 422,
     "binary"),
    ("zip named .txt", "essay.txt", lambda: make_zip({"a.txt": b"x"}), 422, "binary"),
    ("PNG named .pdf", "essay.pdf", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 64, 422,
     "not a valid .pdf"),
    ("unknown extension", "essay.exe", lambda: b"hello", 415, "unsupported file type"),
    ("0-byte .txt", "empty.txt", lambda: b"", 422, "empty"),
    ("0-byte .docx", "empty.docx", lambda: b"", 422, "not a valid .docx"),
    ("0-byte .pdf", "empty.pdf", lambda: b"", 422, "not a valid .pdf"),
    ("whitespace only", "blank.txt", lambda: b" \n\t\r\n  ", 422, "empty"),
    ("empty .docx document", "blank.docx", lambda: make_docx([]), 422, "empty"),
]


@pytest.mark.parametrize("label,name,build,status,message", HOSTILE,
                         ids=[h[0] for h in HOSTILE])
def test_hostile_upload_is_refused_clearly_and_fast(client, auth_a, label, name, build, status,
                                                    message):
    data = build()
    with Timer() as t:
        r = grade_upload(client, auth_a, name, data)
    assert r.status_code == status, (label, r.json)
    assert r.content_type == "application/problem+json"
    assert message in r.json["detail"], (label, r.json["detail"])
    assert "Traceback" not in r.json["detail"] and "/etc/passwd" not in r.get_data(as_text=True)
    assert t.seconds < 10, (label, t.seconds)


@pytest.mark.parametrize("pages", [1, 3])
def test_pdf_bomb_memory_is_bounded(client, auth_a, pages):
    data = _bomb_pdf(70, pages)
    tracemalloc.start()
    try:
        r = grade_upload(client, auth_a, "bomb.pdf", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert r.status_code == 413 and "PDF bomb" in r.json["detail"]
    assert peak < 250_000_000  # pypdf stops inflating at our 2 MB page-content cap


def test_body_over_the_limit_is_413_before_parsing(client, auth_a):
    r = grade_upload(client, auth_a, "big.txt", b"word " * 1_200_000)
    assert r.status_code == 413 and "limit" in r.json["detail"]


def _batch(client, auth, data: bytes, **args: str):
    return client.post("/api/v1/batches", headers=auth, data=data,
                       content_type="application/zip",
                       query_string={"rubric": "stalin-rise", **args})


def _read(app, client, auth, r) -> dict:
    """The batch once a worker has read its upload and marked it (the request only stores
    the upload: it reads nothing)."""
    from grader.jobs import get_executor

    assert r.status_code == 202 and r.json["total"] == 0, r.json
    assert get_executor(app).wait_idle(60)
    return client.get(r.headers["Location"], headers=auth).json


def test_batch_zip_with_hostile_entries_gives_per_item_errors(app, client, auth_a):
    essay = b"Stalin rose to power after Lenin died in 1924 and appointed his supporters."
    data = make_zip({
        "ok.txt": essay,
        "../../etc/evil.txt": essay,
        "/abs.txt": essay,
        "C:/win.txt": essay,
        "bomb.txt": b" " * 4_000_000,
        "inner.zip": make_zip({"a.txt": essay}),
        "secret.txt": essay,
        "xxe.docx": make_zip({"word/document.xml": XXE}),
        "secret.docx": OLE,
        "empty.txt": b"",
        "lies.pdf": make_docx(["x"]),
    }, encrypted=("secret.txt",))
    with Timer() as t:
        r = _batch(client, auth_a, data)
    assert r.status_code == 202 and t.seconds < 10
    read = _read(app, client, auth_a, r)
    errors = {e["essay"].split("/", 1)[1]: e["error"] for e in read["errors"]}
    assert errors == {
        "../../etc/evil.txt": "unsafe path in archive (refused)",
        "/abs.txt": "unsafe path in archive (refused)",
        "C:/win.txt": "unsafe path in archive (refused)",
        "bomb.txt": "entry is compressed suspiciously (zip bomb?)",
        "inner.zip": "archive inside an archive (not read)",
        "secret.txt": "password-protected entry",
        "xxe.docx": ".docx file contains forbidden XML (DTD or entities)",
        "secret.docx": errors["secret.docx"],
        "empty.txt": errors["empty.txt"],
        "lies.pdf": "not a valid .pdf file (cannot be read)",
    }
    assert "password-protected" in errors["secret.docx"] and "empty" in errors["empty.txt"]
    assert read["total"] == 11 and read["done"] == 1


def test_batch_zip_with_10000_entries_is_bounded(app, client, auth_a, monkeypatch):
    monkeypatch.setitem(app.config, "BATCH_MAX_ITEMS", 5_000)
    data = make_zip({f"e{i}.txt": b"x" for i in range(10_000)})
    with Timer() as t:
        r = _batch(client, auth_a, data)
    assert t.seconds < 10
    read = _read(app, client, auth_a, r)
    assert (read["state"], read["total"], read["failed"]) == ("done", 1, 1)
    assert read["errors"][0]["error"] == "archive has 10,000 entries (the limit is 5,000)"


def test_batch_of_noise_only_fails_saying_no_essays(app, client, auth_a):
    data = make_zip({f"__MACOSX/{i}.txt": b"x" for i in range(100)} | {"a.png": b"\x89PNG"})
    read = _read(app, client, auth_a, _batch(client, auth_a, data, name="noise.zip"))
    assert (read["state"], read["total"], read["failed"]) == ("done", 1, 1)
    assert read["errors"] == [{"position": 1, "essay": "noise.zip",
                               "error": "no essays found in this file"}]


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 broken", b"not a zip at all"])
def test_batch_empty_or_broken_zip(app, client, auth_a, data):
    read = _read(app, client, auth_a, _batch(client, auth_a, data))
    assert (read["state"], read["failed"], read["pending"]) == ("done", 1, 0)
    assert read["errors"][0]["error"] == "not a valid zip archive"

# --- Live gunicorn on SQLite: hostile uploads are refused fast by their reading budget, and
# --- another school's POST /submissions keeps working while they are read (issue 15, #3).

LIVE_PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
OPS = b"BT /F1 12 Tf 72 720 Td (Stalin rose to power after Lenin died.) Tj ET\n"
WORD_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type."""
    boundary = uuid.uuid4().hex
    out = bytearray()
    for name, value in fields.items():
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n").encode()
    for field_name, filename, data in files:
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                ).encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def send(opener, url: str, body: bytes | None = None, content_type: str | None = None,
         headers: dict[str, str] | None = None, timeout: float = 120) -> tuple[int, str, bytes]:
    """(status, final URL, body) of a request through `opener` (errors returned, not raised)."""
    req = urllib.request.Request(url, data=body, headers={
        **({"Content-Type": content_type} if content_type else {}), **(headers or {})})
    try:
        with opener.open(req, timeout=timeout) as resp:
            return resp.status, resp.geturl(), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, url, err.read()


def hostile_pdf() -> bytes:
    """~30 KB whose one page inflates to 8 MB of drawing operators (pypdf: ~10 s to parse)."""
    return pdf_pages(b"3 0 R", 1, zlib.compress(OPS * (8_000_000 // len(OPS)), 9), flate=True)


def hostile_docx() -> bytes:
    """~2.4 MB whose document.xml inflates to 40 MB at ~16:1 (under the zip ratio check)."""
    body = b"".join(b"<w:p><w:r><w:t>w%d</w:t></w:r></w:p>" % i for i in range(1_000_000))
    return make_zip({"word/document.xml": b"<w:document " + WORD_NS + b"><w:body>" + body
                     + b"</w:body></w:document>"})


def small_bombs_zip() -> bytes:
    """The finding's zip: 1,000 entries of 800 KB, each under the old 1 MB ratio threshold."""
    out = io.BytesIO()
    entry = b"a" * 800_000
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(1_000):
            z.writestr(f"class/e{i}.txt", entry)
    return out.getvalue()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from tests.api.live import LiveServer

    db = tmp_path_factory.mktemp("live-uploads") / "grader.sqlite3"
    server = LiveServer(f"sqlite:///{db}", extra_env={
        "GRADER_SECRET_KEY": "live-upload-test", "GRADER_WEB_SECURE_COOKIES": "false",
        "GRADER_RATE_LIMIT": "0"}).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def live_keys(live) -> tuple[dict[str, str], dict[str, str]]:
    """Two schools' API keys on the live server."""
    return tuple({"Authorization": f"Bearer {live.create_key(n)}"} for n in ("school-a",
                                                                             "school-b"))


def other_school_submits(live, auth: dict[str, str], results: list, stop: threading.Event,
                         ) -> None:
    """POST /submissions (JSON) over and over until `stop`: each (status, seconds)."""
    essay = {"rubric": "stalin-rise", "text": "Stalin became General Secretary in 1922. " * 5}
    while not stop.is_set():
        start = time.perf_counter()
        status, _, _ = live.request("POST", "/api/v1/submissions", essay, auth)
        results.append((status, time.perf_counter() - start))


def while_others_submit(live, auth: dict[str, str], action):
    """Run `action()` while another school posts submissions; (its result, their results)."""
    results: list[tuple[int, float]] = []
    stop = threading.Event()
    thread = threading.Thread(target=other_school_submits, args=(live, auth, results, stop))
    thread.start()
    try:
        time.sleep(0.2)
        outcome = action()
        time.sleep(0.2)
    finally:
        stop.set()
        thread.join(60)
    return outcome, results


@pytest.mark.parametrize("name,build,message", [
    ("bomb.pdf", hostile_pdf, "this PDF expands to more than 2 MB of page content"),
    ("bomb.docx", hostile_docx, "this .docx file expands to more than 8 MB of XML"),
], ids=["pdf", "docx"])
def test_live_hostile_upload_is_413_and_others_keep_submitting(live, live_keys, name, build,
                                                               message):
    data = build()
    assert len(data) < 5_000_000  # under the request body limit: the budget must catch it
    body, ctype = multipart({"rubric": "stalin-rise"}, [("file", name, data)])
    opener = urllib.request.build_opener()

    def post_hostile():
        start = time.perf_counter()
        status, _, raw = send(opener, live.url + "/api/v1/submissions", body, ctype,
                              live_keys[0])
        return status, json.loads(raw), time.perf_counter() - start

    (status, problem, seconds), others = while_others_submit(live, live_keys[1], post_hostile)
    assert status == 413, problem
    assert problem["title"] == "Upload over its reading budget"
    assert problem["detail"].startswith(message), problem["detail"]
    assert problem["errors"] == [{"field": "file", "message": problem["detail"]}]
    assert seconds < 5, seconds  # before: 10 s (PDF) parsing what had inflated
    assert others and all(s == 201 for s, _ in others), others


def web_teacher(live) -> urllib.request.OpenerDirector:
    """A signed-in teacher on the live server (created with the real CLI)."""
    subprocess.run([sys.executable, "-m", "grader.cli.main", "users", "create",
                    "uploads@example.org"], cwd=live_repo(), env=live.env, check=True,
                   input=LIVE_PASSWORD + "\n", capture_output=True, text=True)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(
        http.cookiejar.CookieJar()))
    _, _, page = send(opener, live.url + "/sign-in")
    form = urllib.parse.urlencode({"email": "uploads@example.org", "password": LIVE_PASSWORD,
                                   "csrf_token": CSRF.search(page.decode())[1]}).encode()
    status, _, _ = send(opener, live.url + "/sign-in", form,
                        "application/x-www-form-urlencoded")
    assert status == 200  # redirected to the assignments page
    return opener


def live_repo():
    from tests.api.live import REPO

    return REPO


def test_live_web_upload_of_small_bombs_is_fast_and_does_not_block_writers(live, live_keys):
    opener = web_teacher(live)
    _, _, page = send(opener, live.url + "/assignments/new")
    token = CSRF.search(page.decode())[1]
    form = urllib.parse.urlencode({"title": "9A", "rubric": "stalin-rise",
                                   "csrf_token": token}).encode()
    status, where, _ = send(opener, live.url + "/assignments/new", form,
                            "application/x-www-form-urlencoded")
    assert status == 200, where
    assignment = where.rstrip("/").rsplit("/", 1)[1]
    data = small_bombs_zip()
    assert len(data) < 2_000_000
    body, ctype = multipart({"csrf_token": token}, [("files", "class.zip", data)])

    def upload():
        start = time.perf_counter()
        status, where, raw = send(opener, f"{live.url}/assignments/{assignment}/upload",
                                  body, ctype)
        answered = time.perf_counter() - start
        progress: dict = {}
        deadline = time.monotonic() + 120  # a worker reads the zip while others submit
        while "/batches/" in where and time.monotonic() < deadline:
            progress = json.loads(send(opener, where + "/status")[2])
            if progress.get("finished"):
                break
            time.sleep(0.25)
        return status, where, answered, progress

    (status, where, seconds, progress), others = while_others_submit(live, live_keys[1],
                                                                      upload)
    assert status == 200 and "/batches/" in where, (status, where)
    assert seconds < 10, seconds  # before: 62 s, inflating 800 MB inside the write lock
    assert others and all(s == 201 for s, _ in others), others
    assert progress["total"] == 1_000 and progress["finished"], progress
    assert {e["error"] for e in progress["errors"]} == {
        "entry is compressed suspiciously (zip bomb?)"}
