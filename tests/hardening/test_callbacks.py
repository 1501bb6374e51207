"""Batch callbacks go to public http(s) addresses only (SSRF guard), unless configured."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from grader.jobs.callbacks import deliver, post_once
from grader.jobs.egress import CallbackRefused, check_callback_url

REFUSED = [
    "http://127.0.0.1:8000/hook", "http://localhost/hook", "http://127.1/x",
    "http://[::1]/hook", "http://[::ffff:127.0.0.1]/hook", "http://0.0.0.0/hook",
    "http://10.0.0.5/hook", "http://172.16.3.4/hook", "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/hook",
    "http://224.0.0.1/hook", "http://[ff02::1]/hook", "http://100.64.0.1/hook",
    "http://240.0.0.1/hook", "ftp://192.0.2.1/x", "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO", "http://user:pw@203.0.113.9/hook", "http:///nohost",
]


def batch(callback_url: str) -> dict:
    return {"rubric": "stalin-rise", "callback_url": callback_url,
            "essays": [{"text": "Stalin rose to power after Lenin died in 1924."}]}


@pytest.mark.parametrize("url", REFUSED)
def test_private_and_odd_callback_urls_are_refused_with_422(client, auth_a, url):
    r = client.post("/api/v1/batches", json=batch(url), headers=auth_a)
    assert r.status_code == 422, (url, r.status_code)
    errors = r.json["errors"]
    assert errors and errors[0]["field"] == "callback_url" and errors[0]["message"]


@pytest.mark.parametrize("url", REFUSED[:15])
def test_the_guard_names_the_reason(url):
    with pytest.raises(CallbackRefused, match="loopback, private|http and https"):
        check_callback_url(url, {})


def test_public_addresses_pass_without_any_traffic():
    # literal addresses resolve locally: nothing leaves the machine
    for url in ("https://93.184.215.14/hook", "http://[2606:4700::1111]:8443/x",
                "http://8.8.8.8/lms/hook?x=1"):
        check_callback_url(url, {})


def test_a_name_that_does_not_resolve_is_refused():
    def no_dns(*args, **kwargs):  # DNS is outside our control: answer as a resolver would
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(CallbackRefused, match="does not resolve"):
        check_callback_url("https://lms.example.invalid/hook", {}, resolve=no_dns)

    def to_metadata(*args, **kwargs):  # a public-looking name that points inside
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", 80))]

    with pytest.raises(CallbackRefused, match="link-local"):
        check_callback_url("https://lms.example.org/hook", {}, resolve=to_metadata)


def test_allow_settings():
    check_callback_url("http://127.0.0.1:9/x", {"CALLBACK_ALLOW_PRIVATE": "1"})
    allow = {"CALLBACK_ALLOWED_NETWORKS": "10.1.0.0/16, 192.168.5.7"}
    check_callback_url("http://10.1.2.3/x", allow)
    check_callback_url("http://192.168.5.7/x", allow)
    check_callback_url("http://8.8.8.8/x", allow)  # public stays allowed
    for url in ("http://10.2.0.1/x", "http://192.168.5.8/x", "http://127.0.0.1/x"):
        with pytest.raises(CallbackRefused):
            check_callback_url(url, allow)
    with pytest.raises(CallbackRefused, match="http and https"):
        check_callback_url("file:///etc/passwd", {"CALLBACK_ALLOW_PRIVATE": True})


class Recorder(BaseHTTPRequestHandler):
    """A loopback receiver: answers with `status`, and Location when redirecting."""

    status = 204
    location = ""
    paths: list[str] = []

    def do_POST(self):  # noqa: N802
        type(self).paths.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(self.status)
        if self.location:
            self.send_header("Location", self.location)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback():
    servers = []

    def start(status: int = 204, location: str = "") -> tuple[str, list[str]]:
        handler = type("H", (Recorder,), {"status": status, "location": location,
                                          "paths": []})
        server = HTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/hook", handler.paths

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_redirects_are_never_followed(loopback):
    inside, inside_calls = loopback()
    outside, outside_calls = loopback(302, inside)
    assert post_once(outside, b"{}", None) == 302
    assert outside_calls == ["/hook"] and inside_calls == []


def test_delivery_checks_again_before_sending(loopback):
    url, calls = loopback()
    def check(target: str) -> None:
        check_callback_url(target, {})
    assert deliver(url, b"{}", None, attempts=2, backoff=0, check=check) is False
    assert calls == []  # refused at send time: nothing reached the address
    assert deliver(url, b"{}", None, attempts=1, check=lambda t: check_callback_url(
        t, {"CALLBACK_ALLOW_PRIVATE": True})) is True
    assert calls == ["/hook"]


def test_allowed_network_reaches_a_loopback_receiver_through_the_api(app, client, auth_a,
                                                                    loopback):
    from grader.jobs import get_executor

    url, calls = loopback()
    app.config["CALLBACK_ALLOWED_NETWORKS"] = "127.0.0.0/8"
    try:
        r = client.post("/api/v1/batches", json=batch(url), headers=auth_a)
        assert r.status_code == 202, r.json
        assert get_executor(app).wait_idle(30)
        status = client.get(f"/api/v1/batches/{r.json['id']}", headers=auth_a).json
        assert status["callback_state"] == "delivered" and calls == ["/hook"]
    finally:
        app.config.pop("CALLBACK_ALLOWED_NETWORKS")
