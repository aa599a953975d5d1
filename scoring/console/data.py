"""Every number the console shows, taken from the scoring package through this one module.

The console never computes a score itself: the board, a department's months, the document
verdicts, the 文号 gaps, the year's totals and the reports all come from the scoring functions
called here, with the same rules file and an evidence cut-off of "now". When the scoring package
offers one assessment call, only this module changes.

``scope`` everywhere is the set of department ids a user may see (``None``: all of them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Department, FetchedPage, ManualScore, PortalPost
from scoring.coverage import MonthCoverage, month_coverage
from scoring.disclosure_checks import (
    DisclosureCounts,
    DocumentVerdict,
    NumberGap,
    disclosure_counts,
    document_verdicts,
    number_gaps,
)
from scoring.manual import SuggestionCredit, add_entry, suggestion_credits
from scoring.periods import (
    SHANGHAI,
    Period,
    month_end,
    month_start,
    months_ended_by,
    parse_period,
    parse_year,
)
from scoring.portal_score import PostCount, portal_scores, post_counts
from scoring.reporting.model import Report
from scoring.reporting.render import REPORT_FORMATS, render
from scoring.rules import Rules
from scoring.runs import list_runs, load_run, store_run
from scoring.totals import UnitTotal, compute_totals

__all__ = [
    "REPORT_FORMATS",
    "Board",
    "BoardCell",
    "BoardRow",
    "DocumentVerdict",
    "NumberGap",
    "PostRow",
    "Readiness",
    "add_entry",
    "board",
    "build_report",
    "document_verdicts_for",
    "entries",
    "gap_candidates",
    "list_runs",
    "load_run",
    "month_posts",
    "parse_report_period",
    "publish_report",
    "readiness",
    "render",
    "suggestions",
    "years_with_evidence",
]


@dataclass(frozen=True)
class BoardCell:
    """One department in one month: posts against quota, documents by verdict, coverage."""

    month: str
    posts: int
    quota: int
    backdated: int
    assessed: bool  # the month had ended by the cut-off
    portal_covered: bool
    documents: DisclosureCounts
    disclosure_covered: bool

    @property
    def shortfall(self) -> int:
        return max(0, self.quota - self.posts)


@dataclass(frozen=True)
class BoardRow:
    department_id: int
    short_name: str
    tier: int
    cells: tuple[BoardCell, ...]
    ytd_posts: int
    threshold: int
    portal_points: Decimal | None

    @property
    def shortfall(self) -> int:
        """Posts short of quota over the months that ended and were crawled whole.

        A month the crawler did not cover is not provable either way and adds nothing.
        """
        return sum(c.shortfall for c in self.cells if c.assessed and c.portal_covered)


@dataclass(frozen=True)
class Board:
    year: int
    months: tuple[str, ...]
    rows: list[BoardRow]
    portal_coverage: dict[str, MonthCoverage]
    disclosure_coverage: dict[str, MonthCoverage]


def board(
    session: Session, rules: Rules, year: int, cutoff: dt.datetime, scope: set[int] | None
) -> Board:
    """Departments × months of ``year``: the board (看板)."""
    period = parse_year(str(year))
    months = period.months
    units = _tiered_departments(session, scope)
    ids = [u.id for u in units]
    counts = post_counts(session, months, cutoff, ids)
    portal_cov = month_coverage(session, "portal", months, cutoff)
    disclosure_cov = month_coverage(session, "disclosure", months, cutoff)
    scores = portal_scores(session, rules, period, cutoff, portal_cov, ids, counts=counts)
    limit = rules.disclosure.limit_working_days
    documents = {
        month: disclosure_counts(
            session,
            start=month_start(month),
            end=month_end(month),
            limit_days=limit,
            cutoff=cutoff,
        )
        for month in months
    }
    assessed = set(months_ended_by(months, cutoff))
    rows = []
    for unit in units:
        assert unit.tier is not None
        quota = rules.portal.monthly_quota[unit.tier]
        cells = tuple(
            BoardCell(
                month=month,
                posts=counts.get((unit.id, month), PostCount(0, 0)).posts,
                quota=quota,
                backdated=counts.get((unit.id, month), PostCount(0, 0)).backdated,
                assessed=month in assessed,
                portal_covered=portal_cov[month].complete,
                documents=documents[month].get(unit.id, DisclosureCounts()),
                disclosure_covered=disclosure_cov[month].complete,
            )
            for month in months
        )
        score = scores.get(unit.id)
        rows.append(
            BoardRow(
                department_id=unit.id,
                short_name=unit.short_name,
                tier=unit.tier,
                cells=cells,
                ytd_posts=sum(c.posts for c in cells),
                threshold=rules.portal.annual_threshold[unit.tier],
                portal_points=score.points if score else None,
            )
        )
    return Board(year, months, rows, portal_cov, disclosure_cov)


def _tiered_departments(session: Session, scope: set[int] | None) -> list[Department]:
    query = (
        select(Department)
        .where(Department.kind == "department", Department.tier.is_not(None))
        .order_by(Department.tier, Department.id)
    )
    if scope is not None:
        query = query.where(Department.id.in_(scope))
    return list(session.scalars(query))


@dataclass(frozen=True)
class PostRow:
    """A post of a department's month, and whether it counted (the first of its identity)."""

    id: int
    title: str
    published_at: dt.datetime
    url: str
    counted: str  # yes, duplicate, after cut-off
    backdated: bool
    page_id: int
    sha256: str
    fetched_at: dt.datetime
    first_seen_at: dt.datetime


def month_posts(
    session: Session, department_id: int, month: str, cutoff: dt.datetime
) -> list[PostRow]:
    """The posts credited to a department in a month, as the portal count sees them."""
    rows = session.execute(
        select(PortalPost, FetchedPage.sha256, FetchedPage.fetched_at)
        .join(FetchedPage, FetchedPage.id == PortalPost.page_id)
        .where(
            PortalPost.department_id == department_id,
            PortalPost.attribution == "department",
            PortalPost.published_month == month,
        )
        .order_by(PortalPost.published_at, PortalPost.id)
    ).all()
    seen: set[str] = set()
    out = []
    for post, sha256, fetched_at in rows:
        if post.first_seen_at > cutoff:
            counted = "after cut-off"
        elif post.identity_key in seen:
            counted = "duplicate"
        else:
            counted = "yes"
            seen.add(post.identity_key)
        out.append(
            PostRow(
                id=post.id,
                title=post.title,
                published_at=post.published_at.astimezone(SHANGHAI),
                url=post.canonical_url,
                counted=counted,
                backdated=post.backdated,
                page_id=post.page_id,
                sha256=sha256,
                fetched_at=fetched_at,
                first_seen_at=post.first_seen_at,
            )
        )
    return out


def document_verdicts_for(
    session: Session,
    rules: Rules,
    start: dt.date,
    end: dt.date,
    cutoff: dt.datetime,
    department_id: int | None = None,
) -> list[DocumentVerdict]:
    """Documents signed in [start, end] with their verdict (on time, late, missing…)."""
    return document_verdicts(
        session,
        start=start,
        end=end,
        limit_days=rules.disclosure.limit_working_days,
        department_id=department_id,
        cutoff=cutoff,
    )


def gap_candidates(
    session: Session, year: int, cutoff: dt.datetime, department_id: int | None = None
) -> list[NumberGap]:
    """文号 numbers missing from published series: candidates for review, never scored alone."""
    return number_gaps(session, year=year, department_id=department_id, cutoff=cutoff)


def suggestions(session: Session, rules: Rules, year: int) -> dict[int, SuggestionCredit]:
    """Note 3 credits per department for the year (+0.5 each, capped)."""
    return suggestion_credits(session, rules, parse_year(str(year)))


@dataclass(frozen=True)
class Readiness:
    """What still stands between the year's provisional totals and a final annual ranking."""

    year: int
    units: list[UnitTotal]
    incomplete_portal_months: list[str]
    incomplete_disclosure_months: list[str]
    months_not_ended: list[str]

    @property
    def units_missing_entries(self) -> list[UnitTotal]:
        return [u for u in self.units if u.missing]

    @property
    def final(self) -> bool:
        return not (
            self.units_missing_entries
            or self.incomplete_portal_months
            or self.incomplete_disclosure_months
            or self.months_not_ended
        )


def readiness(
    session: Session, rules: Rules, year: int, cutoff: dt.datetime, scope: set[int] | None
) -> Readiness:
    """Totals of the year as they stand, with the sub-items and months still missing."""
    period = parse_year(str(year))
    portal_cov = month_coverage(session, "portal", period.months, cutoff)
    disclosure_cov = month_coverage(session, "disclosure", period.months, cutoff)
    units: list[UnitTotal] = []
    for kind in ("department", "county"):
        units += compute_totals(session, rules, period, cutoff, kind, portal_cov)
    if scope is not None:
        units = [u for u in units if u.department_id in scope]
    ended = set(months_ended_by(period.months, cutoff))
    return Readiness(
        year=year,
        units=sorted(units, key=lambda u: (u.kind, u.tier or 0, u.short_name)),
        incomplete_portal_months=[m for m, c in portal_cov.items() if not c.complete],
        incomplete_disclosure_months=[m for m, c in disclosure_cov.items() if not c.complete],
        months_not_ended=[m for m in period.months if m not in ended],
    )


def entries(
    session: Session, scope: set[int] | None, department_id: int | None = None
) -> list[ManualScore]:
    """The analysts' entry log (人工评分), newest first."""
    query = select(ManualScore).order_by(ManualScore.id.desc())
    if scope is not None:
        query = query.where(ManualScore.department_id.in_(scope))
    if department_id is not None:
        query = query.where(ManualScore.department_id == department_id)
    return list(session.scalars(query.limit(500)))


def build_report(
    session: Session, rules: Rules, period: Period, cutoff: dt.datetime
) -> tuple[Report, dict[int, dict[str, tuple[Decimal | None, dict[str, object]]]]]:
    """Compute the monthly report, the quarterly bulletin or the annual assessment."""
    from scoring.reporting.monthly import monthly_report
    from scoring.reporting.periodic import periodic_report

    build = monthly_report if period.kind == "monthly" else periodic_report
    return build(session, rules, period, cutoff)  # type: ignore[return-value]


def publish_report(
    session: Session, rules: Rules, period: Period, cutoff: dt.datetime, by: str
) -> int:
    """Compute a report and store it as a score run; return the run's id."""
    report, results = build_report(session, rules, period, cutoff)
    return store_run(session, rules, report, results, cutoff, by).id  # type: ignore[arg-type]


def parse_report_period(kind: str, label: str) -> Period:
    """A period of the right kind for a report: a month, a quarter or a year."""
    period = parse_period(label)
    if period.kind != kind:
        raise ValueError(f"{label!r} is not a {kind} period (e.g. 2012-03, 2012Q1, 2012)")
    return period


def years_with_evidence(session: Session) -> list[int]:
    """The years that have portal posts, newest first (for the year pickers)."""
    months: Iterable[str] = session.scalars(select(PortalPost.published_month).distinct())
    return sorted({int(m[:4]) for m in months if m}, reverse=True)
