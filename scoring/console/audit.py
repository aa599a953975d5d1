"""The audit log (操作记录): one append-only row per step taken through the console or its CLI."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEvent, utcnow


def record(
    session: Session,
    actor: str,
    action: str,
    subject: str,
    *,
    review_item_id: int | None = None,
    department_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; the caller's transaction commits it with the change it describes."""
    event = AuditEvent(
        at=utcnow(),
        actor=actor[:64],
        action=action,
        subject=subject[:300],
        review_item_id=review_item_id,
        department_id=department_id,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        details=details or {},
    )
    session.add(event)
    session.flush()
    return event


def recent_events(
    session: Session,
    *,
    subject: str | None = None,
    review_item_id: int | None = None,
    limit: int = 300,
) -> list[AuditEvent]:
    """The latest events, newest first, optionally of one subject or review item."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if subject:
        query = query.where(AuditEvent.subject.contains(subject))
    if review_item_id is not None:
        query = query.where(AuditEvent.review_item_id == review_item_id)
    return list(session.scalars(query))
