"""One assessment step: the evidence as known at a cut-off, judged by the rules in force.

:func:`assess` runs each query once — crawl coverage, post counts, backdated posts, document
verdicts (lags counted on the calendar in force), analyst entries — and returns an
:class:`Assessment`: typed results per unit, with every state a report must show carried
explicitly rather than written into numbers. A month whose crawl coverage is not whole is
``complete = False`` and has no shortfall; a ranking with sub-items still missing is
``provisional`` and awards no prize (unless the rules allow it). Reports
(:mod:`scoring.reporting`) are pure functions of an Assessment; :mod:`scoring.api` stores them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.config import DEFAULT_HEARTBEAT_LIMIT
from db.models import Department, ManualScore, ReportKind
from db.models.base import values
from db.models.evidence import DocumentStatus
from db.models.registry import UnitKind
from db.workdays import WorkdayCalendar
from scoring.assessment.backdating import backdated_counts
from scoring.assessment.coverage import MonthCoverage, month_coverage
from scoring.assessment.disclosure_checks import (
    STATUSES,
    DisclosureCounts,
    DisclosureJudgement,
    DocumentVerdict,
    judge_disclosure,
)
from scoring.assessment.disclosure_score import DisclosureScore, score_counts
from scoring.assessment.gone import GoneEntry, gone_listed
from scoring.assessment.number_gaps import NumberGap
from scoring.assessment.periods import Period, month_start, months_ended_by
from scoring.assessment.portal_score import PortalScore, portal_score, post_counts
from scoring.assessment.ranking import Ranking, rank_units
from scoring.assessment.rectified import Rectified, accepted_rectifications
from scoring.assessment.totals import Unit, UnitTotal, unit_total
from scoring.entries.manual import SuggestionCredit, latest_entries, suggestion_credits
from scoring.rules import Rules

#: What a monthly report lists: every document but those on time or explained.
MONTHLY_LISTED = tuple(
    s for s in DocumentStatus if s not in (DocumentStatus.ON_TIME, DocumentStatus.EXPLAINED)
)


@dataclass(frozen=True)
class MonthPosts:
    """One department's posts in a month (the period's last, or each), against its quota."""

    month: str
    posts: int
    backdated: int
    quota: int
    complete: bool  # the month has ended and the portal crawl covered it whole
    ended: bool = True  # the month had ended by the cut-off

    @property
    def shortfall(self) -> int | None:
        """Posts missing to the quota; None (not a number) while the month is incomplete."""
        return max(0, self.quota - self.posts) if self.complete else None

    @property
    def state(self) -> str:
        """``not_over``, ``incomplete`` (not provable either way), ``met`` or ``short``."""
        if not self.ended:
            return "not_over"
        if not self.complete:
            return "incomplete"
        return "met" if self.posts >= self.quota else "short"


@dataclass(frozen=True)
class UnitMonth:
    """One unit in one month of the year to date (``assess(..., by_month=True)``)."""

    month: str
    posts: MonthPosts | None  # departments with a tier
    documents: DisclosureCounts  # signed that month, by verdict


@dataclass(frozen=True)
class UnitAssessment:
    """Everything assessed about one unit."""

    unit: Unit
    month: MonthPosts | None  # departments with a tier
    portal: PortalScore | None  # year to date through the period's end
    disclosure: DisclosureScore | None  # year to date; None when the unit has no documents
    month_documents: DisclosureCounts  # documents signed in the period's last month
    total: UnitTotal | None = None  # quarterly and annual assessments
    months: tuple[UnitMonth, ...] = ()  # each month of the year to date, when asked by_month


@dataclass(frozen=True)
class MissingEntry:
    """An assessed sub-item that has no points yet: an entry an analyst still has to make."""

    unit: str
    kind: str
    subitem: str
    name: str
    max_points: Decimal
    source: str  # not entered, not assessable

    def __str__(self) -> str:
        return f"{self.unit} {self.subitem} ({self.name}, {self.max_points} points, {self.source})"


@dataclass(frozen=True)
class Assessment:
    """The result of :func:`assess`; see the module docstring."""

    period: Period
    cutoff: dt.datetime
    rules: Rules
    units: tuple[UnitAssessment, ...]
    portal_coverage: Mapping[str, MonthCoverage]  # every month of the year to date
    disclosure_coverage: Mapping[str, MonthCoverage]
    documents: DisclosureJudgement
    listed_documents: tuple[DocumentVerdict, ...]
    rankings: Mapping[str, Ranking] = field(default_factory=dict)
    narrowed: bool = False  # assessed for some units only (an explanation), not for a report
    gone: tuple[GoneEntry, ...] = ()  # listed in the period's last month, page gone: for nobody
    rectified: Rectified = field(default_factory=Rectified)  # 整改 answers accepted by the cut-off

    @property
    def month(self) -> str:
        return self.period.last_month

    @property
    def month_complete(self) -> bool:
        return self.portal_coverage[self.month].complete

    @property
    def gaps(self) -> tuple[NumberGap, ...]:
        return self.documents.gaps

    @property
    def provisional(self) -> bool:
        """True while a ranking still misses points: its totals are not final."""
        return any(ranking.provisional for ranking in self.rankings.values())

    def units_of(self, kind: str) -> tuple[UnitAssessment, ...]:
        return tuple(u for u in self.units if u.unit.kind == kind)

    def unit(self, unit_id: int) -> UnitAssessment:
        for assessed in self.units:
            if assessed.unit.id == unit_id:
                return assessed
        raise KeyError(unit_id)

    def missing_entries(self) -> list[MissingEntry]:
        """Every assessed sub-item without points, unit by unit."""
        missing = []
        for assessed in self.units:
            total = assessed.total
            if total is None:
                continue
            names = {s.key: s.name for s in self.rules.rubric_for(total.kind).subitems()}
            missing += [
                MissingEntry(
                    total.short_name, total.kind, s.key, names[s.key], s.max_points, s.source
                )
                for s in total.subitems
                if s.points is None and s.source != "exempt"
            ]
        return missing


def assess(
    session: Session,
    rules: Rules,
    period: Period,
    cutoff: dt.datetime,
    *,
    departments: Collection[int] | None = None,
    calendar: WorkdayCalendar | None = None,
    by_month: bool = False,
    heartbeat_limit: dt.timedelta = DEFAULT_HEARTBEAT_LIMIT,
) -> Assessment:
    """Assess every unit (or only ``departments``) for ``period`` as known by ``cutoff``.

    Portal and disclosure sub-scores run over the year to date through the period's end.
    Quarterly and annual assessments add totals over the whole rubric and rankings. Listed
    documents (with their evidence) are those of the period's last month: for a monthly
    assessment the ones not disclosed on time, for a narrowed one (``departments``) all.
    ``by_month`` adds each unit's posts and documents month by month (the console's board).
    ``heartbeat_limit`` (``Settings.heartbeat_limit``) says when a run left running is dead.
    """
    narrowed = departments is not None
    periodic = period.kind != ReportKind.MONTHLY and not narrowed
    evidence = _read_evidence(
        session,
        rules,
        period,
        cutoff,
        departments,
        calendar=calendar,
        by_month=by_month,
        heartbeat_limit=heartbeat_limit,
        periodic=periodic,
    )
    assessed = [
        _assess_unit(rules, period, cutoff, unit, evidence, periodic=periodic, by_month=by_month)
        for unit in _units(session, departments)
    ]
    return Assessment(
        period=period,
        cutoff=cutoff,
        rules=rules,
        units=tuple(assessed),
        portal_coverage=evidence.portal_coverage,
        disclosure_coverage=evidence.disclosure_coverage,
        documents=evidence.judgement,
        listed_documents=evidence.judgement.listed,
        rankings=_rankings(rules, assessed) if periodic else {},
        narrowed=narrowed,
        gone=tuple(gone_listed(session, period.last_month, cutoff)),
        rectified=accepted_rectifications(session, cutoff, departments),
    )


@dataclass(frozen=True)
class _Evidence:
    """What an assessment reads from the database, each query once for every unit."""

    portal_coverage: Mapping[str, MonthCoverage]
    disclosure_coverage: Mapping[str, MonthCoverage]
    counts: Mapping[tuple[int, str], int]  # (unit, month) → unique posts
    backdated: Mapping[tuple[int, str], int]
    judgement: DisclosureJudgement
    entries: dict[tuple[int, str, str], ManualScore]  # analysts' latest (periodic assessments)
    suggestions: Mapping[int, SuggestionCredit]
    assessed_months: tuple[str, ...]  # months of the year to date ended by the cut-off


def _read_evidence(
    session: Session,
    rules: Rules,
    period: Period,
    cutoff: dt.datetime,
    departments: Collection[int] | None,
    *,
    calendar: WorkdayCalendar | None,
    by_month: bool,
    heartbeat_limit: dt.timedelta,
    periodic: bool,
) -> _Evidence:
    narrowed = departments is not None
    ytd = period.year_to_date()
    judgement = judge_disclosure(
        session,
        start=dt.date(period.year, 1, 1),
        end=period.last_day,
        limit_days=rules.disclosure.limit_working_days,
        cutoff=cutoff,
        calendar=calendar,
        departments=departments,
        month_start=month_start(period.last_month),
        list_statuses=STATUSES if narrowed else () if periodic else MONTHLY_LISTED,
        gaps_year=period.year if periodic or narrowed else None,
        by_month=by_month,
    )
    return _Evidence(
        portal_coverage=month_coverage(session, "portal", ytd, cutoff, heartbeat_limit),
        disclosure_coverage=month_coverage(session, "disclosure", ytd, cutoff, heartbeat_limit),
        counts=post_counts(session, ytd, cutoff, departments),
        backdated=backdated_counts(
            session, ytd, cutoff, rules.portal.backdating_margin, departments
        ),
        judgement=judgement,
        entries=latest_entries(session, period.label, departments) if periodic else {},
        suggestions=suggestion_credits(session, rules, period) if periodic else {},
        assessed_months=months_ended_by(ytd, cutoff),
    )


def _assess_unit(
    rules: Rules,
    period: Period,
    cutoff: dt.datetime,
    unit: Unit,
    evidence: _Evidence,
    *,
    periodic: bool,
    by_month: bool,
) -> UnitAssessment:
    portal, month = _portal_of(rules, period, cutoff, unit, evidence)
    disclosure = _disclosure_of(rules, unit, evidence)
    total = None
    if periodic:
        credit = evidence.suggestions.get(unit.id)
        total = unit_total(rules, unit, evidence.entries, portal, disclosure, credit)
    months: tuple[UnitMonth, ...] = ()
    if by_month:
        months = _unit_months(
            rules,
            unit,
            period.year_to_date(),
            evidence.assessed_months,
            evidence.portal_coverage,
            evidence.counts,
            evidence.backdated,
            evidence.judgement,
        )
    month_documents = evidence.judgement.month.get(unit.id, DisclosureCounts())
    return UnitAssessment(unit, month, portal, disclosure, month_documents, total, months)


def _portal_of(
    rules: Rules, period: Period, cutoff: dt.datetime, unit: Unit, evidence: _Evidence
) -> tuple[PortalScore | None, MonthPosts | None]:
    """The portal sub-score of the year to date and the period's last month: tiered units only."""
    if unit.kind != UnitKind.DEPARTMENT or unit.tier is None:
        return None, None
    portal = portal_score(
        rules,
        period,
        cutoff,
        unit.id,
        unit.tier,
        evidence.portal_coverage,
        evidence.counts,
        evidence.backdated,
        evidence.assessed_months,
    )
    last = period.last_month
    month = MonthPosts(
        last,
        evidence.counts.get((unit.id, last), 0),
        evidence.backdated.get((unit.id, last), 0),
        rules.portal.monthly_quota[unit.tier],
        evidence.portal_coverage[last].complete,
        last in evidence.assessed_months,
    )
    return portal, month


def _disclosure_of(rules: Rules, unit: Unit, evidence: _Evidence) -> DisclosureScore | None:
    """The disclosure sub-score of the year to date; a department without documents has one."""
    documents = evidence.judgement.ytd.get(unit.id)
    if documents is None and unit.kind == UnitKind.DEPARTMENT:
        documents = DisclosureCounts()
    return score_counts(unit.id, documents, rules) if documents is not None else None


def _rankings(rules: Rules, assessed: list[UnitAssessment]) -> dict[str, Ranking]:
    """Departments and counties ranked apart, each with the units that have a total."""
    rankings = {}
    for kind in values(UnitKind):
        totals = [a.total for a in assessed if a.unit.kind == kind and a.total is not None]
        if totals:
            rankings[kind] = rank_units(rules, kind, totals)
    return rankings


def _unit_months(
    rules: Rules,
    unit: Unit,
    ytd: tuple[str, ...],
    ended: tuple[str, ...],
    coverage: Mapping[str, MonthCoverage],
    counts: Mapping[tuple[int, str], int],
    backdated: Mapping[tuple[int, str], int],
    judgement: DisclosureJudgement,
) -> tuple[UnitMonth, ...]:
    """The unit's months of the year to date, from the counts the assessment already has."""
    months = []
    for month in ytd:
        posts = None
        if unit.kind == UnitKind.DEPARTMENT and unit.tier is not None:
            key = (unit.id, month)
            posts = MonthPosts(
                month,
                counts.get(key, 0),
                backdated.get(key, 0),
                rules.portal.monthly_quota[unit.tier],
                coverage[month].complete,
                month in ended,
            )
        documents = judgement.by_month.get((unit.id, month), DisclosureCounts())
        months.append(UnitMonth(month, posts, documents))
    return tuple(months)


def _units(session: Session, departments: Collection[int] | None) -> list[Unit]:
    d = Department
    query = select(
        d.id,
        d.short_name,
        d.full_name,
        d.kind,
        d.tier,
        d.is_liaison_office,
        d.is_financial_institution,
        d.is_city_enterprise,
        d.has_no_approval_items,
    ).order_by(d.kind.desc(), d.tier, d.id)  # departments first, by tier (档)
    if departments is not None:
        query = query.where(d.id.in_(list(departments)))
    return [Unit(*row) for row in session.execute(query)]
