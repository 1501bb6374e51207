"""On a live gunicorn: an attacker's wrong passwords slow the attacker, never lock the owner
out (from another address, or from their own browser behind the attacker's address)."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
from urllib.parse import urlencode

import pytest

from ..api.live import REPO, LiveServer

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
EMAIL, PASSWORD = "owner@school.org", "a long and right password"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    db = tmp_path_factory.mktemp("signin") / "grader.sqlite3"
    server = LiveServer(f"sqlite:///{db}", workers=1, threads=4, extra_env={
        "GRADER_SECRET_KEY": "signin-live-test", "GRADER_WEB_SECURE_COOKIES": "false",
        "GRADER_RATELIMIT_STORAGE": "memory://"}).start()
    subprocess.run([sys.executable, "-m", "grader.cli.main", "users", "create", EMAIL],
                   input=PASSWORD + "\n", cwd=REPO, env=server.env, check=True, text=True,
                   capture_output=True)
    yield server
    server.stop()


class Browser:
    """A browser at a loopback address of its own (127.0.0.x), keeping its cookies."""

    def __init__(self, port: int, address: str) -> None:
        self.port, self.address = port, address
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                          source_address=(self.address, 0))
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            for header, value in resp.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return resp.status, resp.read().decode()
        finally:
            conn.close()

    def sign_in(self, password: str) -> int:
        _, page = self._send("GET", "/sign-in")
        form = {"email": EMAIL, "password": password, "csrf_token": TOKEN.search(page)[1]}
        return self._send("POST", "/sign-in", urlencode(form))[0]


def test_the_owner_still_signs_in_after_an_attackers_wrong_passwords(live):
    owners_browser = Browser(live.port, "127.0.0.2")  # at the school, behind one address
    assert owners_browser.sign_in(PASSWORD) == 302
    attacker = Browser(live.port, "127.0.0.2")  # same address, another browser
    codes = [attacker.sign_in(f"guess {n}") for n in range(25)]
    assert set(codes) <= {401, 429} and codes[:3] == [401, 401, 401]
    assert codes.count(401) < 25 and codes[-1] == 429  # the guessing was slowed down
    assert attacker.sign_in(PASSWORD) == 429  # even a right guess waits, here
    assert Browser(live.port, "127.0.0.3").sign_in(PASSWORD) == 302  # the owner elsewhere
    assert owners_browser.sign_in(PASSWORD) == 302  # and in their own browser
