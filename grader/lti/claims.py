"""LTI 1.3 claim names, message types, roles and service scopes."""

from __future__ import annotations

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
CUSTOM = LTI + "custom"
DL_SETTINGS = DL + "deep_linking_settings"
DL_CONTENT_ITEMS = DL + "content_items"
DL_DATA = DL + "data"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
MESSAGE_TYPES = (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_RESULT = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SCOPES = (SCOPE_LINEITEM, SCOPE_SCORE, SCOPE_RESULT, SCOPE_NRPS)

_TEACHING = ("Instructor", "Administrator", "ContentDeveloper", "Mentor", "TeachingAssistant")


def is_teacher(roles: list[str]) -> bool:
    """Instructor-like roles (context or institution vocabulary, full URIs or short names)."""
    for role in roles or []:
        name = role.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if name in _TEACHING:
            return True
    return False


def is_learner(roles: list[str]) -> bool:
    """A Learner role (context or institution vocabulary, full URI or short name)."""
    return any(r.rsplit("#", 1)[-1].rsplit("/", 1)[-1] == "Learner" for r in roles or [])


def context_id(claims: dict) -> str:
    """The launch's course (context claim id), "" for a launch outside any course."""
    context = claims.get(CONTEXT)
    return str(context.get("id") or "")[:200] if isinstance(context, dict) else ""
