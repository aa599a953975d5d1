"""Analyst-entered points and the stored results of every score run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, utcnow

POINTS = Numeric(7, 3)


class ManualScore(Base):
    """One analyst entry: points for a rubric item, or an adjustment to an automated one.

    Entries are never updated in place: a correction is a new row, so the log shows who changed
    what and why.
    """

    __tablename__ = "manual_scores"
    __table_args__ = (
        CheckConstraint("kind IN ('score', 'adjustment', 'suggestion')", name="kind"),
        CheckConstraint("length(reason) > 0", name="reason_given"),
        CheckConstraint("length(entered_by) > 0", name="entered_by_given"),
        Index("ix_manual_scores_department_id_period", "department_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(128), comment="rubric sub-item key, see rules")
    period: Mapped[str] = mapped_column(String(16), comment="2012, 2012Q1 or 2012-03")
    kind: Mapped[str] = mapped_column(String(16), default="score")
    points: Mapped[Decimal] = mapped_column(POINTS)
    reason: Mapped[str] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ManualScore {self.item_key} {self.period} {self.points} by {self.entered_by}>"


class ScoreRun(Base):
    """One computation of scores, kept so that a published bulletin can be reproduced."""

    __tablename__ = "score_runs"
    __table_args__ = (
        CheckConstraint("kind IN ('monthly', 'quarterly', 'annual')", name="kind"),
        Index("ix_score_runs_kind_period", "kind", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(16))
    rules_file: Mapped[str] = mapped_column(String(256))
    rules_version: Mapped[str] = mapped_column(String(64), comment="sha256 of the rules file")
    evidence_cutoff: Mapped[dt.datetime] = mapped_column(
        comment="evidence first seen after this is ignored"
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)

    results: Mapped[list[ScoreResult]] = relationship(
        back_populates="score_run", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<ScoreRun {self.id} {self.kind} {self.period} rules={self.rules_version[:8]}>"


class ScoreResult(Base):
    """Points for one unit and one rubric item in one score run, with how they were reached."""

    __tablename__ = "score_results"
    __table_args__ = (
        UniqueConstraint(
            "score_run_id",
            "department_id",
            "item_key",
            name="uq_score_results_score_run_id_department_id_item_key",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    score_run_id: Mapped[int] = mapped_column(ForeignKey("score_runs.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(128))
    points: Mapped[Decimal | None] = mapped_column(POINTS, comment="NULL when not assessable")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    score_run: Mapped[ScoreRun] = relationship(back_populates="results")

    def __repr__(self) -> str:
        return f"<ScoreResult {self.department_id} {self.item_key}={self.points}>"
