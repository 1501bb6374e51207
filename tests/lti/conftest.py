"""Fixtures: the tool on a temp SQLite database, a registered simulated platform, launches."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from click.testing import CliRunner

from grader import create_app
from grader.cli.main import cli
from grader.jobs.dispatch import stop_in_worker
from grader.lti import claims as c
from grader.lti.tokens import forget_tokens
from grader.store import get_store

from .platform import Platform

TOOL = "https://localhost"
INSTRUCTOR = ("http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",)
ESSAY = ("Stalin rose to power after Lenin died in 1924. As General Secretary he controlled "
         "appointments to the party, so many delegates owed him their jobs. Lenin's Testament "
         "warned that Stalin was too rude, but it was never published, so his position was "
         "safe. Trotsky was arrogant and missed Lenin's funeral, which made him look "
         "disloyal. Stalin allied with Kamenev and Zinoviev against Trotsky and then turned "
         "on them with Bukharin.\n")


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'lti.sqlite3'}"


@pytest.fixture
def app(db_url):
    forget_tokens()
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "LOG_LEVEL": "WARNING",
                      "SECRET_KEY": "test-secret", "WARM_UP": False,
                      "LTI_RETRY_DELAYS": (0.05,), "LTI_SCORE_ATTEMPTS": 2})
    yield app
    stop_in_worker(app)  # its batch threads must not take later tests' work
    get_store(app).dispose()


@pytest.fixture
def platform(app, db_url, monkeypatch):
    """A simulated LMS on loopback, registered with `grader lti add-platform`."""
    p = Platform()
    monkeypatch.setenv("DATABASE_URL", db_url)
    result = CliRunner().invoke(cli, p.cli_args())
    assert result.exit_code == 0, result.output
    assert "registered platform" in result.output
    p.tool_jwks = app.test_client().get("/lti/jwks.json").json
    yield p
    p.close()


class Browser:
    """A browser in the LMS frame: runs the OIDC login and posts id_tokens to the tool."""

    def __init__(self, app, platform: Platform) -> None:
        self.client = app.test_client()
        self.platform = platform

    def login(self, **extra: str) -> dict[str, str]:
        """Start a login; the query the tool sent to the platform's auth URL."""
        query = {"iss": self.platform.issuer, "login_hint": "u1",
                 "target_link_uri": f"{TOOL}/lti/launch", "client_id": self.platform.client_id,
                 **extra}
        response = self.client.get("/lti/login", query_string=query, base_url=TOOL)
        assert response.status_code == 302, response.text
        location = response.location
        assert location.startswith(self.platform.url + "/auth?")
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))

    def post_launch(self, id_token: str, state: str):
        return self.client.post("/lti/launch", data={"id_token": id_token, "state": state},
                                base_url=TOOL)

    def launch(self, kind: str = c.RESOURCE_LINK_REQUEST, **token_args) -> str:
        """A full login and launch; the frame page the tool redirected to."""
        auth = self.login()
        response = self.post_launch(self.platform.id_token(auth["nonce"], kind=kind,
                                                           **token_args), auth["state"])
        assert response.status_code == 303, response.text
        return urllib.parse.urlsplit(response.location).path

    def get(self, path: str, **kw):
        return self.client.get(path, base_url=TOOL, **kw)

    def post(self, path: str, data: dict, **kw):
        return self.client.post(path, data=data, base_url=TOOL, **kw)


@pytest.fixture
def browser(app, platform) -> Browser:
    return Browser(app, platform)


def form_value(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html)[1]
