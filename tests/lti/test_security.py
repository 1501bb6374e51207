"""Refused launches: forged, expired, replayed, unregistered; cookies; platform storage; keys."""

from __future__ import annotations

import json
import logging
import re
import urllib.parse

import jwt
import pytest
from click.testing import CliRunner
from jwt.algorithms import RSAAlgorithm

from grader.cli.main import cli
from grader.lti import claims as c

from .conftest import INSTRUCTOR
from .platform import new_key


def test_forged_token_signed_with_another_key_is_refused(browser):
    auth = browser.login()
    other, _ = new_key()
    response = browser.post_launch(browser.platform.id_token(auth["nonce"], key=other),
                                   auth["state"])
    assert response.status_code == 401
    assert "signature is not valid" in response.text


def test_expired_token_is_refused(browser):
    auth = browser.login()
    token = browser.platform.id_token(auth["nonce"], lifetime=-120)  # past the 30 s leeway
    response = browser.post_launch(token, auth["state"])
    assert response.status_code == 401
    assert "has expired" in response.text


def test_replayed_token_is_refused(browser):
    auth = browser.login()
    token = browser.platform.id_token(auth["nonce"], kind=c.DEEP_LINKING_REQUEST,
                                      roles=INSTRUCTOR)
    assert browser.post_launch(token, auth["state"]).status_code == 303
    again = browser.post_launch(token, auth["state"])
    assert again.status_code == 401
    assert "already used (replayed nonce)" in again.text
    # the same token with a fresh login's state: the nonce does not belong to it
    fresh = browser.login()
    response = browser.post_launch(token, fresh["state"])
    assert response.status_code == 401 and "nonce does not belong" in response.text


def test_unregistered_issuer_is_refused_at_login_and_launch(browser):
    response = browser.client.get("/lti/login", base_url="https://localhost", query_string={
        "iss": "https://evil.example", "login_hint": "x"})
    assert response.status_code == 403 and "is not registered" in response.text
    auth = browser.login()
    token = browser.platform.id_token(auth["nonce"], issuer="https://evil.example")
    response = browser.post_launch(token, auth["state"])
    assert response.status_code == 403 and "is not registered" in response.text


def test_unknown_deployment_and_wrong_version_are_refused(browser):
    auth = browser.login()
    token = browser.platform.id_token(auth["nonce"], extra={c.DEPLOYMENT_ID: "other"})
    response = browser.post_launch(token, auth["state"])
    assert response.status_code == 403 and "is not registered for this platform" in response.text
    auth = browser.login()
    token = browser.platform.id_token(auth["nonce"], extra={c.VERSION: "1.1"})
    assert "Unsupported LTI version" in browser.post_launch(token, auth["state"]).text


def test_wrong_audience_and_unknown_state_are_refused(browser):
    auth = browser.login()
    token = browser.platform.id_token(auth["nonce"], extra={"aud": ["grader-client", "x"],
                                                            "azp": "x"})
    response = browser.post_launch(token, auth["state"])
    assert response.status_code == 401 and "azp" in response.text
    token = browser.platform.id_token(auth["nonce"], kind=c.DEEP_LINKING_REQUEST,
                                      roles=INSTRUCTOR)
    response = browser.post_launch(token, "not-a-state")
    assert response.status_code == 401 and "Unknown login state" in response.text, response.text


def test_state_cookie_is_samesite_none_secure_and_jwks_is_cached(browser):
    query = {"iss": browser.platform.issuer, "login_hint": "u", "client_id": "grader-client"}
    response = browser.client.get("/lti/login", base_url="https://localhost",
                                  query_string=query)
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    browser.launch(c.DEEP_LINKING_REQUEST, roles=INSTRUCTOR)
    browser.launch(c.DEEP_LINKING_REQUEST, roles=INSTRUCTOR)
    assert browser.platform.jwks_fetches == 1


def test_frame_pages_allow_the_lms_to_frame_them(browser):
    page = browser.launch(c.DEEP_LINKING_REQUEST, roles=INSTRUCTOR)
    csp = browser.get(page).headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {browser.platform.url}" in csp
    assert browser.get(page).headers["Referrer-Policy"] == "no-referrer"


def test_platform_storage_replaces_the_cookie(app, browser):
    """With lti_storage_target the state goes through postMessage, not a cookie."""
    query = {"iss": browser.platform.issuer, "login_hint": "u", "client_id": "grader-client",
             "lti_storage_target": "post_message_forwarding"}
    page = browser.client.get("/lti/login", base_url="https://localhost", query_string=query)
    assert page.status_code == 200
    assert 'data-target="post_message_forwarding"' in page.text
    assert f'data-origin="{browser.platform.url}"' in page.text
    redirect_to = re.search(r'data-redirect="([^"]+)"', page.text)[1].replace("&amp;", "&")
    auth = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(redirect_to).query))
    assert f'data-value="{auth["state"]}"' in page.text
    browser.client.delete_cookie(f"lti_state_{auth['state'][:16]}", path="/lti",
                                 domain="localhost")  # blocked third-party cookie
    token = browser.platform.id_token(auth["nonce"], kind=c.DEEP_LINKING_REQUEST,
                                      roles=INSTRUCTOR)
    response = browser.post_launch(token, auth["state"])
    assert response.status_code == 200 and 'data-mode="get"' in response.text
    confirm = re.search(r'action="([^"]+/confirm)"', response.text)[1]
    assert browser.post(confirm, {"state": "wrong"}).status_code == 401
    assert browser.get(confirm.replace("/lti/launch/", "/lti/s/").replace(
        "/confirm", "/deep-link")).status_code == 403  # not confirmed yet
    ok = browser.post(confirm, {"state": auth["state"]})
    assert ok.status_code == 303 and ok.location.endswith("/deep-link")


def test_rotated_key_stays_published_until_it_expires(app, browser, db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    before = {k["kid"] for k in browser.get("/lti/jwks.json").json["keys"]}
    result = CliRunner().invoke(cli, ["lti", "rotate-key", "--keep-days", "3"])
    assert result.exit_code == 0, result.output
    after = {k["kid"] for k in browser.get("/lti/jwks.json").json["keys"]}
    assert before < after and len(after) == 2
    result = CliRunner().invoke(cli, ["lti", "rotate-key", "--keep-days", "0"])
    now = {k["kid"] for k in browser.get("/lti/jwks.json").json["keys"]}
    middle = after - before
    assert before <= now and not middle & now and len(now) == 2  # expired key dropped


def test_add_platform_refuses_duplicates(platform, monkeypatch, db_url):
    monkeypatch.setenv("DATABASE_URL", db_url)
    result = CliRunner().invoke(cli, platform.cli_args())
    assert result.exit_code == 1 and "already registered" in result.output
    listed = CliRunner().invoke(cli, ["lti", "list-platforms"])
    assert platform.issuer in listed.output


def test_configuration_json_for_dynamic_registration(browser):
    body = browser.get("/lti/config.json").json
    assert body["initiate_login_uri"] == "https://localhost/lti/login"
    assert body["redirect_uris"] == ["https://localhost/lti/launch"]
    assert body["jwks_uri"] == "https://localhost/lti/jwks.json"
    assert c.SCOPE_SCORE in body["scope"].split()
    tool = body["https://purl.imsglobal.org/spec/lti-tool-configuration"]
    assert tool["messages"][0]["type"] == c.DEEP_LINKING_REQUEST


@pytest.mark.parametrize("sub", [None, ""])
def test_resource_link_launch_without_a_user_is_refused(app, browser, sub):
    """No sub (an anonymous launch): 400 naming it, instead of an essay page that fails."""
    from grader.lti.models import LtiLaunch
    from grader.store import get_store

    from .test_flow import deep_link

    assignment_id, _ = deep_link(browser)
    auth = browser.login()
    token = browser.platform.id_token(auth["nonce"], sub="x",
                                      extra=browser.platform.link_claims(assignment_id))
    claims = jwt.decode(token, options={"verify_signature": False})
    if sub is None:
        del claims["sub"]
    else:
        claims["sub"] = sub
    token = jwt.encode(claims, browser.platform.key, algorithm="RS256",
                       headers={"kid": browser.platform.kid})
    response = browser.post_launch(token, auth["state"])
    assert response.status_code == 400, response.text
    assert "names no user (no sub claim" in response.text
    with get_store(app).read() as session:  # only the teacher's deep linking launch
        assert session.query(LtiLaunch).count() == 1


def _key_set(platform, kind: str):
    jwk = json.loads(RSAAlgorithm.to_jwk(platform.key.public_key()))
    return {"empty": {"keys": []}, "no keys member": {}, "unknown kty": {"keys": [
        {"kty": "nope", "kid": "k"}]}, "encryption key only": {"keys": [
            {**jwk, "kid": platform.kid, "use": "enc"}]}, "key without kid": {"keys": [jwk]},
            "not json": "<html>not json</html>", "a list": ["a list"]}[kind]


@pytest.mark.parametrize("kind", ["empty", "no keys member", "unknown kty",
                                  "encryption key only", "key without kid", "not json",
                                  "a list"])
def test_platform_key_set_without_usable_keys_is_a_clear_502(browser, kind, caplog):
    browser.platform.jwks_body = _key_set(browser.platform, kind)
    auth = browser.login()
    token = browser.platform.id_token(auth["nonce"], kind=c.DEEP_LINKING_REQUEST,
                                      roles=INSTRUCTOR)
    with caplog.at_level(logging.WARNING):
        response = browser.post_launch(token, auth["state"])
    assert response.status_code == 502, response.text
    assert "has no usable signing key" in response.text
    assert browser.platform.url + "/jwks" in response.text
    assert any("LTI launch refused" in r.getMessage() and "/jwks" in r.getMessage()
               for r in caplog.records)
    if kind in ("encryption key only", "key without kid"):
        return  # a parsed key set is kept for LTI_JWKS_CACHE_SECONDS
    browser.platform.jwks_body = None  # fixed by the LMS: the next launch works
    auth = browser.login()
    token = browser.platform.id_token(auth["nonce"], kind=c.DEEP_LINKING_REQUEST,
                                      roles=INSTRUCTOR)
    assert browser.post_launch(token, auth["state"]).status_code == 303


def test_the_public_key_set_takes_no_write_lock(app, browser, db_url):
    """GET /lti/jwks.json (anyone may call it) is answered while another writer holds SQLite."""
    import sqlite3

    first = browser.get("/lti/jwks.json").json  # the key pair exists from here on
    holder = sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=30,
                             isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        response = browser.get("/lti/jwks.json")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 200 and response.json == first
