"""Assignment and Grade Services: send a submission's final marks to the LMS line item.

Every LTI submission has an LtiGradePost row: `held` until the teacher releases marks (or at
once when the assignment says so), then `sent` or `failed` with the error. A post is tried up
to LTI_SCORE_ATTEMPTS times with growing pauses (LTI_RETRY_DELAYS); a post that still fails
stays `failed`, is shown to the teacher, and is tried again on the next release, override or
"retry failed" click.
"""

from __future__ import annotations

import time
import urllib.parse
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..store import get_store
from ..store.models import Submission, utcnow
from ..store.overrides import final_result
from . import claims as c
from .http import ServiceError, post_json
from .models import LtiGradePost, LtiLink, LtiPlatform
from .tokens import access_token

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"


def scores_url(lineitem: str) -> str:
    """The line item's /scores endpoint (its query string kept)."""
    parts = urllib.parse.urlsplit(lineitem)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def score_payload(row: Submission, user_id: str, now: datetime | None = None) -> dict[str, Any]:
    """The AGS score for a submission: its final marks (after any override) and feedback."""
    final = row.final if row.final is not None else final_result(row.report, None, None)
    comment = (final.get("feedback") or {}).get("summary") or ""
    stamp = (now or datetime.now(UTC)).isoformat(timespec="milliseconds")
    return {"scoreGiven": float(final["marks"]), "scoreMaximum": float(final["max_marks"]),
            "comment": comment[:1000], "activityProgress": "Completed",
            "gradingProgress": "FullyGraded", "userId": user_id, "timestamp": stamp}


def send_score(submission_id: str) -> LtiGradePost | None:
    """Post one submission's score now (with retries); the updated record."""
    store = get_store()
    with store.read() as session:
        post = session.get(LtiGradePost, submission_id)
        if post is None:
            return None
        link = session.get(LtiLink, post.link_id)
        platform = session.get(LtiPlatform, link.platform_id)
        row = session.scalars(select(Submission).where(Submission.id == submission_id)).first()
        token, error, payload = None, None, None
        if row is None or not link.lineitem_url:
            error = "The LMS gave this link no grade column (no AGS line item)."
        else:
            payload = score_payload(row, post.user_id)
            try:
                token = access_token(session, platform, [c.SCOPE_SCORE])
            except ServiceError as exc:
                error = str(exc)
        url = scores_url(link.lineitem_url) if link.lineitem_url else ""
    attempts = 0
    delays = list(current_app.config.get("LTI_RETRY_DELAYS", (0.5, 2.0)))
    tries = int(current_app.config.get("LTI_SCORE_ATTEMPTS", 3))
    while token is not None and attempts < tries:
        attempts += 1
        try:
            post_json(url, payload, SCORE_TYPE, token)
            error = None
            break
        except ServiceError as exc:
            error = str(exc)
            if attempts < tries:
                time.sleep(delays[min(attempts - 1, len(delays) - 1)] if delays else 0)
    with store.write() as session:
        post = session.get(LtiGradePost, submission_id)
        post.attempts += max(attempts, 1)
        post.updated_at = utcnow()
        if error is None:
            post.state, post.error, post.score_sent = "sent", None, payload["scoreGiven"]
        else:
            post.state, post.error = "failed", error[:1000]
            current_app.logger.warning("LTI score for %s not sent: %s", submission_id, error)
        session.flush()
        session.expunge(post)
    return post


def send_scores(submission_ids: list[str]) -> dict[str, int]:
    """Post each submission's score; how many were sent and how many failed."""
    counts = {"sent": 0, "failed": 0}
    for sid in submission_ids:
        post = send_score(sid)
        if post is not None:
            counts["sent" if post.state == "sent" else "failed"] += 1
    return counts
