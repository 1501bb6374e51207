"""Fixtures for the attack tests: an app on SQLite with two owners' keys, hostile builders."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator

import pytest

from grader import create_app
from grader.jobs.dispatch import stop_in_worker
from grader.store import get_store
from grader.store.keys import create_key

from ..ingest.documents import pdf_from_objects as make_pdf


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "g.sqlite3"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}",
                      "LOG_LEVEL": "WARNING", "RATE_LIMIT": 0, "SECRET_KEY": "test-key"})
    yield app
    stop_in_worker(app)  # its batch threads must not take later tests' work
    get_store(app).dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def new_key(app, name: str) -> dict[str, str]:
    with get_store(app).write() as session:
        _, plaintext = create_key(session, name, None, None)
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.fixture(scope="module")
def auth_a(app) -> dict[str, str]:
    return new_key(app, "owner-a")


@pytest.fixture(scope="module")
def auth_b(app) -> dict[str, str]:
    return new_key(app, "owner-b")


class Timer:
    """Elapsed seconds of a block: `with Timer() as t: ...; t.seconds`."""

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def make_zip(members: dict[str, bytes], encrypted: tuple[str, ...] = ()) -> bytes:
    """A deflated zip; names in `encrypted` get the 'encrypted' flag bit (data left as is)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    raw = bytearray(out.getvalue())
    for name in encrypted:  # set bit 0 of the flags in the local and central headers
        encoded = name.encode()
        for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            pos = 0
            while (pos := raw.find(sig, pos)) != -1:
                name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
                if raw[name_at:name_at + len(encoded)] == encoded:
                    raw[pos + flag_at] |= 1
                pos += 4
    return bytes(raw)


def deflate_spaces(prefix: bytes, megabytes: int) -> bytes:
    """zlib data of `prefix` then `megabytes` MB of spaces, built without holding them."""
    import zlib

    c = zlib.compressobj(9)
    parts = [c.compress(prefix)]
    chunk = b" " * 1_000_000
    parts += [c.compress(chunk) for _ in range(megabytes)]
    parts.append(c.flush())
    return b"".join(parts)


PAGE = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TEXT_OPS = b"BT /F1 12 Tf 72 720 Td (Stalin rose to power after Lenin died.) Tj ET\n"


def pdf_pages(kids: bytes, count: int, content: bytes, flate: bool = False,
              catalog_extra: bytes = b"") -> bytes:
    """A PDF whose page tree lists `kids`, every page drawing `content`."""
    stream_dict = b"<< /Length %d%s >>" % (len(content), b" /Filter /FlateDecode" if flate else b"")
    return make_pdf([
        b"<< /Type /Catalog /Pages 2 0 R" + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        PAGE, stream_dict + b"\nstream\n" + content + b"\nendstream", FONT])


@pytest.fixture
def timer() -> Iterator[type[Timer]]:
    yield Timer
