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
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import pairwise

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from db.models import (
    Department,
    DisclosureDocument,
    FetchedPage,
    NondisclosureExplanation,
    SignedDocument,
)
from db.workdays import WorkdayCalendar
from scoring.bulk import fetch_tuples
from scoring.lags import Day, WorkingDayIndex, calendar_in_force, to_date
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


@dataclass(frozen=True, slots=True)
class JudgedDocument:
    """One document's verdict, lean: what counting needs and where to find the evidence."""

    status: str
    department_id: int
    month: str  # YYYY-MM of the day that places it in a period
    lag: int | None
    document_id: int | None  # the published reading that decided
    entry: UnpublishedEntry | None  # the register row, for missing and explained


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
class NumberGap:
    """A number missing from a department's published 文号 series: a candidate for review."""

    department_id: int
    prefix: str
    year: int
    missing_seq: int
    previous_seq: int
    next_seq: int

    @property
    def doc_number_key(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.missing_seq}号"


@dataclass(frozen=True)
class DisclosureJudgement:
    """Every document signed in a period judged once; counts and lists are read from it."""

    documents: tuple[JudgedDocument, ...]
    gaps: tuple[NumberGap, ...]
    limit_days: int
    index: WorkingDayIndex

    def counts(self, months: Collection[str] | None = None) -> dict[int, DisclosureCounts]:
        """Counts per department over ``months`` (all months judged when None)."""
        tallies: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
        for judged in self.documents:
            if months is None or judged.month in months:
                tallies[judged.department_id][judged.status] += 1
        return {
            department_id: DisclosureCounts(
                published=sum(tally[s] for s in PUBLISHED_STATUSES), **tally
            )
            for department_id, tally in tallies.items()
        }


def _month(day: Day) -> str:
    return day[:7] if isinstance(day, str) else day.isoformat()[:7]


def judge_disclosure(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    limit_days: int,
    cutoff: dt.datetime | None = None,
    calendar: WorkdayCalendar | None = None,
    departments: Collection[int] | None = None,
    gaps_year: int | None = None,
) -> DisclosureJudgement:
    """Judge every document signed in [start, end]; with ``gaps_year``, find 文号 gaps too."""
    index = WorkingDayIndex(calendar or calendar_in_force(), start.year)
    doc = DisclosureDocument
    in_period = or_(
        doc.signed_on.between(start, end),
        and_(doc.signed_on.is_(None), doc.published_on.between(start, end)),
    )
    columns = [
        doc.id,
        doc.department_id,
        doc.doc_number_key,
        doc.url,
        doc.signed_on,
        doc.published_on,
    ]
    query = select(*columns).where(
        doc.attribution == "department",
        doc.department_id.is_not(None),
        known_by(doc.first_seen_at, cutoff),
    )
    if departments is not None:
        query = query.where(doc.department_id.in_(list(departments)))
    if gaps_year is None:
        rows = [(*row, 1) for row in fetch_tuples(session, query.where(in_period))]
        series_rows: list[tuple] = []  # type: ignore[type-arg]
    else:
        # one read for both jobs: the period's documents and the year's 文号 series
        query = query.add_columns(
            case((in_period, 1), else_=0),
            doc.doc_number_prefix,
            doc.doc_number_seq,
            doc.doc_number_year,
        ).where(or_(in_period, doc.doc_number_year == gaps_year))
        rows = fetch_tuples(session, query)
        series_rows = [
            (row[1], row[7], row[8])
            for row in rows
            if row[9] == gaps_year and row[7] is not None and row[8] is not None
        ]
    judged = _judge_published([row for row in rows if row[6]], index, limit_days)
    for entry in unpublished_entries(
        session, start=start, end=end, cutoff=cutoff, departments=departments
    ):
        judged.append(
            JudgedDocument(
                entry.status, entry.department_id, _month(entry.signed_on), None, None, entry
            )
        )
    gaps = _gaps(session, series_rows, gaps_year, cutoff) if gaps_year is not None else []
    return DisclosureJudgement(tuple(judged), tuple(gaps), limit_days, index)


def _judge_published(
    rows: list[tuple],  # type: ignore[type-arg]
    index: WorkingDayIndex,
    limit_days: int,
) -> list[JudgedDocument]:
    best: dict[tuple[int, str], tuple[int | None, int, tuple]] = {}  # type: ignore[type-arg]
    for row in rows:
        document_id, department_id, key, url, signed, published = row[:6]
        dated = signed is not None and published is not None
        lag = index.lag(signed, published) if dated else None
        # rank: a lag beats none, a lower lag beats a higher one; dated beats undated
        rank = (0, lag) if lag is not None else (1, 0) if dated else (2, 0)
        identity = (department_id, key or url)
        kept = best.get(identity)
        if kept is None or rank < kept[0]:
            best[identity] = (rank, document_id, row)  # type: ignore[assignment]
    judged = []
    for rank, document_id, row in best.values():
        department_id, signed, published = row[1], row[4], row[5]
        if rank[0] == 0:
            lag = rank[1]
            status = "late" if lag > limit_days else "on_time"
        else:
            lag, status = None, "no_calendar" if rank[0] == 1 else "undated"
        day = signed if signed is not None else published
        judged.append(JudgedDocument(status, department_id, _month(day), lag, document_id, None))
    return judged


def _gaps(
    session: Session,
    series_rows: Iterable[tuple[int, str, int]],
    year: int,
    cutoff: dt.datetime | None,
) -> list[NumberGap]:
    """Numbers missing between published numbers of each department's 文号 series.

    A series is one department, one prefix, one year. Numbers the register marks classified
    (涉密) or that have a 不予公开说明 are not candidates: their absence is accounted for.
    """
    series: dict[tuple[int, str], set[int]] = defaultdict(set)
    for department_id, prefix, seq in series_rows:
        series[(department_id, prefix)].add(seq)
    holes = []
    for (department_id, prefix), numbers in sorted(series.items()):
        for previous, following in pairwise(sorted(numbers)):
            holes += [
                NumberGap(department_id, prefix, year, seq, previous, following)
                for seq in range(previous + 1, following)
            ]
    if not holes:
        return []
    accounted = set(
        fetch_tuples(
            session,
            select(SignedDocument.department_id, SignedDocument.doc_number_key).where(
                SignedDocument.classified.is_(True),
                SignedDocument.doc_number_key.is_not(None),
                known_by(SignedDocument.imported_at, cutoff),
            ),
        )
    ) | set(
        fetch_tuples(
            session,
            select(
                NondisclosureExplanation.department_id, NondisclosureExplanation.doc_number_key
            ).where(known_by(NondisclosureExplanation.imported_at, cutoff)),
        )
    )
    return [gap for gap in holes if (gap.department_id, gap.doc_number_key) not in accounted]


def verdict_details(
    session: Session, judgement: DisclosureJudgement, judged: Iterable[JudgedDocument]
) -> list[DocumentVerdict]:
    """The listed documents with their evidence: title, dates, URL and stored page."""
    chosen = list(judged)
    ids = [j.document_id for j in chosen if j.document_id is not None]
    doc = DisclosureDocument
    details: dict[int, tuple] = {}  # type: ignore[type-arg]
    for start in range(0, len(ids), 5000):
        for row in session.execute(
            select(
                doc.id,
                doc.doc_number,
                doc.doc_number_key,
                doc.title,
                doc.signed_on,
                doc.published_on,
                doc.url,
                doc.page_id,
                FetchedPage.sha256,
            )
            .outerjoin(FetchedPage, FetchedPage.id == doc.page_id)
            .where(doc.id.in_(ids[start : start + 5000]))
        ):
            details[row[0]] = tuple(row)
    verdicts = []
    limit = judgement.limit_days
    for j in chosen:
        if j.entry is not None:
            e = j.entry
            verdicts.append(
                DocumentVerdict(
                    e.department_id,
                    j.status,
                    e.doc_number,
                    e.doc_number_key,
                    e.title,
                    to_date(e.signed_on),
                    None,
                    None,
                    None,
                    None,
                    None,
                )
            )
            continue
        _, number, key, title, signed, published, url, page_id, sha = details[j.document_id]  # type: ignore[index]
        note = None
        if j.status == "no_calendar":
            missing = signed if not judgement.index.covers(signed) else published
            note = judgement.index.describe_gap(missing)
        verdicts.append(
            DocumentVerdict(
                j.department_id,
                j.status,
                number,
                key,
                title,
                signed,
                published,
                j.lag,
                None if j.lag is None else max(0, j.lag - limit),
                url,
                page_id,
                sha,
                note,
            )
        )
    verdicts.sort(
        key=lambda v: (v.department_id, STATUSES.index(v.status), v.signed_on or dt.date.min)
    )
    return verdicts


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
    return counts | judgement.counts()


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
    )
    return verdict_details(session, judgement, judgement.documents)


def number_gaps(
    session: Session,
    *,
    year: int,
    department_id: int | None = None,
    cutoff: dt.datetime | None = None,
) -> list[NumberGap]:
    """List numbers missing between published numbers of each department's 文号 series."""
    doc = DisclosureDocument
    query = select(doc.department_id, doc.doc_number_prefix, doc.doc_number_seq).where(
        doc.attribution == "department",
        doc.department_id.is_not(None),
        doc.doc_number_year == year,
        doc.doc_number_seq.is_not(None),
        doc.doc_number_prefix.is_not(None),
        known_by(doc.first_seen_at, cutoff),
    )
    if department_id is not None:
        query = query.where(doc.department_id == department_id)
    return _gaps(session, fetch_tuples(session, query), year, cutoff)
