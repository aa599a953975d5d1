"""Verdicts for 部门文件主动公开: was each signed document disclosed within the limit?

Documents belong to the period in which they were SIGNED (成文日期); a published document
without a signing date falls in the period of its publication date and is ``undated`` (it
cannot be judged and is excluded from the score by the rules' policy). One document reached at
several URLs counts once: its identity is department + normalised 文号 (the URL when it has no
文号), and its earliest publication (lowest lag) decides. Register rows (发文登记) that match
no published document are ``missing``, or ``explained`` when a 不予公开说明 exists;
classified (涉密) rows are never expected on the platform.

The lag itself (working days, :mod:`db.workdays`) was computed and stored by the crawler.

Every function takes an optional evidence ``cutoff``: documents first seen, and register rows and
explanations imported, after it are ignored, so a past report can be computed again exactly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select, true
from sqlalchemy.orm import Session

from db.models import Department, DisclosureDocument, NondisclosureExplanation, SignedDocument

STATUSES = ("on_time", "late", "missing", "explained", "undated")


@dataclass(frozen=True)
class DisclosureCounts:
    """A department's documents signed in a period, by verdict."""

    published: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    explained: int = 0
    undated: int = 0

    @property
    def judged(self) -> int:
        """The denominator of the on-time share: dated published documents plus missing ones."""
        return self.on_time + self.late + self.missing

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.judged if self.judged else None


@dataclass(frozen=True)
class DocumentVerdict:
    department_id: int
    doc_number: str | None
    doc_number_key: str | None
    title: str
    signed_on: dt.date | None
    published_on: dt.date | None
    lag_working_days: int | None
    status: str
    working_days_late: int | None
    url: str | None
    page_id: int | None


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


def _in_period(start: dt.date, end: dt.date):  # type: ignore[no-untyped-def]
    doc = DisclosureDocument
    return or_(
        doc.signed_on.between(start, end),
        and_(doc.signed_on.is_(None), doc.published_on.between(start, end)),
    )


def _identity():  # type: ignore[no-untyped-def]
    return func.coalesce(DisclosureDocument.doc_number_key, DisclosureDocument.url)


def _known_by(column, cutoff: dt.datetime | None) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    """True for evidence recorded by ``cutoff`` (always, without a cut-off)."""
    return true() if cutoff is None else column <= cutoff


def _published_match(cutoff: dt.datetime | None):  # type: ignore[no-untyped-def]
    doc = DisclosureDocument
    return exists().where(
        doc.department_id == SignedDocument.department_id,
        doc.doc_number_key == SignedDocument.doc_number_key,
        _known_by(doc.first_seen_at, cutoff),
    )


def _explanation_match(cutoff: dt.datetime | None):  # type: ignore[no-untyped-def]
    note = NondisclosureExplanation
    return exists().where(
        note.department_id == SignedDocument.department_id,
        note.doc_number_key == SignedDocument.doc_number_key,
        _known_by(note.imported_at, cutoff),
    )


def disclosure_counts(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    limit_days: int,
    cutoff: dt.datetime | None = None,
) -> dict[int, DisclosureCounts]:
    """Count verdicts per department over documents signed in [start, end], in SQL.

    Every city department (kind 'department') has an entry, zeros when it has no documents;
    a county with documents has one too.
    """
    doc = DisclosureDocument
    documents = (
        select(
            doc.department_id.label("department_id"),
            _identity().label("identity"),
            func.min(doc.lag_working_days).label("lag"),
        )
        .where(doc.attribution == "department", doc.department_id.is_not(None))
        .where(_in_period(start, end), _known_by(doc.first_seen_at, cutoff))
        .group_by(doc.department_id, _identity())
        .subquery()
    )
    lag = documents.c.lag
    published = session.execute(
        select(
            documents.c.department_id,
            func.count(),
            func.sum(case((lag <= limit_days, 1), else_=0)),
            func.sum(case((lag > limit_days, 1), else_=0)),
            func.sum(case((lag.is_(None), 1), else_=0)),
        ).group_by(documents.c.department_id)
    ).all()
    register = SignedDocument
    unpublished = session.execute(
        select(
            register.department_id,
            func.sum(case((_explanation_match(cutoff), 0), else_=1)),
            func.sum(case((_explanation_match(cutoff), 1), else_=0)),
        )
        .where(register.classified.is_(False), register.signed_on.between(start, end))
        .where(_known_by(register.imported_at, cutoff), ~_published_match(cutoff))
        .group_by(register.department_id)
    ).all()
    totals: dict[int, dict[str, int]] = {
        department_id: {}
        for department_id in session.scalars(
            select(Department.id).where(Department.kind == "department")
        )
    }
    for department_id, count, on_time, late, undated in published:
        totals.setdefault(department_id, {}).update(
            published=count, on_time=on_time or 0, late=late or 0, undated=undated or 0
        )
    for department_id, missing, explained in unpublished:
        totals.setdefault(department_id, {}).update(missing=missing or 0, explained=explained or 0)
    return {department_id: DisclosureCounts(**values) for department_id, values in totals.items()}


def document_verdicts(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    limit_days: int,
    department_id: int | None = None,
    cutoff: dt.datetime | None = None,
) -> list[DocumentVerdict]:
    """List each document signed in [start, end] with its verdict (the rows behind the counts)."""
    doc = DisclosureDocument
    query = (
        select(doc)
        .where(doc.attribution == "department", doc.department_id.is_not(None))
        .where(_in_period(start, end), _known_by(doc.first_seen_at, cutoff))
        .order_by(doc.department_id, doc.published_on, doc.id)
    )
    register_query = (
        select(SignedDocument, _explanation_match(cutoff).label("explained"))
        .where(SignedDocument.classified.is_(False))
        .where(SignedDocument.signed_on.between(start, end))
        .where(_known_by(SignedDocument.imported_at, cutoff), ~_published_match(cutoff))
        .order_by(SignedDocument.department_id, SignedDocument.signed_on, SignedDocument.id)
    )
    if department_id is not None:
        query = query.where(doc.department_id == department_id)
        register_query = register_query.where(SignedDocument.department_id == department_id)
    chosen: dict[tuple[int, str], DisclosureDocument] = {}
    for row in session.scalars(query):
        assert row.department_id is not None
        identity = (row.department_id, row.doc_number_key or row.url)
        best = chosen.get(identity)
        if best is None or _earlier(row, best):
            chosen[identity] = row
    verdicts = [_published_verdict(row, limit_days) for row in chosen.values()]
    for entry, explained in session.execute(register_query):
        verdicts.append(
            DocumentVerdict(
                department_id=entry.department_id,
                doc_number=entry.doc_number,
                doc_number_key=entry.doc_number_key,
                title=entry.title,
                signed_on=entry.signed_on,
                published_on=None,
                lag_working_days=None,
                status="explained" if explained else "missing",
                working_days_late=None,
                url=None,
                page_id=None,
            )
        )
    verdicts.sort(
        key=lambda v: (v.department_id, STATUSES.index(v.status), v.signed_on or dt.date.min)
    )
    return verdicts


def _earlier(row: DisclosureDocument, best: DisclosureDocument) -> bool:
    if best.lag_working_days is None:
        return row.lag_working_days is not None
    return row.lag_working_days is not None and row.lag_working_days < best.lag_working_days


def _published_verdict(row: DisclosureDocument, limit_days: int) -> DocumentVerdict:
    lag = row.lag_working_days
    if lag is None:
        status, late_by = "undated", None
    elif lag > limit_days:
        status, late_by = "late", lag - limit_days
    else:
        status, late_by = "on_time", 0
    assert row.department_id is not None
    return DocumentVerdict(
        department_id=row.department_id,
        doc_number=row.doc_number,
        doc_number_key=row.doc_number_key,
        title=row.title,
        signed_on=row.signed_on,
        published_on=row.published_on,
        lag_working_days=lag,
        status=status,
        working_days_late=late_by,
        url=row.url,
        page_id=row.page_id,
    )


def number_gaps(
    session: Session,
    *,
    year: int,
    department_id: int | None = None,
    cutoff: dt.datetime | None = None,
) -> list[NumberGap]:
    """List numbers missing between published numbers of each department's 文号 series.

    A series is one department, one prefix, one year. Numbers the register marks classified
    (涉密) or that have a 不予公开说明 are not candidates: their absence is accounted for.
    """
    doc = DisclosureDocument
    query = (
        select(doc.department_id, doc.doc_number_prefix, doc.doc_number_seq)
        .where(doc.attribution == "department", doc.department_id.is_not(None))
        .where(doc.doc_number_year == year, doc.doc_number_seq.is_not(None))
        .where(doc.doc_number_prefix.is_not(None), _known_by(doc.first_seen_at, cutoff))
        .distinct()
    )
    if department_id is not None:
        query = query.where(doc.department_id == department_id)
    series: dict[tuple[int, str], set[int]] = defaultdict(set)
    for dept, prefix, seq in session.execute(query):
        series[(dept, prefix)].add(seq)
    accounted = set(
        session.execute(
            select(SignedDocument.department_id, SignedDocument.doc_number_key).where(
                SignedDocument.classified.is_(True),
                _known_by(SignedDocument.imported_at, cutoff),
            )
        )
    ) | set(
        session.execute(
            select(
                NondisclosureExplanation.department_id, NondisclosureExplanation.doc_number_key
            ).where(_known_by(NondisclosureExplanation.imported_at, cutoff))
        )
    )
    gaps = []
    for (dept, prefix), numbers in sorted(series.items()):
        ordered = sorted(numbers)
        for previous, following in pairwise(ordered):
            for seq in range(previous + 1, following):
                gap = NumberGap(dept, prefix, year, seq, previous, following)
                if (dept, gap.doc_number_key) not in accounted:
                    gaps.append(gap)
    return gaps
