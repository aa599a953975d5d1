"""政务公开年报: the previous year's annual disclosure report listed by 31 January.

The report is looked for among the items stored from the site's columns of the rules'
``annual_report.category`` (posts listed there, or disclosure documents of those columns),
titled as the rules say, first seen by the end of the inspection day. Before the deadline a
missing report is ``ok`` (not due) or, from ``warn_from``, a ``warning``. After it, a report
dated on or before the deadline is ``ok``, a later one a deduction; no report at all is a
deduction only when the column was walked whole, recently, after the deadline: otherwise
``not provable``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import DisclosureDocument, PortalPost, PostListing
from scoring.inspection.columns import ColumnState
from scoring.inspection.verdict import (
    NOT_PROVABLE,
    OK,
    WARNING,
    Indicator,
    InspectionDay,
    local_date,
)
from scoring.rules.national_model import AnnualReportRule, NationalRules


@dataclass(frozen=True)
class ReportItem:
    title: str
    published_on: dt.date
    url: str


def annual_report_indicator(
    session: Session,
    rules: NationalRules,
    site_id: int,
    states: list[ColumnState],
    day: InspectionDay,
) -> Indicator:
    rule = rules.annual_report
    year = day.day.year
    deadline, report_year = rule.deadline_in(year), year - 1
    common = {
        "key": rule.key,
        "name": rule.name,
        "kind": rule.kind,
        "threshold": f"by {deadline}",
        "warn_at": f"from {rule.warn_from_in(year)}",
    }
    columns = [s for s in states if s.category == rule.category]
    if not columns:
        evidence = f"the site profile has no column of category {rule.category}"
        return Indicator(**common, value="-", status=NOT_PROVABLE, evidence=evidence)
    items = [
        item
        for item in _items(session, site_id, [c.column_id for c in columns], day)
        if rule.is_report_title(item.title, report_year)
    ]
    if items:
        return _published(common, rule, min(items, key=lambda item: item.published_on), deadline)
    return _not_published(common, rule, columns, day, deadline, report_year)


def _published(
    common: dict[str, str], rule: AnnualReportRule, first: ReportItem, deadline: dt.date
) -> Indicator:
    """Judge the report by its first listing: on time, or late."""
    seen = f"{first.title}, dated {first.published_on}: {first.url}"
    if first.published_on <= deadline:
        return Indicator(
            **common, value=f"published {first.published_on}", status=OK, evidence=seen
        )
    return Indicator(
        **common,
        value=f"published late {first.published_on}",
        status=rule.kind,
        evidence=seen,
        points=rule.points_each,
    )


def _not_published(
    common: dict[str, str],
    rule: AnnualReportRule,
    columns: list[ColumnState],
    day: InspectionDay,
    deadline: dt.date,
    report_year: int,
) -> Indicator:
    """No report listed: not due yet, not provable (columns not read whole), or missing."""
    year = day.day.year
    names = ", ".join(c.key for c in columns)
    if day.day <= deadline:
        status = WARNING if day.day >= rule.warn_from_in(year) else OK
        evidence = f"no {report_year} report in {names} yet; due by {deadline}"
        return Indicator(**common, value="not yet published", status=status, evidence=evidence)
    walked = [
        c
        for c in columns
        if c.status != NOT_PROVABLE and c.walked_at and local_date(c.walked_at) > deadline
    ]
    if len(walked) < len(columns):
        evidence = f"no {report_year} report found, but {names} not walked whole and recently"
        return Indicator(**common, value="not found", status=NOT_PROVABLE, evidence=evidence)
    pages = "; ".join(f"{c.key}: {c.evidence}" for c in walked)
    return Indicator(
        **common,
        value="not published",
        status=rule.kind,
        evidence=f"no {report_year} report listed in {pages}",
        points=rule.points_each,
    )


def _items(
    session: Session, site_id: int, column_ids: list[int], day: InspectionDay
) -> list[ReportItem]:
    """Items stored from these columns by the end of the day: posts and documents."""
    listed = select(PostListing.post_id).where(PostListing.column_id.in_(column_ids))
    posts = session.execute(
        select(PortalPost.title, PortalPost.published_at, PortalPost.canonical_url)
        .where(PortalPost.site_id == site_id, PortalPost.first_seen_at < day.end)
        .where(or_(PortalPost.column_id.in_(column_ids), PortalPost.id.in_(listed)))
    ).all()
    documents = session.execute(
        select(DisclosureDocument.title, DisclosureDocument.published_on, DisclosureDocument.url)
        .where(DisclosureDocument.site_id == site_id, DisclosureDocument.column_id.in_(column_ids))
        .where(DisclosureDocument.first_seen_at < day.end)
        .where(DisclosureDocument.published_on.is_not(None))
    ).all()
    return [ReportItem(t, local_date(p), u) for t, p, u in posts] + [
        ReportItem(t, p, u) for t, p, u in documents
    ]
