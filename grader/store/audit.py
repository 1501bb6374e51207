"""The audit log: one row per override, deletion or key change, written in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .models import AuditEvent


def record(session: Session, owner_id: int | None, actor: str, action: str,
           target: str | None = None, detail: dict[str, Any] | None = None) -> None:
    """Add an audit event to `session` (committed with the change it describes)."""
    session.add(AuditEvent(owner_id=owner_id, actor=actor, action=action, target=target,
                           detail=detail or {}))
