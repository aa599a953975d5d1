"""互动回应差 (veto) and slow replies (deduction), from the consultation columns' letters.

Each consultation column (``letter_columns``) is judged on its latest walk stored by the end of
the inspection day (``letter_walks``), and on the letters that walk saw (``letters``):

- a letter without a reply more than ``unanswered_after_months`` calendar months after it was
  written (办理中 and 未回复 alike) is the veto; one ``warn_days_before`` days or fewer from
  that is a pre-warning (预警). A reply dated after the inspection day was not there yet;
- a column whose form page shows no usable form, or errors, is "未提供有效互动功能" (the veto
  too), as far as the page shows without submitting anything;
- no unanswered letter proves nothing for a column whose walk is missing, old, or not whole,
  nor for a column that publishes answered letters only: that is said, as ``not provable``;
- each reply's lag in working days (statutory calendar, the signing-day rule of
  :meth:`db.workdays.WorkdayCalendar.lag_working_days`) above ``reply_within_working_days`` is
  a slow reply, judged in every column, answered-only ones included.

:func:`interaction_report` gathers the evidence once; the indicators, the report's letter list
and the early warnings all read it, so that they never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Department, Letter, LetterColumn, LetterWalk
from db.models.letters import FormState, LetterStatus
from db.workdays import CalendarNotCoveredError, WorkdayCalendar
from scoring.inspection.verdict import (
    NOT_PROVABLE,
    OK,
    WARNING,
    Indicator,
    InspectionDay,
    local_date,
)
from scoring.rules.interaction import InteractionRules
from scoring.rules.national_model import DEDUCTION, VETO, add_months

UNANSWERED_KEY, SLOW_KEY = "interaction", "interaction_slow_replies"
# verdicts, as office staff read them (Chinese first)
OVER, NEAR = "超期未回复 unanswered past the limit", "即将超期 unanswered, near the limit"
WAITING = "待回复 awaiting a reply"
SLOW, ON_TIME = "回复超时 slow reply", "按时回复 replied on time"
ANSWERED = "已回复 answered (reply undated)"
FORM_PROBLEMS = (FormState.NO_FORM.value, FormState.FORM_ERROR.value)
STATUS_WORDS = {
    LetterStatus.ANSWERED.value: "已回复",
    LetterStatus.IN_PROGRESS.value: "办理中",
    LetterStatus.UNANSWERED.value: "未回复",
}


@dataclass(frozen=True)
class JudgedLetter:
    """A letter as of the inspection day, with its verdict."""

    id: int
    column: str
    title: str
    url: str
    submitted_on: dt.date
    status: str  # as of the day: answered, in_progress or unanswered
    replied_on: dt.date | None
    reply_unit: str | None
    department_id: int | None
    department: str | None
    limit_on: dt.date  # the day it is unanswered for the rules' months
    lag_working_days: int | None
    verdict: str

    @property
    def label(self) -> str:
        return f"《{self.title}》 ({self.column}, written {self.submitted_on})"


@dataclass(frozen=True)
class JudgedColumn:
    key: str
    name: str
    channel: str
    lists_unanswered: bool
    walked_at: dt.datetime | None
    complete: bool
    form_state: str | None
    form_url: str | None
    form_http_status: int | None
    letters: int
    unprovable: str | None  # why an unanswered letter could be missing here, if it could


@dataclass(frozen=True)
class InteractionReport:
    columns: list[JudgedColumn]
    letters: list[JudgedLetter]
    notes: list[str] = field(default_factory=list)
    site_id: int | None = None

    def having(self, verdict: str) -> list[JudgedLetter]:
        return [letter for letter in self.letters if letter.verdict == verdict]

    @property
    def formless(self) -> list[JudgedColumn]:
        return [c for c in self.columns if c.form_state in FORM_PROBLEMS]


def interaction_report(
    session: Session,
    rules: InteractionRules,
    site_id: int,
    day: InspectionDay,
    calendar: WorkdayCalendar,
) -> InteractionReport:
    """The site's consultation columns and their letters, judged as of ``day``."""
    columns = session.scalars(
        select(LetterColumn).where(LetterColumn.site_id == site_id).order_by(LetterColumn.id)
    ).all()
    names = {i: name for i, name in session.execute(select(Department.id, Department.short_name))}
    judged_columns, letters, notes = [], [], []
    for column in columns:
        walk = session.scalars(
            select(LetterWalk)
            .where(LetterWalk.column_id == column.id, LetterWalk.walked_at < day.end)
            .order_by(LetterWalk.walked_at.desc())
            .limit(1)
        ).first()
        seen = []
        if walk is not None:
            seen = session.scalars(
                select(Letter)
                .where(Letter.column_id == column.id, Letter.first_seen_at < day.end)
                .where(Letter.last_seen_at >= walk.walked_at, Letter.submitted_on <= day.day)
                .order_by(Letter.submitted_on, Letter.id)
            ).all()
        for letter in seen:
            letters.append(_judge(letter, column, rules, day.day, calendar, names, notes))
        judged_columns.append(_column(column, walk, len(seen), day))
    return InteractionReport(judged_columns, letters, sorted(set(notes)), site_id)


def _column(
    column: LetterColumn, walk: LetterWalk | None, letters: int, day: InspectionDay
) -> JudgedColumn:
    if walk is None:
        why = f"no walk of the column by {day.day}"
    elif not day.fresh(walk.walked_at):
        walked = local_date(walk.walked_at)
        why = f"its latest walk ({walked}) is older than {day.max_age_days} days"
    elif not walk.complete:
        why = f"its latest walk was not read whole: {walk.problem or 'unknown reason'}"
    elif not column.lists_unanswered:
        why = "it publishes answered letters only (只公开已回复信件)"
    else:
        why = None
    return JudgedColumn(
        key=column.key,
        name=column.name,
        channel=column.channel,
        lists_unanswered=column.lists_unanswered,
        walked_at=walk.walked_at if walk else None,
        complete=bool(walk and walk.complete),
        form_state=walk.form_state if walk else None,
        form_url=walk.form_url if walk else None,
        form_http_status=walk.form_http_status if walk else None,
        letters=letters,
        unprovable=why,
    )


def _judge(
    letter: Letter,
    column: LetterColumn,
    rules: InteractionRules,
    day: dt.date,
    calendar: WorkdayCalendar,
    names: dict[int, str],
    notes: list[str],
) -> JudgedLetter:
    answered_value = LetterStatus.ANSWERED.value
    # a reply dated after the day was not there yet: on that day the letter was waiting
    on_record = letter.replied_on is None or letter.replied_on <= day
    answered = letter.status == answered_value and on_record
    waiting = LetterStatus.IN_PROGRESS.value
    status = letter.status if letter.status != answered_value or answered else waiting
    replied = letter.replied_on if answered else None
    limit_on = add_months(letter.submitted_on, rules.unanswered_after_months)
    lag = None
    if replied is not None:
        try:
            lag = calendar.lag_working_days(letter.submitted_on, replied)
        except CalendarNotCoveredError as error:
            notes.append(f"reply lags not judged for {error.year}: the calendar does not cover it")
    if not answered:
        left = (limit_on - day).days
        verdict = OVER if left < 0 else NEAR if left <= rules.warn_days_before else WAITING
    elif lag is None:
        verdict = ANSWERED
    else:
        verdict = SLOW if lag > rules.reply_within_working_days else ON_TIME
    return JudgedLetter(
        id=letter.id,
        column=column.key,
        title=letter.title,
        url=letter.url,
        submitted_on=letter.submitted_on,
        status=status,
        replied_on=replied,
        reply_unit=letter.reply_unit if answered else None,
        department_id=letter.department_id,
        department=names.get(letter.department_id) if letter.department_id else None,
        limit_on=limit_on,
        lag_working_days=lag,
        verdict=verdict,
    )


def interaction_indicators(rules: InteractionRules, report: InteractionReport) -> list[Indicator]:
    return [_unanswered_indicator(rules, report), _slow_indicator(rules, report)]


def _unanswered_indicator(rules: InteractionRules, report: InteractionReport) -> Indicator:
    months = rules.unanswered_after_months
    common = {
        "key": UNANSWERED_KEY,
        "name": rules.name,
        "kind": VETO,
        "threshold": f"1 letter unanswered over {months} months, or 1 column without a form",
        "warn_at": f"{rules.warn_days_before} days before {months} months",
    }
    if not report.columns:
        evidence = "the site profile lists no consultation column ([[letters.column]])"
        return Indicator(**common, value="-", status=NOT_PROVABLE, evidence=evidence)
    over, near, formless = report.having(OVER), report.having(NEAR), report.formless
    unprovable = [c for c in report.columns if c.unprovable]
    noun = "column" if len(formless) == 1 else "columns"
    value = (
        f"{len(over)} unanswered over {months} months; {len(formless)} {noun} without a usable form"
    )
    parts = [
        f"{months} months on {x.limit_on}, still {STATUS_WORDS[x.status]}: {x.label} {x.url}"
        for x in over
    ]
    parts += [_form_problem(c) for c in formless]
    parts += [
        f"{c.key} ({c.name}): unanswered letters not provable, {c.unprovable}" for c in unprovable
    ]
    parts += [f"{months} months on {x.limit_on}: {x.label} {x.url}" for x in near]
    if over or formless:
        status = VETO
    elif unprovable:
        status = NOT_PROVABLE
    elif near:
        status = WARNING
    else:
        status = OK
    seen = sum(c.letters for c in report.columns)
    parts.append(f"{seen} letters in {len(report.columns)} consultation columns")
    return Indicator(**common, value=value, status=status, evidence="; ".join(parts))


def _form_problem(column: JudgedColumn) -> str:
    what = "shows no form to fill" if column.form_state == FormState.NO_FORM else "errors"
    status = f" (HTTP {column.form_http_status})" if column.form_http_status else ""
    where = f"{column.key} ({column.name})"
    return f"未提供有效互动功能: {where} form page {what}{status}: {column.form_url}"


def _slow_indicator(rules: InteractionRules, report: InteractionReport) -> Indicator:
    limit = rules.reply_within_working_days
    common = {
        "key": SLOW_KEY,
        "name": rules.slow_name,
        "kind": DEDUCTION,
        "threshold": f"reply after more than {limit} working days",
        "warn_at": "-",
    }
    judged = [x for x in report.letters if x.lag_working_days is not None]
    slow = report.having(SLOW)
    parts = [
        f"{x.lag_working_days} working days: {x.label}, replied {x.replied_on} {x.url}"
        for x in slow
    ]
    parts.append(f"{len(judged)} replies judged")
    parts += report.notes
    not_read = [c.key for c in report.columns if c.walked_at is None or not c.complete]
    if not_read:
        parts.append(f"not read whole: {', '.join(not_read)}")
    evidence = "; ".join(parts)
    if slow:
        points = min(rules.max_points, rules.points_each * len(slow))
        return Indicator(
            **common, value=str(len(slow)), status=DEDUCTION, evidence=evidence, points=points
        )
    status = NOT_PROVABLE if not report.columns or not_read else OK
    return Indicator(**common, value="0", status=status, evidence=evidence, points=None)


@dataclass(frozen=True)
class EvidencePage:
    """A stored page behind an interaction indicator: a letter's page, or a column's form page."""

    page_id: int
    letter: JudgedLetter | None = None
    form_column: str | None = None  # the column whose write page showed no form

    @property
    def label(self) -> str:
        if self.letter is not None:
            return f"letter {self.letter.label}"
        return f"form page of {self.form_column}"


def evidence(session: Session, report: InteractionReport, key: str) -> list[EvidencePage]:
    """The stored pages behind an interaction indicator.

    The veto: the letters unanswered over the limit, then the form pages that showed no form;
    slow replies: the slow letters' pages.
    """
    if key == UNANSWERED_KEY:
        letters = report.having(OVER)
    elif key == SLOW_KEY:
        letters = report.having(SLOW)
    else:
        return []
    pages = dict(
        session.execute(
            select(Letter.id, Letter.page_id).where(Letter.id.in_([x.id for x in letters]))
        ).all()
    )
    found = [EvidencePage(pages[x.id], letter=x) for x in letters if pages.get(x.id)]
    if key == UNANSWERED_KEY and report.formless:
        keys = [c.key for c in report.formless]
        rows = session.execute(
            select(LetterColumn.key, LetterWalk.form_page_id, LetterWalk.walked_at)
            .join(LetterWalk, LetterWalk.column_id == LetterColumn.id)
            .where(LetterColumn.key.in_(keys), LetterWalk.form_page_id.is_not(None))
            .where(LetterColumn.site_id == report.site_id)
            .order_by(LetterWalk.walked_at.desc())
        ).all()
        latest: dict[str, int] = {}
        for column, page_id, _ in rows:
            latest.setdefault(column, page_id)
        found += [EvidencePage(page_id, form_column=column) for column, page_id in latest.items()]
    return found


def evidence_pages(session: Session, report: InteractionReport, key: str) -> list[tuple[str, int]]:
    """The stored pages behind an interaction indicator, as (label, page id)."""
    return [(e.label, e.page_id) for e in evidence(session, report, key)]
