"""A simulated LTI 1.3 platform on a real loopback HTTP server: keys, tokens, AGS, NRPS."""

from __future__ import annotations

import json
import secrets
import threading
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, abort, jsonify, request
from jwt.algorithms import RSAAlgorithm
from werkzeug.serving import make_server

from grader.lti import claims as c

TOOL_LAUNCH = "https://localhost/lti/launch"


def new_key() -> tuple[rsa.RSAPrivateKey, str]:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048), secrets.token_hex(8)


class Platform:
    """An LMS: signs id_tokens, publishes its JWKS, issues tokens, records scores it gets."""

    def __init__(self) -> None:
        self.key, self.kid = new_key()
        self.client_id = "grader-client"
        self.deployment_id = "deploy-1"
        self.other_deployment_id = "deploy-2"  # registered too: another school's deployment
        self.scores: list[dict[str, Any]] = []
        self.score_auth: list[str] = []
        self.members: list[dict[str, Any]] = []
        self.fail_scores = 0  # answer this many score posts with 500
        self.tool_jwks: dict[str, Any] = {"keys": []}
        self.tokens: dict[str, str] = {}
        self.jwks_fetches = 0
        self.jwks_body: Any = None  # answer /jwks with this instead of the platform's key
        self.jwks_gate: threading.Event | None = None  # /jwks waits for it (jwks_hold s)
        self.jwks_hold = 8.0
        self.jwks_asked = threading.Event()
        self.jwks_gate_expired = False  # the gate was not opened within jwks_hold
        self._server = make_server("127.0.0.1", 0, self._app(), threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    # endpoints
    def _app(self) -> Flask:
        app = Flask("platform")

        @app.get("/jwks")
        def jwks():
            self.jwks_fetches += 1
            self.jwks_asked.set()
            if self.jwks_gate is not None and not self.jwks_gate.wait(self.jwks_hold):
                self.jwks_gate_expired = True
            if isinstance(self.jwks_body, str):
                return self.jwks_body, 200, {"Content-Type": "application/json"}
            if self.jwks_body is not None:
                return jsonify(self.jwks_body)
            jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
            return jsonify({"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]})

        @app.post("/token")
        def token():
            assertion = request.form["client_assertion"]
            kid = jwt.get_unverified_header(assertion)["kid"]
            jwk = next((k for k in self.tool_jwks["keys"] if k["kid"] == kid), None)
            if jwk is None or request.form["grant_type"] != "client_credentials":
                return jsonify({"error": "invalid_client"}), 401
            claims = jwt.decode(assertion, RSAAlgorithm.from_jwk(jwk), algorithms=["RS256"],
                                audience=self.url + "/token")
            assert claims["iss"] == claims["sub"] == self.client_id
            value = secrets.token_urlsafe(16)
            self.tokens[value] = request.form["scope"]
            return jsonify({"access_token": value, "token_type": "Bearer", "expires_in": 3600,
                            "scope": request.form["scope"]})

        def _scope(scope: str) -> None:
            auth = request.headers.get("Authorization", "")
            granted = self.tokens.get(auth.removeprefix("Bearer "), "")
            if scope not in granted.split():
                abort(401)

        @app.post("/lineitems/<item>/scores")
        def scores(item: str):
            _scope(c.SCOPE_SCORE)
            if self.fail_scores > 0:
                self.fail_scores -= 1
                return "gradebook is down", 500
            assert request.content_type == "application/vnd.ims.lis.v1.score+json"
            self.scores.append({"lineitem": item, **request.get_json(force=True)})
            return "", 204

        @app.get("/memberships")
        def memberships():
            _scope(c.SCOPE_NRPS)
            return jsonify({"id": self.url + "/memberships", "members": self.members})

        return app

    def close(self) -> None:
        self._server.shutdown()
        self._thread.join(5)

    # registration values
    @property
    def issuer(self) -> str:
        return self.url

    def cli_args(self) -> list[str]:
        return ["lti", "add-platform", "--issuer", self.issuer, "--client-id", self.client_id,
                "--deployment-id", self.deployment_id,
                "--deployment-id", self.other_deployment_id,
                "--auth-login-url", self.url + "/auth", "--token-url", self.url + "/token",
                "--jwks-url", self.url + "/jwks"]

    # messages
    def id_token(self, nonce: str, *, kind: str = c.RESOURCE_LINK_REQUEST,
                 roles: tuple[str, ...] = ("http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",),
                 sub: str = "student-1", key: rsa.RSAPrivateKey | None = None,
                 lifetime: int = 300, extra: dict[str, Any] | None = None,
                 issuer: str | None = None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": issuer or self.issuer, "aud": self.client_id, "sub": sub,
            "iat": now - 5, "exp": now + lifetime, "nonce": nonce,
            "name": f"Student {sub}", "email": f"{sub}@school.test",
            c.MESSAGE_TYPE: kind, c.VERSION: "1.3.0", c.DEPLOYMENT_ID: self.deployment_id,
            c.TARGET_LINK_URI: TOOL_LAUNCH, c.ROLES: list(roles),
            c.CONTEXT: {"id": "course-7", "title": "History 9A"},
        }
        if kind == c.DEEP_LINKING_REQUEST:
            claims[c.DL_SETTINGS] = {"deep_link_return_url": self.url + "/deep-link-return",
                                     "accept_types": ["ltiResourceLink"], "data": "dl-42"}
        claims.update(extra or {})
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": self.kid})

    def link_claims(self, assignment_id: str, link_id: str = "link-1",
                    roster: bool = False) -> dict[str, Any]:
        """Claims of a launch from the resource link that deep linking created."""
        claims: dict[str, Any] = {
            c.RESOURCE_LINK: {"id": link_id, "title": "Essay"},
            c.CUSTOM: {"grader_assignment": assignment_id},
            c.AGS_CLAIM: {"scope": [c.SCOPE_LINEITEM, c.SCOPE_SCORE],
                          "lineitems": self.url + "/lineitems",
                          "lineitem": self.url + "/lineitems/1"}}
        if roster:
            claims[c.NRPS_CLAIM] = {"context_memberships_url": self.url + "/memberships",
                                    "service_versions": ["2.0"]}
        return claims
