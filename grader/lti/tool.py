"""The tool's public JWKS and its configuration JSON for dynamic registration."""

from __future__ import annotations

import urllib.parse

from flask import jsonify

from ..store import get_store
from . import claims as c
from . import keys
from .views import bp, tool_url

TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"


@bp.get("/jwks.json")
def jwks():
    """Public keys the LMS checks our signatures with (current and recently rotated)."""
    store = get_store()
    with store.read() as session:  # no write lock for a public, unauthenticated GET
        body = keys.jwks(session) if keys.has_active_key(session) else None
    if body is None:
        with store.write() as session:  # the first call makes the key pair
            body = keys.jwks(session)
    response = jsonify(body)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def tool_configuration() -> dict:
    """OpenID client metadata with the LTI tool configuration (IMS dynamic registration)."""
    launch = tool_url("lti.launch")
    return {
        "application_type": "web",
        "client_name": "grader — essay feedback",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": tool_url("lti.login"),
        "redirect_uris": [launch],
        "jwks_uri": tool_url("lti.jwks"),
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(c.SCOPES),
        TOOL_CONFIG: {
            "domain": urllib.parse.urlsplit(launch).netloc,
            "target_link_uri": launch,
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [{"type": c.DEEP_LINKING_REQUEST, "target_link_uri": launch,
                          "label": "Essay grader",
                          "placements": ["assignment_selection", "link_selection"]},
                         {"type": c.RESOURCE_LINK_REQUEST, "target_link_uri": launch}],
        },
    }


@bp.get("/config.json")
def config():
    return jsonify(tool_configuration())
