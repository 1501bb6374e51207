"""What an unauthenticated /lti/login may store: a short storage target, for ten minutes (issue 15).

Run on SQLite and, when reachable, on PostgreSQL (where a long value used to be a 500).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from grader.lti import claims as c
from grader.lti.models import LtiLaunch, LtiLoginState
from grader.store import get_store
from grader.store.models import utcnow

from ..api.backends import PgSchema, postgres_problem
from .conftest import INSTRUCTOR


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The LTI app's database: a temp SQLite file, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lti.sqlite3'}"
        return
    problem = postgres_problem()
    if problem:
        pytest.skip(problem)
    schema = PgSchema()
    yield schema.create()
    schema.drop()


def login(browser, method: str = "GET", **extra: str):
    query = {"iss": browser.platform.issuer, "login_hint": "u1",
             "client_id": browser.platform.client_id, **extra}
    if method == "POST":
        return browser.client.post("/lti/login", data=query, base_url="https://localhost")
    return browser.client.get("/lti/login", query_string=query, base_url="https://localhost")


def states(app) -> int:
    with get_store(app).read() as session:
        return session.scalar(select(func.count()).select_from(LtiLoginState))


@pytest.mark.parametrize("target", ["x" * 4_000_000, "x" * 101, "a b", "<script>",
                                    "frame\u00e9", "../../x"])
def test_a_storage_target_that_is_no_frame_name_is_refused(app, browser, target):
    response = login(browser, "POST", lti_storage_target=target)
    assert response.status_code == 400, response.status_code
    assert "lti_storage_target must name a frame" in response.text
    assert f"({len(target)} characters)" in response.text
    assert states(app) == 0


@pytest.mark.parametrize("target", ["_parent", "post_message_forwarding", "x" * 100])
def test_frame_names_are_accepted(app, browser, target):
    response = login(browser, "POST", lti_storage_target=target)
    assert response.status_code == 200, response.text
    assert f'data-target="{target}"' in response.text
    assert states(app) == 1


def test_logins_older_than_their_lifetime_are_purged(app, browser):
    first = browser.login()
    browser.login()
    with get_store(app).write() as session:  # the first login was ten minutes and more ago
        session.execute(update(LtiLoginState).where(LtiLoginState.state == first["state"])
                        .values(created_at=utcnow() - timedelta(minutes=11)))
    assert states(app) == 2
    third = browser.login()
    with get_store(app).read() as session:
        kept = set(session.scalars(select(LtiLoginState.state)))
    assert first["state"] not in kept and third["state"] in kept and len(kept) == 2
    # an expired launch (frame session) goes at the next launch
    old = browser.launch(c.DEEP_LINKING_REQUEST, roles=INSTRUCTOR).split("/")[3]
    with get_store(app).write() as session:
        session.execute(update(LtiLaunch).where(LtiLaunch.id == old)
                        .values(expires_at=utcnow() - timedelta(seconds=1)))
    new = browser.launch(c.DEEP_LINKING_REQUEST, roles=INSTRUCTOR).split("/")[3]
    with get_store(app).read() as session:
        assert set(session.scalars(select(LtiLaunch.id))) == {new}
