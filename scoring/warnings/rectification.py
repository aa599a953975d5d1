"""Notifications of the 整改 loop, as early-warning findings: each step sent once per target.

Every step of a finding sent to a department becomes a :class:`Finding` with a key of its own
(sent, each answer, accepted, each rejection, the deadline two working days away), so the
deliveries of ``scoring warnings send`` send each one once to the department's targets and
remember it, as they do for every other warning.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Department, Rectification, RectificationAnswer, RectificationState
from db.workdays import CalendarNotCoveredError, WorkdayCalendar
from scoring.warnings.finding import Finding

KIND = "rectification"
DUE_SOON_WORKING_DAYS = 2


def rectification_findings(
    session: Session, day: dt.date, calendar: WorkdayCalendar
) -> list[Finding]:
    """Every step of every finding sent to a department, up to the end of ``day``."""
    rows = session.execute(
        select(Rectification, Department.short_name).join(
            Department, Department.id == Rectification.department_id
        )
    ).all()
    answers: dict[int, list[RectificationAnswer]] = {}
    for reply in session.scalars(select(RectificationAnswer).order_by(RectificationAnswer.id)):
        answers.setdefault(reply.rectification_id, []).append(reply)
    found: list[Finding] = []
    for item, name in rows:
        step = _stepper(found, item, name)
        step(
            "sent",
            f"{name}：整改通知「{item.title}」，请于 {item.due_on} 前反馈",
            f"{item.detail}\n请登录考核控制台，在“整改”中反馈说明（可附 PDF、图片或办公文档）。",
        )
        for reply in answers.get(item.id, []):
            step(f"answer:{reply.id}", f"{name} 已反馈「{item.title}」，待复核", reply.text)
        if item.state == RectificationState.ACCEPTED:
            step("accepted", f"{name}：「{item.title}」的反馈已采纳", item.decision_reason or "")
        if item.rejections:
            step(
                f"rejected:{item.rejections}",
                f"{name}：「{item.title}」的反馈被驳回",
                f"理由：{item.decision_reason or ''}",
            )
        if item.state == RectificationState.SENT and _due_soon(calendar, day, item.due_on):
            step(
                "due",
                f"{name}：「{item.title}」的反馈期限 {item.due_on} 即将届满",
                f"请在 {item.due_on} 前反馈。",
            )
    return found


def _stepper(found: list[Finding], item: Rectification, name: str):  # type: ignore[no-untyped-def]
    """Add one step of ``item`` to ``found``, keyed so that it is sent once."""

    def step(suffix: str, subject: str, body: str) -> None:
        found.append(
            Finding(
                key=f"rectification:{item.id}:{suffix}",
                kind=KIND,
                subject=subject,
                body=body,
                department_id=item.department_id,
                department=name,
            )
        )

    return step


def _due_soon(calendar: WorkdayCalendar, day: dt.date, due_on: dt.date) -> bool:
    """Whether ``due_on`` is at most two working days after ``day`` (and not yet past)."""
    if due_on < day:
        return False
    try:
        return calendar.add_working_days(day, DUE_SOON_WORKING_DAYS) >= due_on
    except CalendarNotCoveredError:
        return False
