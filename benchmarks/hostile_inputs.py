"""The hostile inputs of issue 15, as ready-to-send HTTP requests (for soak.py, hostile_load.py).

- long word: POST /api/v1/grade, an essay holding one 300,000-letter word;
- many-entry zip: POST /api/v1/batches (application/zip), 1,000 entries of 800 KB of text
  each, about 0.9 MB compressed (800 MB if all were read);
- inflating PDF: POST /api/v1/grade (multipart), a PDF of some 20 KB whose page content
  inflates to 20 MB.

Each is answered by the service as it sees fit (graded, or refused with a 4xx naming the
problem); what matters is that it costs the rest of the service nothing. Built once, in
memory, with no file or network access.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
import zlib
from dataclasses import dataclass

ESSAY = ("Stalin rose to power after Lenin died in 1924. Lenin's Testament warned against "
         "Stalin, but Zinoviev and Kamenev kept it secret. ")


@dataclass(frozen=True)
class Hostile:
    """One hostile request: its name, and the request line's path, headers and body."""

    name: str
    path: str
    content_type: str
    body: bytes


def long_word(letters: int = 300_000) -> Hostile:
    text = ESSAY + "a" * letters + " " + ESSAY
    body = json.dumps({"rubric": "stalin-rise", "text": text}).encode()
    return Hostile("long word", "/api/v1/grade", "application/json", body)


def many_entry_zip(entries: int = 1000, entry_kb: int = 800) -> Hostile:
    out = io.BytesIO()
    padding = " " * (entry_kb * 1024 - len(ESSAY))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        data = (ESSAY + padding).encode()
        for n in range(entries):
            z.writestr(f"essay-{n:04}.txt", data)
    return Hostile("many-entry zip", "/api/v1/batches?rubric=stalin-rise", "application/zip",
                   out.getvalue())


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def inflating_pdf_bytes(megabytes: int = 20) -> bytes:
    c = zlib.compressobj(9)
    parts = [c.compress(b"BT /F1 12 Tf 72 720 Td (" + ESSAY.encode() + b") Tj ET\n")]
    chunk = b" " * 1_000_000
    parts += [c.compress(chunk) for _ in range(megabytes)]
    parts.append(c.flush())
    content = b"".join(parts)
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def multipart(fields: dict[str, str], filename: str, data: bytes,
              mimetype: str) -> tuple[str, bytes]:
    """(content type, body) of a multipart/form-data request with one file."""
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                  f"{value}\r\n".encode())
    out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
              f"filename=\"{filename}\"\r\nContent-Type: {mimetype}\r\n\r\n".encode())
    out.write(data + f"\r\n--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", out.getvalue()


def inflating_pdf() -> Hostile:
    content_type, body = multipart({"rubric": "stalin-rise"}, "essay.pdf",
                                   inflating_pdf_bytes(), "application/pdf")
    return Hostile("inflating PDF", "/api/v1/grade", content_type, body)


def all_hostile() -> list[Hostile]:
    return [long_word(), many_entry_zip(), inflating_pdf()]


def raw_request(port: int, key: str, path: str, content_type: str, body: bytes,
                method: str = "POST") -> bytes:
    """The bytes of one HTTP/1.1 request with the bearer key."""
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {key}\r\n")
    if method == "POST":
        head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + (body if method == "POST" else b"")
