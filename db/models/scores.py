"""Analyst-entered points and every published report (score run)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, allowed_values, utcnow


class EntryKind(enum.StrEnum):
    """An analyst's manual entry: a sub-item's score, an adjustment, or a confirmed suggestion."""

    SCORE = "score"
    ADJUSTMENT = "adjustment"
    SUGGESTION = "suggestion"


class ReportKind(enum.StrEnum):
    """A report's period: a month, a quarter (the bulletins, 通报) or the year-end assessment."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


POINTS = Numeric(7, 3)


class ManualScore(Base):
    """One analyst entry: points for a rubric item, or an adjustment to an automated one.

    Entries are never updated in place: a correction is a new row, so the log shows who changed
    what and why.
    """

    __tablename__ = "manual_scores"
    __table_args__ = (
        CheckConstraint(allowed_values("kind", EntryKind), name="kind"),
        CheckConstraint("length(reason) > 0", name="reason_given"),
        CheckConstraint("length(entered_by) > 0", name="entered_by_given"),
        Index("ix_manual_scores_department_id_period", "department_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(128), comment="rubric sub-item key, see rules")
    period: Mapped[str] = mapped_column(String(16), comment="2012, 2012Q1 or 2012-03")
    kind: Mapped[EntryKind] = mapped_column(String(16), default=EntryKind.SCORE)
    points: Mapped[Decimal] = mapped_column(POINTS)
    reason: Mapped[str] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ManualScore {self.item_key} {self.period} {self.points} by {self.entered_by}>"


class ScoreRun(Base):
    """One published report, kept so that it can be re-printed and reproduced.

    ``report`` is the report as printed: compact JSON (rows as arrays), zlib-compressed
    (see :mod:`scoring.runs`). Re-running it with the same rules file and ``evidence_cutoff``
    computes the same numbers from the evidence.
    """

    __tablename__ = "score_runs"
    __table_args__ = (
        CheckConstraint(allowed_values("kind", ReportKind), name="kind"),
        Index("ix_score_runs_kind_period", "kind", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReportKind] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(16))
    rules_file: Mapped[str] = mapped_column(String(256))
    rules_version: Mapped[str] = mapped_column(String(64), comment="sha256 of the rules file")
    evidence_cutoff: Mapped[dt.datetime] = mapped_column(
        comment="evidence first seen after this is ignored"
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))
    provisional: Mapped[bool] = mapped_column(
        default=False, comment="its ranking still missed sub-item points (暂定)"
    )
    final: Mapped[bool] = mapped_column(
        default=False, comment="published as final: every assessed sub-item had points"
    )
    report: Mapped[bytes] = mapped_column(
        LargeBinary, comment="the report as printed: compact JSON, zlib-compressed"
    )

    def __repr__(self) -> str:
        return f"<ScoreRun {self.id} {self.kind} {self.period} rules={self.rules_version[:8]}>"
