"""Mid-month early warnings (月中预警): what is about to go wrong, found before it does.

As of a day (the schedule's, e.g. the 20th), three kinds of findings:

- ``quota``: a tiered department whose posts so far this month are below its pro-rata quota
  (monthly quota × day / days in the month). Only when the portal's latest crawl by the end
  of the day finished healthy with every column read: a crawler fault is never read as "no
  posts", and then no quota finding is made at all (a note says why);
- ``column``: a column of an inspected site about to go stale (its category's warning age
  reached) or stale already (:mod:`scoring.inspection.columns`);
- ``letter``: a letter of a consultation column (信箱) nearing its months unanswered
  (互动回应差's pre-warning, judged by :mod:`scoring.inspection.interaction`), sent to the
  department answering the column;
- ``register``: a signed document (发文登记) neither published nor explained whose limit
  (the city rules' working days, on the statutory calendar) is at most
  ``early_warnings.register_working_days_left`` working days away and not yet passed. What is
  published, and the last on-time day, are the assessment's own
  (:mod:`scoring.assessment.register_matching`,
  :mod:`scoring.assessment.deadlines`), so a warning never disagrees with the next report.

Each finding has a key naming what it is about; :mod:`scoring.warnings.deliveries` sends each key to
each of its targets once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from db.config import DEFAULT_HEARTBEAT_LIMIT
from db.models import (
    Department,
    LetterColumn,
    SignedDocument,
    Site,
    SiteColumn,
    UnitKind,
)
from db.models.crawling import RunStatus
from db.workdays import WorkdayCalendar
from scoring.assessment.coverage import latest_ended_runs
from scoring.assessment.deadlines import DeadlineTable
from scoring.assessment.lags import WorkingDayIndex, calendar_in_force
from scoring.assessment.periods import month_end, month_label
from scoring.assessment.portal_score import post_counts
from scoring.assessment.register_matching import unpublished_entries
from scoring.inspection.columns import ColumnState, InspectionError, column_states
from scoring.inspection.interaction import NEAR, STATUS_WORDS, interaction_report
from scoring.inspection.verdict import InspectionDay, local_time
from scoring.rules import Rules
from scoring.rules.national_model import NationalRules
from scoring.warnings.finding import Finding
from scoring.warnings.rectification import rectification_findings

REGISTER_LOOKBACK_DAYS = 45  # a 5-working-day limit never spans more, Golden Week included


@dataclass
class WarningScan:
    day: dt.date
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be judged, and why


def scan(
    session: Session,
    rules: Rules,
    national: NationalRules,
    day: dt.date,
    calendar: WorkdayCalendar | None = None,
    heartbeat_limit: dt.timedelta = DEFAULT_HEARTBEAT_LIMIT,
) -> WarningScan:
    """Every finding as of the end of ``day`` (Asia/Shanghai)."""
    result = WarningScan(day)
    when = InspectionDay(day, national.evidence_max_age_days)
    _quota_findings(session, rules, when, heartbeat_limit, result)
    _column_findings(session, national, when, result)
    calendar = calendar or calendar_in_force()
    _register_findings(session, rules, national, when, calendar, result)
    _letter_findings(session, national, when, calendar, result)
    result.findings += rectification_findings(session, day, calendar)  # the 整改 loop's steps
    return result


# ---------------------------------------------------------------------- quota
def posts_so_far(session: Session, month: str, cutoff: dt.datetime) -> dict[int, int]:
    """Unique posts per department in ``month`` first seen by ``cutoff``.

    The one place the warnings read post counts, so that it can follow the assessment's own.
    """
    counts = post_counts(session, [month], cutoff)
    return {department_id: n for (department_id, _), n in counts.items()}


def _quota_findings(
    session: Session,
    rules: Rules,
    day: InspectionDay,
    heartbeat_limit: dt.timedelta,
    result: WarningScan,
) -> None:
    problem = _portal_not_read_whole(session, day, heartbeat_limit)
    if problem:
        result.notes.append(f"no quota warnings: {problem}")
        return
    month = month_label(day.day.year, day.day.month)
    days_in_month = month_end(month).day
    posts = posts_so_far(session, month, day.end)
    departments = session.execute(
        select(Department.id, Department.short_name, Department.tier)
        .where(Department.kind == UnitKind.DEPARTMENT, Department.tier.is_not(None))
        .order_by(Department.id)
    ).all()
    for department_id, name, tier in departments:
        quota = rules.portal.monthly_quota[tier]
        count = posts.get(department_id, 0)
        if count * days_in_month >= quota * day.day.day:
            continue
        expected = (Decimal(quota * day.day.day) / days_in_month).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
        result.findings.append(
            Finding(
                key=f"quota:{month}:{department_id}",
                kind="quota",
                department_id=department_id,
                department=name,
                subject=(
                    f"{name}：{month} 截至{day.day.day}日发布信息 {count} 条，低于进度配额 "
                    f"{expected} 条（第{tier}档每月 {quota} 条），本月信息发布低于进度"
                ),
                body=(
                    f"{name}（第{tier}档）{month} 发布、截至 {day.day} 已采集的信息共 {count} 条"
                    f"（同一信息只计一次）；每月配额 {quota} 条，按本月 {days_in_month} 天折算，"
                    f"第{day.day.day}日应达 {expected} 条。本月尚差 {max(0, quota - count)} 条，"
                    f"请在 {month_end(month)} 前补足。"
                ),
            )
        )


def _portal_not_read_whole(
    session: Session, day: InspectionDay, heartbeat_limit: dt.timedelta
) -> str | None:
    """Why the portal's posts so far cannot be trusted as complete, or None if they can.

    Runs are judged as the assessment's coverage judges them (:mod:`scoring.assessment.coverage`):
    a run left ``running`` without a heartbeat has ended, badly.
    """
    latest = latest_ended_runs(session, "portal", day.end, heartbeat_limit)
    if not latest:
        return "no portal site is registered"
    for key, run in latest.items():
        if run is None:
            return f"{key} has no ended crawl by {day.day}"
        if run.status != RunStatus.FINISHED or not run.healthy:
            started = local_time(run.started_at)
            return f"the latest crawl of {key} ({started}) was {run.status}, healthy={run.healthy}"
        if not run.read_whole:
            return f"the latest crawl of {key} did not read every column whole"
        if not day.fresh(run.started_at):
            return f"the latest crawl of {key} is older than {day.max_age_days} days"
    return None


# ---------------------------------------------------------------------- columns
def _column_findings(
    session: Session, national: NationalRules, day: InspectionDay, result: WarningScan
) -> None:
    sites = session.execute(
        select(Site.id, Site.key, Site.name)
        .where(exists().where(SiteColumn.site_id == Site.id, SiteColumn.category.is_not(None)))
        .order_by(Site.key)
    ).all()
    departments = {
        i: name for i, name in session.execute(select(Department.id, Department.short_name))
    }
    for site_id, key, name in sites:
        owned = select(SiteColumn.id, SiteColumn.department_id).where(SiteColumn.site_id == site_id)
        owners = {column_id: department_id for column_id, department_id in session.execute(owned)}
        try:
            states = column_states(session, national, site_id, day)
        except InspectionError as error:
            result.notes.append(f"no column warnings for {key}: {error}")
            continue
        for state in states:
            if state.status not in national.early_warnings.column_statuses:
                continue
            department_id = owners.get(state.column_id)
            result.findings.append(_column_finding(key, name, state, department_id, departments))


def _column_finding(
    site_key: str,
    site_name: str,
    state: ColumnState,
    department_id: int | None,
    departments: dict[int, str],
) -> Finding:
    what = "即将超期未更新" if state.status == "warning" else "已超期未更新"
    return Finding(
        key=f"column:{site_key}:{state.key}:{state.newest_on}:{state.status}",
        kind="column",
        department_id=department_id,
        department=departments.get(department_id) if department_id else None,
        site=site_key,
        subject=(
            f"{site_name} 栏目「{state.name}」：{what}，最新信息 {state.newest_on}"
            f"（已 {state.age_days} 天）"
        ),
        body=(
            f"Column {state.name} ({state.key}, category {state.category}) of {site_name} "
            f"({site_key}) {what}: {state.reason}. Evidence: {state.evidence or state.url}."
        ),
    )


# ---------------------------------------------------------------------- register
def _register_findings(
    session: Session,
    rules: Rules,
    national: NationalRules,
    day: InspectionDay,
    calendar: WorkdayCalendar,
    result: WarningScan,
) -> None:
    limit = rules.disclosure.limit_working_days
    margin = national.early_warnings.register_working_days_left
    start = day.day - dt.timedelta(days=REGISTER_LOOKBACK_DAYS)
    rows = _waiting_register_rows(session, start, day)
    if not rows:
        return
    index = WorkingDayIndex(calendar, start.year)
    deadlines = DeadlineTable(index, start, day.day, limit)
    uncovered: set[int] = set()
    for entry, name in rows:
        deadline = deadlines.deadline(entry.signed_on)
        if deadline is None:
            uncovered.add(_first_uncovered_year(calendar, entry.signed_on.year))
            continue
        if deadline < day.day:
            continue  # already late: the monthly report's business, not a warning
        left = index.lag(day.day, deadline)
        if left is None:
            uncovered.add(_first_uncovered_year(calendar, day.day.year))
            continue
        if left <= margin:
            result.findings.append(_register_finding(entry, name, day, limit, deadline, left))
    for year in sorted(uncovered):
        result.notes.append(
            f"register entries of {year} not judged: the working-day calendar does not cover it"
        )


def _waiting_register_rows(
    session: Session, start: dt.date, day: InspectionDay
) -> list[tuple[SignedDocument, str]]:
    """Register rows signed since ``start``, neither published nor explained by the day's end.

    With their department's short name, oldest signing first.
    """
    # known by the end of the day: strictly before the next day begins
    known = day.end - dt.timedelta(microseconds=1)
    waiting = [
        e
        for e in unpublished_entries(session, start=start, end=day.day, cutoff=known)
        if not e.explained
    ]
    if not waiting:
        return []
    rows = {
        entry.id: (entry, name)
        for entry, name in session.execute(
            select(SignedDocument, Department.short_name)
            .join(Department, Department.id == SignedDocument.department_id)
            .where(SignedDocument.id.in_([e.register_id for e in waiting]))
        )
    }
    ordered = sorted(waiting, key=lambda e: (str(e.signed_on), e.register_id))
    return [rows[e.register_id] for e in ordered]


def _register_finding(
    entry: SignedDocument, name: str, day: InspectionDay, limit: int, deadline: dt.date, left: int
) -> Finding:
    number = entry.doc_number or "（无文号）"
    return Finding(
        key=f"register:{entry.department_id}:{entry.doc_number_key or f'row-{entry.id}'}",
        kind="register",
        department_id=entry.department_id,
        department=name,
        subject=(
            f"{name}：{number} 尚未公开，剩余 {left} 个工作日（{deadline} 到期），"
            f"文件即将超过公开时限"
        ),
        body=(
            f"{number}《{entry.title}》成文于 {entry.signed_on}"
            f"（登记表 {entry.source_file} 第 {entry.source_line} 行），截至 {day.day} "
            f"未在政府信息公开平台公开，也未说明不予公开的理由。{limit} 个工作日的公开"
            f"时限于 {deadline} 届满，剩余 {left} 个工作日。"
        ),
    )


def _first_uncovered_year(calendar: WorkdayCalendar, year: int) -> int:
    while calendar.covers(year):
        year += 1
    return year


# ---------------------------------------------------------------------- letters
def _letter_findings(
    session: Session,
    national: NationalRules,
    day: InspectionDay,
    calendar: WorkdayCalendar,
    result: WarningScan,
) -> None:
    """Letters within the pre-warning days of going unanswered for the rules' months."""
    rules = national.interaction
    sites = session.execute(
        select(Site.id, Site.key, Site.name)
        .where(exists().where(LetterColumn.site_id == Site.id))
        .order_by(Site.key)
    ).all()
    for site_id, key, name in sites:
        report = interaction_report(session, rules, site_id, day, calendar)
        for letter in report.having(NEAR):
            left = (letter.limit_on - day.day).days
            months = rules.unanswered_after_months
            result.findings.append(
                Finding(
                    key=f"letter:{key}:{letter.id}:{letter.limit_on}",
                    kind="letter",
                    department_id=letter.department_id,
                    department=letter.department,
                    site=key,
                    subject=(
                        f"{name} 信件《{letter.title}》: no reply, {months} months on "
                        f"{letter.limit_on} ({left} days left) 留言即将超过{months}个月未回复"
                    ),
                    body=(
                        f"The letter 《{letter.title}》 in column {letter.column} of {name} "
                        f"({key}), written {letter.submitted_on}, has no reply by {day.day} "
                        f"(状态 {STATUS_WORDS[letter.status]}). On {letter.limit_on} it will "
                        f"have waited {months} calendar months: 互动回应差 is a single-item "
                        f"veto of the national inspection. Letter: {letter.url}"
                    ),
                )
            )
