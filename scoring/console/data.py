"""Every number the console shows, taken from the assessment through this one module.

The console computes no score, count or verdict itself: the board, a department's months, the
document verdicts, the year's totals, the provisional ranking and what the annual ranking still
lacks all come from :func:`scoring.assessment.assess` (one call per page, with the rules in
force and an evidence cut-off of "now"); a department's month adds the evidence that
``scoring explain`` shows (:func:`scoring.api.explain_with`); reports are published and
re-printed through :mod:`scoring.api`, so the console and the command line store the same runs.
Backdated posts are read through :mod:`scoring.assessment.backdating`, 文号 gaps through
:mod:`scoring.assessment.number_gaps`.

``scope`` everywhere is the set of department ids a user may see (``None``: all of them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Department, DisclosureDocument, ManualScore, PortalPost
from scoring.api import PublishedRun, explain_with, publish_with, stored_run
from scoring.assessment.assess import Assessment, MonthPosts, UnitAssessment, assess
from scoring.assessment.backdating import backdated_posts
from scoring.assessment.backdating import witnesses as backdating_witnesses
from scoring.assessment.coverage import MonthCoverage
from scoring.assessment.disclosure_checks import DisclosureCounts, DocumentVerdict
from scoring.assessment.number_gaps import NumberGap, number_gaps
from scoring.assessment.periods import (
    Period,
    months_ended_by,
    parse_month,
    parse_period,
    parse_year,
)
from scoring.assessment.ranking import RankedUnit, Ranking
from scoring.assessment.totals import SubItemPoints, UnitTotal
from scoring.entries.manual import SuggestionCredit, add_entry
from scoring.reporting.render import REPORT_FORMATS
from scoring.rules import Rules
from scoring.runs import list_runs

__all__ = [
    "REPORT_FORMATS",
    "Board",
    "BoardCell",
    "BoardRow",
    "DepartmentMonth",
    "DocumentVerdict",
    "NumberGap",
    "PublishedRun",
    "Readiness",
    "add_entry",
    "assess_year",
    "backdated_posts",
    "backdating_witnesses",
    "board",
    "department_month",
    "department_names",
    "departments",
    "entries",
    "gap_candidates",
    "gap_neighbours",
    "list_runs",
    "not_ended",
    "parse_report_period",
    "publish_report",
    "readiness",
    "stored_run",
    "suggestions",
    "years_with_evidence",
]


def assess_year(
    session: Session,
    rules: Rules,
    year: int,
    cutoff: dt.datetime,
    scope: set[int] | None = None,
    *,
    by_month: bool = False,
) -> Assessment:
    """The year to date: the totals and ranking, and ``by_month`` each unit's months (the board).

    With a ``scope`` the assessment is narrowed to those units (a liaison's board): it then has
    no totals or ranking, which are the whole city's.
    """
    period = parse_year(str(year))
    return assess(session, rules, period, cutoff, departments=scope, by_month=by_month)


# --- the board (看板) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardCell:
    """One department in one month: posts against quota, documents by verdict, coverage."""

    posts: MonthPosts
    documents: DisclosureCounts
    disclosure_covered: bool

    @property
    def month(self) -> str:
        return self.posts.month

    @property
    def state(self) -> str:
        """not_over, incomplete (a crawler fault: not provable), met or short."""
        return self.posts.state


@dataclass(frozen=True)
class BoardRow:
    assessed: UnitAssessment
    cells: tuple[BoardCell, ...]

    @property
    def department_id(self) -> int:
        return self.assessed.unit.id

    @property
    def short_name(self) -> str:
        return self.assessed.unit.short_name

    @property
    def tier(self) -> int:
        assert self.assessed.unit.tier is not None
        return self.assessed.unit.tier

    @property
    def ytd_posts(self) -> int:
        return self.assessed.portal.ytd_posts if self.assessed.portal else 0

    @property
    def threshold(self) -> int | None:
        return self.assessed.portal.threshold if self.assessed.portal else None

    @property
    def portal_points(self) -> Decimal | None:
        return self.assessed.portal.points if self.assessed.portal else None

    @property
    def overrides(self) -> list[SubItemPoints]:
        """The year's sub-items an analyst's entry replaced or adjusted (none in a liaison's
        narrowed assessment, which has no totals)."""
        total = self.assessed.total
        if total is None:
            return []
        return [
            s for s in total.subitems if s.source.startswith("override") or "adjustment" in s.source
        ]

    @property
    def shortfall(self) -> int:
        """Posts short of quota over the months that ended and were crawled whole.

        A month the crawler did not cover has no shortfall: not provable either way.
        """
        return sum(c.posts.shortfall or 0 for c in self.cells)


@dataclass(frozen=True)
class Board:
    year: int
    months: tuple[str, ...]
    rows: list[BoardRow]
    portal_coverage: dict[str, MonthCoverage]
    disclosure_coverage: dict[str, MonthCoverage]


def board(assessment: Assessment, scope: set[int] | None) -> Board:
    """Tiered departments × months of the year (:func:`assess_year` ``by_month``)."""
    period = assessment.period
    disclosure_covered = {m: c.complete for m, c in assessment.disclosure_coverage.items()}
    rows = []
    for assessed in assessment.units_of("department"):
        if assessed.unit.tier is None or (scope is not None and assessed.unit.id not in scope):
            continue
        cells = tuple(
            BoardCell(m.posts, m.documents, disclosure_covered[m.month])
            for m in assessed.months
            if m.posts is not None
        )
        rows.append(BoardRow(assessed, cells))
    return Board(
        period.year,
        period.months,
        rows,
        dict(assessment.portal_coverage),
        dict(assessment.disclosure_coverage),
    )


# --- a department's month -----------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentMonth:
    """One unit's month as ``scoring explain`` shows it: posts, documents and 文号 gaps."""

    month: str
    posts: tuple[dict[str, Any], ...]  # each post, counted or not, with its stored page
    documents: tuple[DocumentVerdict, ...]  # every document signed that month, with its verdict
    gaps: tuple[NumberGap, ...]  # the year's gaps in the unit's 文号 series


def department_month(
    session: Session, rules: Rules, unit_id: int, month: str, cutoff: dt.datetime
) -> DepartmentMonth:
    assessment, evidence = explain_with(session, rules, unit_id, parse_month(month), cutoff)
    return DepartmentMonth(
        month,
        evidence.posts,
        tuple(v for v in assessment.listed_documents if v.department_id == unit_id),
        assessment.gaps,
    )


def gap_candidates(
    session: Session, year: int, cutoff: dt.datetime, department_id: int | None = None
) -> list[NumberGap]:
    """文号 numbers missing from published series: candidates for review, never scored alone."""
    return number_gaps(session, year=year, department_id=department_id, cutoff=cutoff)


def gap_neighbours(session: Session, gap: NumberGap) -> tuple[tuple[str, int], ...]:
    """The stored pages of the documents numbered just before and after a 文号 gap."""
    doc = DisclosureDocument
    found = session.execute(
        select(doc.doc_number_seq, doc.doc_number, doc.page_id)
        .where(
            doc.department_id == gap.department_id,
            doc.doc_number_prefix == gap.prefix,
            doc.doc_number_year == gap.year,
            doc.doc_number_seq.in_((gap.previous_seq, gap.next_seq)),
            doc.page_id.is_not(None),
        )
        .order_by(doc.doc_number_seq, doc.id)
    ).all()
    return tuple((number or f"{seq}号", page_id) for seq, number, page_id in found)


# --- entries, suggestions and what the annual ranking lacks ----------------------------------


def suggestions(assessment: Assessment) -> dict[int, SuggestionCredit]:
    """Note 3 credits per unit for the year (+0.5 each, capped), as the totals count them."""
    return {
        a.unit.id: a.total.suggestion
        for a in assessment.units
        if a.total is not None and a.total.suggestion is not None
    }


@dataclass(frozen=True)
class Readiness:
    """What still stands between the year's provisional totals and a final annual ranking."""

    year: int
    units: list[UnitTotal]
    rankings: dict[str, Ranking]
    incomplete_portal_months: list[str]
    incomplete_disclosure_months: list[str]
    months_not_ended: list[str]
    scope: frozenset[int] | None

    @property
    def units_missing_entries(self) -> list[UnitTotal]:
        return [u for u in self.units if u.missing]

    @property
    def provisional(self) -> bool:
        return any(r.provisional for r in self.rankings.values())

    def ranked(self, kind: str) -> list[RankedUnit]:
        """The ranking of ``kind`` as far as the user may see it."""
        ranking = self.rankings.get(kind)
        if ranking is None:
            return []
        return [
            e for e in ranking.entries if self.scope is None or e.unit.department_id in self.scope
        ]

    @property
    def final(self) -> bool:
        return not (
            self.units_missing_entries
            or self.provisional
            or self.incomplete_portal_months
            or self.incomplete_disclosure_months
            or self.months_not_ended
        )


def readiness(assessment: Assessment, scope: set[int] | None) -> Readiness:
    """The year's totals as they stand (whole city), with what is still missing."""
    period = assessment.period
    units = [
        a.total
        for a in assessment.units
        if a.total is not None and (scope is None or a.unit.id in scope)
    ]
    ended = set(months_ended_by(period.months, assessment.cutoff))
    return Readiness(
        year=period.year,
        units=sorted(units, key=lambda u: (u.kind, u.tier or 0, u.short_name)),
        rankings=dict(assessment.rankings),
        incomplete_portal_months=[
            m for m, c in assessment.portal_coverage.items() if not c.complete
        ],
        incomplete_disclosure_months=[
            m for m, c in assessment.disclosure_coverage.items() if not c.complete
        ],
        months_not_ended=[m for m in period.months if m not in ended],
        scope=frozenset(scope) if scope is not None else None,
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


# --- reports ------------------------------------------------------------------------------------


def publish_report(
    session: Session, rules: Rules, period: Period, cutoff: dt.datetime, by: str
) -> PublishedRun:
    """Compute a report and store it as a score run, as ``scoring <kind>`` does."""
    return publish_with(session, rules, period, cutoff, by)


def not_ended(period: Period, now: dt.datetime) -> bool:
    """Whether some month of ``period`` is not over at ``now``: no final report can be made."""
    return months_ended_by(period.months, now) != period.months


def parse_report_period(kind: str, label: str) -> Period:
    """A period of the right kind for a report: a month, a quarter or a year."""
    period = parse_period(label)
    if period.kind != kind:
        raise ValueError(f"{label!r} is not a {kind} period (e.g. 2012-03, 2012Q1, 2012)")
    return period


# --- review queues and pickers ------------------------------------------------------------------


def departments(session: Session, scope: set[int] | None = None) -> list[Department]:
    """Every unit a user may see, in the one order of every page and picker: departments
    before counties, by tier (untiered last), then as registered."""
    query = select(Department).order_by(
        Department.kind.desc(), Department.tier.is_(None), Department.tier, Department.id
    )
    if scope is not None:
        query = query.where(Department.id.in_(scope))
    return list(session.scalars(query))


def department_names(session: Session) -> dict[int, str]:
    """Short name (简称) by id, for the pages that name units."""
    return dict(session.execute(select(Department.id, Department.short_name)).all())  # type: ignore[arg-type]


def years_with_evidence(session: Session) -> list[int]:
    """The years that have portal posts, newest first (for the year pickers)."""
    months: Iterable[str] = session.scalars(select(PortalPost.published_month).distinct())
    return sorted({int(m[:4]) for m in months if m}, reverse=True)
