"""Sign-in and sign-out on a real gunicorn (2 workers x 4 threads, SQLite) (issue 15).

- sign-out ends the session on the server: the old cookie no longer opens any page, on
  either worker; a new password ends every session of the teacher;
- after sign-in only a path of this site is followed (`next=/%09/evil.example` used to
  answer `Location: //evil.example`);
- the password is checked outside the write transaction: while another writer holds the
  SQLite write lock, a wrong password is still answered 401 at once.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import urllib.parse

import pytest

from ..api.live import REPO, LiveServer
from ..api.live_browser import LiveBrowser

PASSWORD = "correct horse battery"
EMAIL = "amy@school.org"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    db = tmp_path_factory.mktemp("sessions") / "grader.sqlite3"
    server = LiveServer(f"sqlite:///{db}", workers=2, threads=4, extra_env={
        "GRADER_SECRET_KEY": "live-session-test", "GRADER_WEB_SECURE_COOKIES": "false",
        "GRADER_WEB_SIGNIN_LIMIT": "1000"}).start()
    server.db_path = db
    users(server, "create", EMAIL, PASSWORD)
    yield server
    server.stop()


def users(server: LiveServer, command: str, email: str, password: str) -> None:
    subprocess.run([sys.executable, "-m", "grader.cli.main", "users", command, email],
                   input=password + "\n", cwd=REPO, env=server.env, check=True,
                   capture_output=True, text=True)


def sign_in(browser: LiveBrowser, password: str = PASSWORD, next_path: str | None = None):
    query = "?" + urllib.parse.urlencode({"next": next_path}) if next_path else ""
    return browser.send("POST", "/sign-in" + query, {
        "email": EMAIL, "password": password, "csrf_token": browser.token()})


def opens_assignments(url: str, cookie: str) -> bool:
    """Whether the cookie opens the assignments page, asked several times (both workers)."""
    answers = {LiveBrowser(url, cookie).send("GET", "/assignments")[0] for _ in range(8)}
    assert answers <= {200, 302}, answers
    assert len(answers) == 1, answers  # every worker agrees
    return answers == {200}


def test_sign_out_ends_the_session_on_the_server(live):
    browser = LiveBrowser(live.url)
    status, headers, _ = sign_in(browser)
    assert status == 302, headers
    copied = browser.session_cookie()
    assert copied and opens_assignments(live.url, copied)
    status, headers, _ = browser.send("POST", "/sign-out",
                                      {"csrf_token": browser.token("/assignments")})
    assert status == 302 and headers["Location"].endswith("/sign-in")
    assert not opens_assignments(live.url, copied)  # the copy, replayed after sign-out
    again = LiveBrowser(live.url, copied)
    status, headers, _ = again.send("GET", "/assignments")
    assert status == 302 and "/sign-in" in headers["Location"]


def test_a_new_password_ends_every_session(live):
    first, second = LiveBrowser(live.url), LiveBrowser(live.url)
    assert sign_in(first)[0] == 302 and sign_in(second)[0] == 302
    cookies = [first.session_cookie(), second.session_cookie()]
    assert all(opens_assignments(live.url, cookie) for cookie in cookies)
    users(live, "set-password", EMAIL, PASSWORD + "!")
    try:
        assert not any(opens_assignments(live.url, cookie) for cookie in cookies)
        assert sign_in(LiveBrowser(live.url))[0] == 401
        assert sign_in(LiveBrowser(live.url), PASSWORD + "!")[0] == 302
    finally:
        users(live, "set-password", EMAIL, PASSWORD)


@pytest.mark.parametrize("target", [
    "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\x00/evil.example",
    "/ /evil.example", "//evil.example", "/\\evil.example", "\\/evil.example",
    "https://evil.example/", "javascript:alert(1)", "/\t\t//evil.example", " //evil.example",
    "\t//evil.example", "/\x7f/evil.example", "evil.example"])
def test_sign_in_never_redirects_off_the_site(live, target):
    status, headers, _ = sign_in(LiveBrowser(live.url), next_path=target)
    assert status == 302, status
    assert headers["Location"] == "/assignments", headers["Location"]


def test_sign_in_follows_a_path_of_this_site(live):
    status, headers, _ = sign_in(LiveBrowser(live.url), next_path="/assignments/new?x=1")
    assert status == 302 and headers["Location"] == "/assignments/new?x=1"


def test_a_wrong_password_is_answered_while_another_writer_holds_the_database(live):
    """The password check takes no write lock (scrypt runs outside the write transaction)."""
    browser = LiveBrowser(live.url)
    token = browser.token()
    holder = sqlite3.connect(live.db_path, timeout=30, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another tenant's long write
        status, _, page = browser.send("POST", "/sign-in", {
            "email": EMAIL, "password": "not the password", "csrf_token": token}, timeout=60)
        assert status == 401, (status, page[:300])
        assert "do not match" in page
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert sign_in(LiveBrowser(live.url))[0] == 302
