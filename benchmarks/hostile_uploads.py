"""Hostile uploads against a live gunicorn: how fast they are refused, and whether /healthz,
POST /grade and another school's POST /submissions keep answering meanwhile.

    python benchmarks/hostile_uploads.py [--seconds 20] [--clients 8] [--database URL]

Starts gunicorn (repository gunicorn.conf.py, 2 workers x 4 threads) on a free 127.0.0.1
port over a fresh SQLite file (or --database), creates two keys with the real CLI, and runs
`--clients` threads posting hostile files to POST /api/v1/submissions in turn: a 30 KB PDF
whose page inflates to 8 MB of drawing operators, a 2.4 MB .docx whose document.xml inflates
to 40 MB, a 1 MB .rtf of hyperlink-field openings. Meanwhile one client probes GET /healthz
every 50 ms and one posts a normal essay to /grade and /submissions in turn. Prints, for
each kind, the answers (status: count) and p50/p99/max latency in ms.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
import zlib
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ESSAY = ("Stalin rose to power after Lenin died in 1924. Lenin's Testament warned against "
         "Stalin, but Zinoviev and Kamenev kept it secret. As General Secretary he appointed "
         "his supporters. ") * 4
OPS = b"BT /F1 12 Tf 72 720 Td (Stalin rose to power after Lenin died.) Tj ET\n"


def pdf_of(content: bytes) -> bytes:
    stream = zlib.compress(content, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font "
               b"<< /F1 5 0 R >> >> /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
               + b"\nendstream", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def docx_of(paragraphs: int) -> bytes:
    ns = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = b"".join(b"<w:p><w:r><w:t>w%d</w:t></w:r></w:p>" % i for i in range(paragraphs))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml",
                   b"<w:document " + ns + b"><w:body>" + body + b"</w:body></w:document>")
    return out.getvalue()


HOSTILE = {
    "pdf 8 MB content": ("bomb.pdf", lambda: pdf_of(OPS * (8_000_000 // len(OPS)))),
    "docx 40 MB XML": ("bomb.docx", lambda: docx_of(1_000_000)),
    "rtf 1 MB fields": ("bomb.rtf",
                        lambda: b"{\\rtf1 " + b"{\\field{\\*\\fldinst{HYPERLINK " * 40_000),
}


def multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'
                   f"{v}\r\n".encode() for k, v in fields.items())
    out += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"'
            f"\r\nContent-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Server:
    def __init__(self, database_url: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.env = {**os.environ, "DATABASE_URL": database_url, "GRADER_LOG_LEVEL": "WARNING",
                    "GRADER_BIND": f"127.0.0.1:{self.port}", "GRADER_RATE_LIMIT": "0"}
        self.proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                      "wsgi:app"], cwd=REPO, env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.call("GET", "/readyz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def key(self, name: str) -> dict[str, str]:
        out = subprocess.run([sys.executable, "-m", "grader.cli.main", "keys", "create",
                              "--name", name], cwd=REPO, env=self.env, check=True,
                             capture_output=True, text=True).stdout
        return {"Authorization": "Bearer " + out.strip().splitlines()[-1]}

    def call(self, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, float]:
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            response.read()
            return response.status, (time.perf_counter() - start) * 1000
        finally:
            conn.close()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(args.database or f"sqlite:///{tmp}/grader.sqlite3")
        try:
            run(server, args)
        finally:
            server.stop()


def run(server: Server, args: argparse.Namespace) -> None:
    hostile_key, school_key = server.key("hostile"), server.key("school")
    bodies = []
    for label, (name, build) in HOSTILE.items():
        body, ctype = multipart({"rubric": "stalin-rise"}, name, build())
        bodies.append((label, body, {**hostile_key, "Content-Type": ctype}))
    essay = json.dumps({"rubric": "stalin-rise", "text": ESSAY}).encode()
    json_headers = {**school_key, "Content-Type": "application/json"}
    results: dict[str, list[tuple[int, float]]] = defaultdict(list)
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds

    def record(label: str, outcome: tuple[int, float]) -> None:
        with lock:
            results[label].append(outcome)

    def hostile(i: int) -> None:
        n = i
        while time.monotonic() < stop:
            label, body, headers = bodies[n % len(bodies)]
            record(label, server.call("POST", "/api/v1/submissions", body, headers))
            n += 1

    def probe() -> None:
        while time.monotonic() < stop:
            record("GET /healthz", server.call("GET", "/healthz"))
            time.sleep(0.05)

    def school() -> None:
        while time.monotonic() < stop:
            record("POST /grade", server.call("POST", "/api/v1/grade", essay, json_headers))
            record("POST /submissions", server.call("POST", "/api/v1/submissions", essay,
                                                    json_headers))

    threads = [threading.Thread(target=hostile, args=(i,)) for i in range(args.clients)]
    threads += [threading.Thread(target=probe), threading.Thread(target=school)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"{args.clients} hostile clients for {args.seconds:g} s; gunicorn 2 workers x 4 "
          f"threads on {server.env['DATABASE_URL'].split(':')[0]}")
    print(f"{'request':<22} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  answers")
    for label, outcomes in results.items():
        ms = sorted(m for _, m in outcomes)
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        answers = ", ".join(f"{s}: {c}" for s, c in sorted(Counter(s for s, _ in outcomes)
                                                            .items()))
        print(f"{label:<22} {len(ms):>5} {statistics.median(ms):>8.0f} {p99:>8.0f} "
              f"{ms[-1]:>8.0f}  {answers}")


if __name__ == "__main__":
    main()
