"""Verdicts for 部门文件主动公开: was each signed document disclosed within the limit?

Documents belong to the period in which they were SIGNED (成文日期); a published document
without a signing date falls in the period of its publication date and is ``undated`` (it
cannot be judged and is excluded from the score by the rules' policy). One document reached at
several URLs counts once: its identity is department + normalised 文号 (the URL when it has no
文号), and its reading with the lowest lag decides. Register rows (发文登记) that no published
document matches are ``missing`` or ``explained`` (:mod:`scoring.assessment.register_matching`).

The lag is counted here, when assessing, on the working-day calendar in force
(:mod:`scoring.assessment.lags`): the crawler stores only the two dates it read. A document whose
dates fall in a year the calendar does not cover is ``no_calendar``: listed with the year to add,
treated like an undated one by the score, never counted on weekdays.

Every function takes an optional evidence ``cutoff``: documents first seen, and register rows and
explanations imported, after it are ignored, so a past report can be computed again exactly.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, case, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from db.models import (
    Attribution,
    Department,
    DisclosureDocument,
    FetchedPage,
    UnitKind,
)
from db.models.evidence import DocumentStatus
from db.workdays import WorkdayCalendar
from scoring.assessment.deadlines import DeadlineTable, status_sql
from scoring.assessment.lags import Day, WorkingDayIndex, calendar_in_force, to_date
from scoring.assessment.number_gaps import NumberGap, number_gaps  # NumberGap: part of a judgement
from scoring.assessment.register_matching import UnpublishedEntry, known_by, unpublished_entries
from scoring.bulk import fetch_tuples

STATUSES = tuple(DocumentStatus)
_DATED = (DocumentStatus.ON_TIME, DocumentStatus.LATE)  # the verdicts with a lag
#: Published and judged (a gone page was published but is judged by nobody: not among them).
PUBLISHED_STATUSES = tuple(
    s
    for s in DocumentStatus
    if s not in (DocumentStatus.MISSING, DocumentStatus.EXPLAINED, DocumentStatus.GONE)
)
GONE_NOTE = "已列出，页面已失效 listed, page gone: published, not judged, counted for nobody"


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
    gone: int = 0  # listed, its page gone: published, neither missing nor judged

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
    # (department, YYYY-MM) -> documents signed that month; only when asked ``by_month``
    by_month: dict[tuple[int, str], DisclosureCounts] = field(default_factory=dict)


RANK = {"on_time": 0, "late": 1, "no_calendar": 2, "undated": 3}
_Tally = dict[tuple[int, int, str], int]  # (department, bucket, status) -> documents
_Key = TypeVar("_Key")


class _Buckets:
    """Where in the period a document's day falls: before the last stretch, or in it.

    Bucket ``i`` (from 1) begins at ``starts[i - 1]``; with ``by_month`` every month of the
    period begins one, so the same counts give each month too.
    """

    def __init__(self, start: dt.date, end: dt.date, last: dt.date, by_month: bool) -> None:
        starts = {start, last}
        if by_month:
            day = start.replace(day=1)
            while day <= end:
                starts.add(max(day, start))
                day = (day + dt.timedelta(days=32)).replace(day=1)
        self.starts = sorted(starts)
        self.last = self.starts.index(last) + 1

    def sql(self, day: Any) -> ColumnElement[int]:
        whens = [(day >= start, i) for i, start in enumerate(self.starts, start=1)]
        if len(whens) == 1:
            return literal_column("1")
        return case(*reversed(whens), else_=0)

    def of(self, day: Day) -> int:
        return bisect_right(self.starts, to_date(day))

    def in_last(self, bucket: int) -> bool:
        return bucket >= self.last

    def month(self, bucket: int) -> str:
        start = self.starts[max(0, bucket - 1)]
        return f"{start.year:04d}-{start.month:02d}"


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
    by_month: bool = False,
) -> DisclosureJudgement:
    """Judge every document signed in [start, end] as known by ``cutoff``.

    Counts are kept for the whole period and for [``month_start``, end] (and, ``by_month``,
    for each month); documents of that last stretch (of the whole period without
    ``month_start``) whose verdict is in ``list_statuses`` are listed with their evidence.
    With ``gaps_year``, 文号 gaps too.
    """
    index = WorkingDayIndex(calendar or calendar_in_force(), start.year)
    deadlines = DeadlineTable(index, start, end, limit_days)
    doc = DisclosureDocument
    table = deadlines.load(session)
    judged = doc.__table__.outerjoin(table, table.c.day == doc.signed_on)
    status = status_sql(doc.signed_on, doc.published_on, table)
    buckets = _Buckets(start, end, month_start or start, by_month)
    period_day = func.coalesce(doc.signed_on, doc.published_on)
    evidence = [doc.attribution == Attribution.DEPARTMENT, known_by(doc.first_seen_at, cutoff)]
    if departments is not None:
        evidence.append(doc.department_id.in_(list(departments)))
    where = [*evidence, doc.department_id.is_not(None), _signed_in(start, end)]
    counted = select(doc.department_id, buckets.sql(period_day), status, func.count())
    tally = _tally(session, counted.select_from(judged).where(*where))
    superseded = _count_each_document_once(session, where, deadlines, buckets, tally)
    listed = []
    if list_statuses:
        # the last month only, found through the (signed_on, published_on) index
        last = [*evidence, doc.department_id.is_not(None), _signed_in(month_start or start, end)]
        listed = _listed(session, judged, last, status, list_statuses, superseded, deadlines)
    register = unpublished_entries(
        session, start=start, end=end, cutoff=cutoff, departments=departments
    )
    listed += _count_register(register, buckets, list_statuses, tally)
    listed.sort(
        key=lambda v: (v.department_id, STATUSES.index(v.status), v.signed_on or dt.date.min)
    )
    gaps = number_gaps(session, year=gaps_year, departments=departments, cutoff=cutoff)
    return DisclosureJudgement(
        ytd=_counts(tally, lambda department_id, _: department_id),
        month=_counts(tally, lambda d, bucket: d if buckets.in_last(bucket) else None),
        listed=tuple(listed),
        gaps=tuple(gaps) if gaps_year is not None else (),
        limit_days=limit_days,
        deadlines=deadlines,
        by_month=_counts(tally, lambda d, bucket: (d, buckets.month(bucket))) if by_month else {},
    )


def _tally(session: Session, counted: Select[Any]) -> _Tally:
    """Published documents per (department, bucket, verdict), from one grouped count."""
    tally: _Tally = defaultdict(int)
    grouped = counted.group_by(text("1"), text("2"), text("3"))
    for department_id, bucket, verdict, n in fetch_tuples(session, grouped):
        tally[(department_id, bucket, verdict)] += n
    return tally


def _count_register(
    register: list[UnpublishedEntry],
    buckets: _Buckets,
    list_statuses: Collection[str],
    tally: _Tally,
) -> list[DocumentVerdict]:
    """Add the register's unpublished entries to ``tally``; those of the last stretch to list."""
    listed = []
    for entry in register:
        bucket = buckets.of(entry.signed_on)
        tally[(entry.department_id, bucket, entry.status)] += 1
        if buckets.in_last(bucket) and entry.status in list_statuses:
            listed.append(_register_verdict(entry))
    return listed


def _counts(tally: _Tally, key: Callable[[int, int], _Key | None]) -> dict[_Key, DisclosureCounts]:
    """Sum the tally under ``key(department, bucket)``, leaving out buckets keyed None."""
    values: dict[_Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for (department_id, bucket, verdict), n in tally.items():
        found = key(department_id, bucket)
        if found is not None:
            values[found][verdict] += n
    return {
        found: DisclosureCounts(published=sum(v[s] for s in PUBLISHED_STATUSES), **v)
        for found, v in values.items()
    }


def _count_each_document_once(
    session: Session,
    where: list[ColumnElement[bool]],
    deadlines: DeadlineTable,
    buckets: _Buckets,
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
        bucket = buckets.of(signed if signed is not None else published)
        tally[(department_id, bucket, verdict)] -= 1
        lag = deadlines.index.lag(signed, published) if verdict in _DATED else None
        rank = (RANK[verdict], lag if lag is not None else 0)
        readings[(department_id, key)].append((rank, document_id, bucket, verdict))
    superseded = set()
    for (department_id, _), found in readings.items():
        best, *others = sorted(found)
        tally[(department_id, best[2], best[3])] += 1
        superseded |= {other[1] for other in others}
    return superseded


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
        if verdict == DocumentStatus.NO_CALENDAR:
            note = index.describe_gap(signed if not index.covers(signed) else published)
        elif verdict == DocumentStatus.LATE and lag is None:
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
                lag if verdict in _DATED else None,
                max(0, lag - limit) if verdict == DocumentStatus.LATE and lag is not None else None,
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
        note=GONE_NOTE if entry.status == DocumentStatus.GONE else None,
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
        session.scalars(select(Department.id).where(Department.kind == UnitKind.DEPARTMENT)),
        DisclosureCounts(),
    )
    return counts | judgement.ytd
