"""The web console's tables: its users, review items (复核) with their states, the audit log.

Review items are generic: ``kind`` names the queue (an unresolved name, a backdated post, a
文号 gap, an undated document, an inspection finding…) and ``subject_key`` the thing reviewed
within it, so a new kind of finding needs no schema change. A candidate that nobody has acted on
yet has no row: it is ``open`` by default, and the row appears with the first step taken.

``audit_events`` is append-only: the migration adds triggers that refuse UPDATE and DELETE on
both SQLite and PostgreSQL, so who did what and when is kept forever.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, allowed_values, utcnow


class Role(enum.StrEnum):
    """What a console user may do: read (viewer), review (reviewer), manage (admin), or
    answer for one department (liaison, 联络员)."""

    VIEWER = "viewer"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    LIAISON = "liaison"


class ReviewState(enum.StrEnum):
    """Where a reviewed finding (复核) stands."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    FIXED = "fixed"


class ConsoleUser(Base):
    """A person who may log in to the console; a liaison (联络员) belongs to one department."""

    __tablename__ = "console_users"
    __table_args__ = (
        UniqueConstraint("username", name="uq_console_users_username"),
        CheckConstraint(allowed_values("role", Role), name="role"),
        CheckConstraint(
            "(role = 'liaison' AND department_id IS NOT NULL)"
            " OR (role <> 'liaison' AND department_id IS NULL)",
            name="liaison_has_department",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(128), default="")
    password_hash: Mapped[str] = mapped_column(String(256), comment="argon2id, encoded")
    role: Mapped[Role] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), comment="a liaison's own department"
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    locale: Mapped[str | None] = mapped_column(
        String(8), comment="the console's language chosen by the user; none: the browser's"
    )

    def __repr__(self) -> str:
        return f"<ConsoleUser {self.username} {self.role} dept={self.department_id}>"


class ReviewItem(Base):
    """The state of one reviewed finding: open → confirmed / dismissed (with a reason) → fixed."""

    __tablename__ = "review_items"
    __table_args__ = (
        UniqueConstraint("kind", "subject_key", name="uq_review_items_kind_subject_key"),
        CheckConstraint(allowed_values("state", ReviewState), name="state"),
        CheckConstraint(
            "state <> 'dismissed' OR (reason IS NOT NULL AND length(reason) > 0)",
            name="dismissal_has_reason",
        ),
        Index("ix_review_items_state", "state"),
        Index("ix_review_items_department_id", "department_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), comment="the queue, e.g. backdated_post")
    subject_key: Mapped[str] = mapped_column(String(256), comment="what is reviewed, per kind")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(512), comment="the finding as first acted on")
    state: Mapped[ReviewState] = mapped_column(String(16), default=ReviewState.OPEN)
    reason: Mapped[str | None] = mapped_column(
        Text, comment="why dismissed (不属实/重复/不在范围…)"
    )
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ReviewItem {self.kind}:{self.subject_key} {self.state}>"


class AuditEvent(Base):
    """One step taken in the console: who, when, what, on which item, from and to which state."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_review_item_id", "review_item_id"),
        Index("ix_audit_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64), comment="username, or cli:<name>")
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(300), comment="e.g. backdated_post:post-12")
    review_item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.actor} {self.action} {self.subject}>"


class LoginAttempt(Base):
    """Each try to log in, kept to slow down password guessing (rate limit per name and client)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_client_at", "client", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64), comment="the client's address")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    succeeded: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.username} {self.client} ok={self.succeeded}>"
