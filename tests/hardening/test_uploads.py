"""Hostile uploads through /api/v1/grade and /api/v1/batches: clear 4xx or per-item errors, fast."""

from __future__ import annotations

import io
import tracemalloc

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
    ("PDF flate bomb (60 MB page)", "flate.pdf", lambda: _bomb_pdf(60), 422, "PDF bomb"),
    ("PDF of 12 MB pages, twice", "twice.pdf", lambda: _bomb_pdf(12, pages=2), 422,
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
    assert r.status_code == 422 and "PDF bomb" in r.json["detail"]
    assert peak < 250_000_000  # pypdf stops inflating at 75 MB; we stop reading at 20 MB


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
