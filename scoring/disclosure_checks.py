"""Verdicts for 部门文件主动公开: was each signed document disclosed within the limit?

Documents belong to the period in which they were SIGNED (成文日期); a published document
without a signing date falls in the period of its publication date and is ``undated`` (it
cannot be judged and is excluded from the score by the rules' policy). One document reached at
several URLs counts once: its identity is department + normalised 文号 (the URL when it has no
文号), and its reading with the lowest lag decides. Register rows (发文登记) that no published
document matches are ``missing`` or ``explained`` (:mod:`scoring.register_matching`).

The lag is counted here, when assessing, on the working-day calendar in force
(:mod:`scoring.lags`): the crawler stores only the two dates it read. A document whose dates
fall in a year the calendar does not cover is ``no_calendar``: listed with the year to add,
treated like an undated one by the score, never counted on weekdays.

Every function takes an optional evidence ``cutoff``: documents first seen, and register rows and
explanations imported, after it are ignored, so a past report can be computed again exactly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, text, true
from sqlalchemy.orm import Session

from db.models import (
    Department,
    DisclosureDocument,
    FetchedPage,
)
from db.workdays import WorkdayCalendar
from scoring.bulk import fetch_tuples
from scoring.deadlines import DeadlineTable, status_sql
from scoring.lags import Day, WorkingDayIndex, calendar_in_force, to_date
from scoring.number_gaps import NumberGap, number_gaps  # NumberGap: part of a judgement
from scoring.register_matching import UnpublishedEntry, known_by, unpublished_entries

STATUSES = ("on_time", "late", "missing", "explained", "undated", "no_calendar")
PUBLISHED_STATUSES = ("on_time", "late", "undated", "no_calendar")


@dataclass(frozen=True)
class DisclosureCounts:
    """A department's documents signed in a period, by verdict."""

    published: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    explained: int = 0
    undated: int = 0
    no_calendar: int = 0

    @property
    def judged(self) -> int:
        """The denominator of the on-time share: dated published documents plus missing ones."""
        return self.on_time + self.late + self.missing

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.judged if self.judged else None


@dataclass(frozen=True)
class DocumentVerdict:
    """One document's verdict with the evidence behind it, as reports list it."""

    department_id: int
    status: str
    doc_number: str | None
    doc_number_key: str | None
    title: str
    signed_on: dt.date | None
    published_on: dt.date | None
    lag_working_days: int | None
    working_days_late: int | None
    url: str | None
    page_id: int | None
    page_sha256: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class DisclosureJudgement:
    """Every document of a period judged once: counts per department, and the listed ones."""

    ytd: dict[int, DisclosureCounts]  # signed in [start, end]
    month: dict[int, DisclosureCounts]  # signed in [month_start, end]
    listed: tuple[DocumentVerdict, ...]
    gaps: tuple[NumberGap, ...]
    limit_days: int
    deadlines: DeadlineTable


RANK = {"on_time": 0, "late": 1, "no_calendar": 2, "undated": 3}
_Tally = dict[tuple[int, bool, str], int]  # (department, in the last month, status) -> documents


def judge_disclosure(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    limit_days: int,
    cutoff: dt.datetime | None = None,
    calendar: WorkdayCalendar | None = None,
    departments: Collection[int] | None = None,
    month_start: dt.date | None = None,
    list_statuses: Collection[str] = (),
    gaps_year: int | None = None,
) -> DisclosureJudgement:
    """Judge every document signed in [start, end] as known by ``cutoff``.

    Counts are kept for the whole period and for [``month_start``, end]; documents of that
    last stretch (of the whole period without ``month_start``) whose verdict is in
    ``list_statuses`` are listed with their evidence. With ``gaps_year``, 文号 gaps too.
    """
    index = WorkingDayIndex(calendar or calendar_in_force(), start.year)
    deadlines = DeadlineTable(index, start, end, limit_days)
    doc = DisclosureDocument
    table = deadlines.load(session)
    judged = doc.__table__.outerjoin(table, table.c.day == doc.signed_on)
    status = status_sql(doc.signed_on, doc.published_on, table)
    period_day = func.coalesce(doc.signed_on, doc.published_on)
    recent = period_day >= month_start if month_start is not None else true()
    evidence = [doc.attribution == "department", known_by(doc.first_seen_at, cutoff)]
    if departments is not None:
        evidence.append(doc.department_id.in_(list(departments)))
    where = [*evidence, doc.department_id.is_not(None), _signed_in(start, end)]
    tally: _Tally = defaultdict(int)
    counted = select(doc.department_id, case((recent, 1), else_=0), status, func.count())
    for department_id, in_month, verdict, n in fetch_tuples(
        session,
        counted.select_from(judged).where(*where).group_by(text("1"), text("2"), text("3")),
    ):
        tally[(department_id, bool(in_month), verdict)] += n
    superseded = _count_each_document_once(session, where, deadlines, month_start, tally)
    listed = []
    if list_statuses:
        # the last month only, found through the (signed_on, published_on) index
        last = [*evidence, doc.department_id.is_not(None), _signed_in(month_start or start, end)]
        listed = _listed(session, judged, last, status, list_statuses, superseded, deadlines)
    register = unpublished_entries(
        session, start=start, end=end, cutoff=cutoff, departments=departments
    )
    for entry in register:
        in_month = month_start is None or to_date(entry.signed_on) >= month_start  # type: ignore[operator]
        tally[(entry.department_id, in_month, entry.status)] += 1
        if in_month and entry.status in list_statuses:
            listed.append(_register_verdict(entry))
    listed.sort(
        key=lambda v: (v.department_id, STATUSES.index(v.status), v.signed_on or dt.date.min)
    )
    gaps = number_gaps(session, year=gaps_year, departments=departments, cutoff=cutoff)
    return DisclosureJudgement(
        ytd=_counts(tally, None),
        month=_counts(tally, True),
        listed=tuple(listed),
        gaps=tuple(gaps) if gaps_year is not None else (),
        limit_days=limit_days,
        deadlines=deadlines,
    )


def _counts(tally: _Tally, in_month: bool | None) -> dict[int, DisclosureCounts]:
    values: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for (department_id, recent, verdict), n in tally.items():
        if in_month is None or recent == in_month:
            values[department_id][verdict] += n
    return {
        department_id: DisclosureCounts(published=sum(v[s] for s in PUBLISHED_STATUSES), **v)
        for department_id, v in values.items()
    }


def _count_each_document_once(
    session: Session,
    where: list[ColumnElement[bool]],
    deadlines: DeadlineTable,
    month_start: dt.date | None,
    tally: _Tally,
) -> set[int]:
    """Correct the counts for documents reached at several URLs; return the readings dropped.

    A document is one department + normalised 文号; its best reading (on time before late,
    then the lowest lag) decides. Only numbers stored more than once are read here.
    """
    doc = DisclosureDocument
    # answered from the (department, 文号) index alone; usually nothing
    repeated = fetch_tuples(
        session,
        select(doc.department_id, doc.doc_number_key)
        .where(doc.doc_number_key.is_not(None))
        .group_by(doc.department_id, doc.doc_number_key)
        .having(func.count() > 1),
    )
    pairs = set(repeated)
    rows: set[tuple] = set()  # type: ignore[type-arg]
    for chunk in range(0, len(repeated), 1000):  # by number (indexed), narrowed to the pairs
        keys = sorted({key for _, key in repeated[chunk : chunk + 1000]})
        rows |= {
            row
            for row in fetch_tuples(
                session,
                select(
                    doc.id, doc.department_id, doc.doc_number_key, doc.signed_on, doc.published_on
                ).where(*where, doc.doc_number_key.in_(keys)),
            )
            if (row[1], row[2]) in pairs
        }
    readings: dict[tuple[int, str], list[tuple]] = defaultdict(list)  # type: ignore[type-arg]
    for document_id, department_id, key, signed, published in sorted(rows):
        verdict = deadlines.status(signed, published)
        in_month = _in_month(signed if signed is not None else published, month_start)
        tally[(department_id, in_month, verdict)] -= 1
        lag = deadlines.index.lag(signed, published) if verdict in ("on_time", "late") else None
        rank = (RANK[verdict], lag if lag is not None else 0)
        readings[(department_id, key)].append((rank, document_id, in_month, verdict))
    superseded = set()
    for (department_id, _), found in readings.items():
        best, *others = sorted(found)
        tally[(department_id, best[2], best[3])] += 1
        superseded |= {other[1] for other in others}
    return superseded


def _in_month(day: Day, month_start: dt.date | None) -> bool:
    return month_start is None or to_date(day) >= month_start  # type: ignore[operator]


def _signed_in(start: dt.date, end: dt.date) -> ColumnElement[bool]:
    """Signed in [start, end], or undated and published then."""
    doc = DisclosureDocument
    return or_(
        doc.signed_on.between(start, end),
        and_(doc.signed_on.is_(None), doc.published_on.between(start, end)),
    )


def _listed(
    session: Session,
    judged: Any,
    where: list[ColumnElement[bool]],
    status: ColumnElement[str],
    statuses: Collection[str],
    superseded: set[int],
    deadlines: DeadlineTable,
) -> list[DocumentVerdict]:
    doc = DisclosureDocument
    query = (
        select(
            doc.id,
            doc.department_id,
            status,
            doc.doc_number,
            doc.doc_number_key,
            doc.title,
            doc.signed_on,
            doc.published_on,
            doc.url,
            doc.page_id,
            FetchedPage.sha256,
        )
        .select_from(judged)
        .outerjoin(FetchedPage, FetchedPage.id == doc.page_id)
        .where(*where)
    )
    if set(statuses) < set(PUBLISHED_STATUSES):
        query = query.where(status.in_(list(statuses)))
    verdicts = []
    limit, index = deadlines.limit_days, deadlines.index
    for row in session.execute(query):
        document_id, department_id, verdict, number, key, title, signed, published = row[:8]
        if document_id in superseded or verdict not in statuses:
            continue
        lag = index.lag(signed, published) if signed and published else None
        note = None
        if verdict == "no_calendar":
            note = index.describe_gap(signed if not index.covers(signed) else published)
        elif verdict == "late" and lag is None:
            note = "late; " + index.describe_gap(published) + " to count the days"
        verdicts.append(
            DocumentVerdict(
                department_id,
                verdict,
                number,
                key,
                title,
                signed,
                published,
                lag if verdict in ("on_time", "late") else None,
                max(0, lag - limit) if verdict == "late" and lag is not None else None,
                row[8],
                row[9],
                row[10],
                note,
            )
        )
    return verdicts


def _register_verdict(entry: UnpublishedEntry) -> DocumentVerdict:
    return DocumentVerdict(
        entry.department_id,
        entry.status,
        entry.doc_number,
        entry.doc_number_key,
        entry.title,
        to_date(entry.signed_on),
        None,
        None,
        None,
        None,
        None,
    )


def disclosure_counts(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    limit_days: int,
    cutoff: dt.datetime | None = None,
    calendar: WorkdayCalendar | None = None,
) -> dict[int, DisclosureCounts]:
    """Count verdicts per department over documents signed in [start, end].

    Every city department (kind 'department') has an entry, zeros when it has no documents;
    a county with documents has one too.
    """
    judgement = judge_disclosure(
        session, start=start, end=end, limit_days=limit_days, cutoff=cutoff, calendar=calendar
    )
    counts = dict.fromkeys(
        session.scalars(select(Department.id).where(Department.kind == "department")),
        DisclosureCounts(),
    )
    return counts | judgement.ytd


def document_verdicts(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    limit_days: int,
    department_id: int | None = None,
    cutoff: dt.datetime | None = None,
    calendar: WorkdayCalendar | None = None,
) -> list[DocumentVerdict]:
    """List each document signed in [start, end] with its verdict (the rows behind the counts)."""
    judgement = judge_disclosure(
        session,
        start=start,
        end=end,
        limit_days=limit_days,
        cutoff=cutoff,
        calendar=calendar,
        departments=None if department_id is None else [department_id],
        list_statuses=STATUSES,
    )
    return list(judgement.listed)
