"""Names and Role Provisioning Services: the course's learners, to see who has not submitted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from . import claims as c
from .http import get_json
from .models import LtiPlatform
from .tokens import access_token

MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 50


@dataclass
class Member:
    user_id: str
    name: str
    email: str


def learners(session: Session, platform: LtiPlatform, memberships_url: str) -> list[Member]:
    """Active members with a Learner role, following `Link: rel=next` pages."""
    token = access_token(session, platform, [c.SCOPE_NRPS])
    found: list[Member] = []
    url: str | None = memberships_url
    for _ in range(MAX_PAGES):
        if not url:
            break
        reply = get_json(url, MEMBERSHIP_TYPE, token)
        body = reply.body if isinstance(reply.body, dict) else {}
        for m in body.get("members", []):
            if m.get("status", "Active") == "Active" and c.is_learner(m.get("roles", [])):
                found.append(Member(str(m.get("user_id", "")), m.get("name") or "",
                                    m.get("email") or ""))
        url = reply.next_url
    return found
