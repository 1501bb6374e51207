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
# IPv6 forms that carry a private IPv4 address: 6to4 of 127.0.0.1 and of the metadata
# service, NAT64 (well-known and local-use prefixes), IPv4-compatible, Teredo to loopback
EMBEDDED = [
    "http://[2002:7f00:1::]/hook", "http://[2002:a9fe:a9fe::]/latest/meta-data/",
    "http://[2002:a00:5::1]/hook", "http://[64:ff9b::7f00:1]/hook",
    "http://[64:ff9b::a9fe:a9fe]/hook", "http://[64:ff9b:1::a00:5]/hook",
    "http://[::127.0.0.1]/hook", "http://[::ffff:a9fe:a9fe]/hook",
    "http://[2001:0:808:808:0:f227:80ff:fffe]/hook",
]


def batch(callback_url: str) -> dict:
    return {"rubric": "stalin-rise", "callback_url": callback_url,
            "essays": [{"text": "Stalin rose to power after Lenin died in 1924."}]}


@pytest.mark.parametrize("url", REFUSED + EMBEDDED)
def test_private_and_odd_callback_urls_are_refused_with_422(client, auth_a, url):
    r = client.post("/api/v1/batches", json=batch(url), headers=auth_a)
    assert r.status_code == 422, (url, r.status_code)
    errors = r.json["errors"]
    assert errors and errors[0]["field"] == "callback_url" and errors[0]["message"]


@pytest.mark.parametrize("url", REFUSED[:15] + EMBEDDED)
def test_the_guard_names_the_reason(url):
    with pytest.raises(CallbackRefused, match="loopback, private|http and https"):
        check_callback_url(url, {})


def test_public_addresses_pass_without_any_traffic():
    # literal addresses resolve locally: nothing leaves the machine
    for url in ("https://93.184.215.14/hook", "http://[2606:4700::1111]:8443/x",
                "http://8.8.8.8/lms/hook?x=1", "http://[2002:808:808::1]/x",
                "http://[64:ff9b::808:808]/x"):
        check_callback_url(url, {})


def test_a_name_resolving_to_an_embedded_private_address_is_refused():
    def to_6to4_loopback(*args, **kwargs):
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2002:7f00:1::", 80, 0, 0))]

    with pytest.raises(CallbackRefused, match="loopback, private"):
        check_callback_url("https://lms.example.org/hook", {}, resolve=to_6to4_loopback)


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
    def check(target: str) -> list:
        return check_callback_url(target, {})
    assert deliver(url, b"{}", None, attempts=2, backoff=0, check=check,
                   timeout=0.2) is False
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


REBOUND_HOST = "lms.rebinding.test"


@pytest.fixture
def two_receivers():
    """Receivers on one port at 127.0.0.2 (the address the check passes) and 127.0.0.3
    (where the name points by the time a second lookup is made)."""
    checked = type("Checked", (Recorder,), {"paths": [], "hosts": []})
    rebound = type("Rebound", (Recorder,), {"paths": [], "hosts": []})
    for handler in (checked, rebound):
        handler.do_POST = _record_host(handler.do_POST)
    first = HTTPServer(("127.0.0.2", 0), checked)
    second = HTTPServer(("127.0.0.3", first.server_port), rebound)
    for server in (first, second):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield first.server_port, checked, rebound
    for server in (first, second):
        server.shutdown()
        server.server_close()


def _record_host(post):
    def do_post(self):
        type(self).hosts.append(self.headers.get("Host"))
        post(self)
    return do_post


def rebinding_resolver(monkeypatch, honest_answers: int) -> list[str]:
    """The process's resolver, answering 127.0.0.2 for REBOUND_HOST the first
    `honest_answers` times and 127.0.0.3 after that (a DNS rebinding with TTL 0)."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != REBOUND_HOST:
            return real(host, port, *args, **kwargs)
        address = "127.0.0.2" if len(asked) < honest_answers else "127.0.0.3"
        asked.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_the_post_goes_to_the_address_the_check_passed(monkeypatch, two_receivers):
    port, checked, rebound = two_receivers
    asked = rebinding_resolver(monkeypatch, honest_answers=1)
    allow = {"CALLBACK_ALLOWED_NETWORKS": "127.0.0.2/32"}
    url = f"http://{REBOUND_HOST}:{port}/hook"
    assert deliver(url, b"{}", None, attempts=1, timeout=5,
                   check=lambda target: check_callback_url(target, allow)) is True
    assert checked.paths == ["/hook"] and rebound.paths == []
    assert checked.hosts == [f"{REBOUND_HOST}:{port}"]  # the name, not the address
    assert asked == ["127.0.0.2"]  # resolved once


def test_dns_rebinding_through_the_api_reaches_only_the_checked_address(
        app, client, auth_a, monkeypatch, two_receivers):
    from grader.jobs import get_executor

    port, checked, rebound = two_receivers
    asked = rebinding_resolver(monkeypatch, honest_answers=2)  # at creation, before the POST
    monkeypatch.setitem(app.config, "CALLBACK_ALLOWED_NETWORKS", "127.0.0.2/32")
    r = client.post("/api/v1/batches", json=batch(f"http://{REBOUND_HOST}:{port}/hook"),
                    headers=auth_a)
    assert r.status_code == 202, r.json
    assert get_executor(app).wait_idle(60)
    status = client.get(f"/api/v1/batches/{r.json['id']}", headers=auth_a).json
    assert status["callback_state"] == "delivered"
    assert checked.paths == ["/hook"] and rebound.paths == [] and len(asked) == 2


class Silent(Recorder):
    """Takes the request and never answers (a filtered port, or a tarpit)."""

    def do_POST(self):  # noqa: N802
        threading.Event().wait(30)


@pytest.fixture
def failing_targets(loopback):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_url = f"http://127.0.0.1:{closed.getsockname()[1]}/hook"
    closed.close()  # nothing listens there: connection refused
    error_url, _ = loopback(500)
    from socketserver import ThreadingMixIn

    server = type("S", (ThreadingMixIn, HTTPServer), {"daemon_threads": True})(
        ("127.0.0.1", 0), Silent)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"refused": closed_url, "http error": error_url,
           "no answer": f"http://127.0.0.1:{server.server_port}/hook",
           "refused by the rule": "http://127.0.0.1:9/hook"}
    server.shutdown()
    server.server_close()


def test_failures_look_alike_in_outcome_and_time(failing_targets):
    """Every kind of failure is one False after the same `timeout` (not sooner: a refused
    port would otherwise answer faster than a filtered one; not much later: bounded)."""
    import time

    allow = {"CALLBACK_ALLOWED_NETWORKS": "127.0.0.1/32"}
    for kind, url in failing_targets.items():
        config = {} if kind == "refused by the rule" else allow
        started = time.monotonic()
        ok = deliver(url, b"{}", None, attempts=1, timeout=1.5,
                     check=lambda target, c=config: check_callback_url(target, c))
        took = time.monotonic() - started
        assert ok is False, kind
        assert 1.5 <= took < 10, (kind, took)


def test_a_refused_port_is_recorded_as_failed_through_the_api(app, client, auth_a,
                                                             failing_targets, monkeypatch):
    from grader.jobs import get_executor

    monkeypatch.setitem(app.config, "CALLBACK_ALLOWED_NETWORKS", "127.0.0.1/32")
    monkeypatch.setitem(app.config, "BATCH_CALLBACK_ATTEMPTS", 1)
    r = client.post("/api/v1/batches", json=batch(failing_targets["refused"]), headers=auth_a)
    assert r.status_code == 202, r.json
    assert get_executor(app).wait_idle(60)
    status = client.get(f"/api/v1/batches/{r.json['id']}", headers=auth_a).json
    assert status["callback_state"] == "failed"


def _certificate(tmp_path, name: str) -> tuple[str, str, str]:
    """A self-signed certificate for `name`: (cert file, key file, cert PEM)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    cert_file, key_file = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_file.write_text(pem)
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file), pem


@pytest.mark.parametrize("certified", [REBOUND_HOST, "someone-else.test"])
def test_https_goes_to_the_checked_address_with_sni_and_a_verified_certificate(
        tmp_path, monkeypatch, certified):
    import ssl

    cert_file, key_file, pem = _certificate(tmp_path, certified)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, key_file)
    names: list[str | None] = []
    server_context.sni_callback = lambda sock, name, ctx: names.append(name)
    handler = type("Tls", (Recorder,), {"paths": []})
    server = HTTPServer(("127.0.0.2", 0), handler)
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        asked = rebinding_resolver(monkeypatch, honest_answers=1)
        allow = {"CALLBACK_ALLOWED_NETWORKS": "127.0.0.2/32"}
        trust = ssl.create_default_context(cadata=pem)
        status = post_once(f"https://{REBOUND_HOST}:{server.server_port}/hook", b"{}", None,
                           timeout=5, context=trust,
                           check=lambda target: check_callback_url(target, allow))
    finally:
        server.shutdown()
        server.server_close()
    assert asked == ["127.0.0.2"] and names[:1] == [REBOUND_HOST]  # SNI: the host name
    if certified == REBOUND_HOST:
        assert status == 204 and handler.paths == ["/hook"]
    else:  # a certificate for another name: refused before anything is sent
        assert status == 0 and handler.paths == []
