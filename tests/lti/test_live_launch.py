"""A slow LMS holds up only its own launch: the JWKS fetch is outside any write (issue 15).

A real gunicorn on SQLite; the simulated platform's /jwks answers only when the test lets
it (or after `jwks_hold` seconds). While one launch waits for the keys, another school's
`POST /api/v1/submissions` must be stored: it used to wait for the launch's write lock.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import urllib.parse

import pytest

from grader.lti import claims as c

from ..api.live import REPO, LiveServer
from ..api.live_browser import LiveBrowser
from .conftest import ESSAY, INSTRUCTOR
from .platform import Platform


@pytest.fixture
def platform():
    p = Platform()
    yield p
    if p.jwks_gate is not None:
        p.jwks_gate.set()
    p.close()


@pytest.fixture
def live(tmp_path, platform):
    server = LiveServer(f"sqlite:///{tmp_path / 'grader.sqlite3'}", extra_env={
        "GRADER_SECRET_KEY": "live-lti-test"}).start()
    subprocess.run([sys.executable, "-m", "grader.cli.main", *platform.cli_args()], cwd=REPO,
                   env=server.env, check=True, capture_output=True)
    yield server
    server.stop()


def test_a_launch_waiting_for_the_platforms_keys_holds_up_no_other_write(live, platform):
    key = live.create_key("another-school")
    browser = LiveBrowser(live.url)
    status, headers, _ = browser.send("GET", "/lti/login?" + urllib.parse.urlencode({
        "iss": platform.issuer, "login_hint": "t1", "client_id": platform.client_id}))
    assert status == 302, status
    auth = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(headers["Location"]).query))
    token = platform.id_token(auth["nonce"], kind=c.DEEP_LINKING_REQUEST, roles=INSTRUCTOR)

    platform.jwks_gate = threading.Event()
    platform.jwks_hold = 8.0  # under the tool's 10 s JWKS timeout and SQLite's busy timeout
    answers: dict[str, int] = {}

    def launch() -> None:
        answers["launch"] = browser.send("POST", "/lti/launch", {
            "id_token": token, "state": auth["state"]}, timeout=60)[0]

    thread = threading.Thread(target=launch)
    thread.start()
    assert platform.jwks_asked.wait(30), "the tool never asked for the platform's keys"
    status, _, body = live.request("POST", "/api/v1/submissions", {
        "rubric": "stalin-rise", "text": ESSAY, "student_ref": "s-1"},
        {"Authorization": f"Bearer {key}"})
    platform.jwks_gate.set()  # now the LMS answers
    thread.join(60)
    assert status == 201, body
    assert not platform.jwks_gate_expired, (
        "the submission was stored only after the launch stopped waiting for the keys")
    assert answers["launch"] == 303
