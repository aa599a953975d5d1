"""The audit log (操作记录): one append-only row per step taken through the console or its CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
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


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page asks for: who, which subject, which days (Asia/Shanghai)."""

    actor: str = ""
    subject: str = ""
    since: dt.datetime | None = None  # inclusive
    until: dt.datetime | None = None  # exclusive


def filtered_events(
    session: Session, wanted: AuditFilter, *, offset: int, limit: int
) -> tuple[list[AuditEvent], int]:
    """One page of the events ``wanted`` selects, newest first, and how many there are in all."""
    query = select(AuditEvent)
    if wanted.actor:
        query = query.where(AuditEvent.actor == wanted.actor)
    if wanted.subject:
        query = query.where(AuditEvent.subject.contains(wanted.subject))
    if wanted.since is not None:
        query = query.where(AuditEvent.at >= wanted.since)
    if wanted.until is not None:
        query = query.where(AuditEvent.at < wanted.until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = session.scalars(query.order_by(AuditEvent.id.desc()).offset(offset).limit(limit))
    return list(page), total


def actors(session: Session) -> list[str]:
    """Everyone who has taken a step, for the filter's choices."""
    return sorted(session.scalars(select(AuditEvent.actor).distinct()))
