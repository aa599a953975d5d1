"""整改: a finding sent to its department, the liaison's answers with attachments, the review.

A finding of a department (a late or missing document, a 文号 gap, a backdated post…) is sent
to it; its liaison (联络员) answers within a number of working days, optionally attaching files;
a reviewer accepts the answer (the finding is explained) or rejects it with a reason, after
which the department may answer once more. Nothing is deleted: answers and attachments stay,
and every step is also in ``audit_events``.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, allowed_values, utcnow


class RectificationState(enum.StrEnum):
    """Where a finding sent to a department stands (通知 → 反馈 → 复核)."""

    SENT = "sent"  # 已下发: waiting for the department's answer
    ANSWERED = "answered"  # 已反馈: waiting for a reviewer
    ACCEPTED = "accepted"  # 已采纳: the finding is explained
    REJECTED = "rejected"  # 已驳回: answered again once, or final after the second rejection


class Rectification(Base):
    """One finding sent to its department; ``kind`` and ``subject_key`` are the review queue's."""

    __tablename__ = "rectifications"
    __table_args__ = (
        UniqueConstraint("kind", "subject_key", name="uq_rectifications_kind_subject_key"),
        CheckConstraint(allowed_values("state", RectificationState), name="state"),
        Index("ix_rectifications_department_id_state", "department_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), comment="the review queue, e.g. number_gap")
    subject_key: Mapped[str] = mapped_column(String(256))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(512), comment="the finding as sent")
    detail: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[RectificationState] = mapped_column(String(16), default=RectificationState.SENT)
    rejections: Mapped[int] = mapped_column(default=0)
    sent_by: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    due_on: Mapped[dt.date] = mapped_column(comment="the last working day to answer")
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<Rectification {self.id} {self.kind}:{self.subject_key} {self.state}>"


class RectificationAnswer(Base):
    """A liaison's answer (反馈) to a finding sent to its department."""

    __tablename__ = "rectification_answers"
    __table_args__ = (Index("ix_rectification_answers_rectification_id", "rectification_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rectification_id: Mapped[int] = mapped_column(
        ForeignKey("rectifications.id", ondelete="CASCADE")
    )
    text: Mapped[str] = mapped_column(Text)
    answered_by: Mapped[str] = mapped_column(String(64))
    answered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<RectificationAnswer {self.id} of {self.rectification_id} by {self.answered_by}>"


class RectificationAttachment(Base):
    """A file attached to an answer, kept with its sha256; served only as a download."""

    __tablename__ = "rectification_attachments"
    __table_args__ = (Index("ix_rectification_attachments_answer_id", "answer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("rectification_answers.id", ondelete="CASCADE")
    )
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100), comment="as found in the content")
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    def __repr__(self) -> str:
        return f"<RectificationAttachment {self.id} {self.filename} {self.sha256[:12]}>"
