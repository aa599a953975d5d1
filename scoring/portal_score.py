"""The portal sub-score (门户网站, 8 points): unique posts per month against the tier quota.

Counting is one SQL aggregate: ``COUNT(DISTINCT identity_key)`` per department and
``published_month`` over posts attributed to a department (``attribution = 'department'``) and
first seen by the evidence cut-off. Then, per the rules file:

- month credit: ``min(1, posts / quota)`` (``proportional``) or 1 when posts >= quota, else 0
  (``all_or_nothing``);
- sub-score: average credit over the months assessed so far (January through the period's last
  month, each month that had ended by the cut-off) × the sub-item's points; a month whose crawl
  coverage is incomplete is left out of the average (``incomplete_months = exclude``) or counted
  as it stands (``include``), and is flagged either way;
- annual bonus (note 2): + ``annual_bonus_points`` once year-to-date posts reach the tier's
  threshold, the sub-item never above its maximum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.models import Department, PortalPost
from scoring.coverage import MonthCoverage
from scoring.periods import Period, months_ended_by
from scoring.rules import Rules

ZERO, ONE = Decimal(0), Decimal(1)


@dataclass(frozen=True)
class PostCount:
    posts: int
    backdated: int


@dataclass(frozen=True)
class MonthCredit:
    """One month of one department: posts against quota and the credit it earns."""

    month: str
    posts: int
    backdated: int
    quota: int
    credit: Decimal
    covered: bool
    counted: bool  # enters the average

    @property
    def shortfall(self) -> int:
        return max(0, self.quota - self.posts)


@dataclass(frozen=True)
class PortalScore:
    """The portal sub-score of one department as of a period's end."""

    department_id: int
    tier: int
    max_points: Decimal
    months: tuple[MonthCredit, ...]
    ytd_posts: int
    threshold: int
    bonus: Decimal
    average_credit: Decimal | None
    points: Decimal | None  # None: no month could be assessed

    @property
    def incomplete_months(self) -> tuple[str, ...]:
        return tuple(m.month for m in self.months if not m.covered)


def post_counts(
    session: Session,
    months: Iterable[str],
    cutoff: dt.datetime,
    department_ids: Iterable[int] | None = None,
) -> dict[tuple[int, str], PostCount]:
    """Count unique posts (and backdated ones) per (department, month) in one query."""
    backdated_key = case((PortalPost.backdated.is_(True), PortalPost.identity_key))
    query = (
        select(
            PortalPost.department_id,
            PortalPost.published_month,
            func.count(PortalPost.identity_key.distinct()),
            func.count(backdated_key.distinct()),
        )
        .where(
            PortalPost.attribution == "department",
            PortalPost.department_id.is_not(None),
            PortalPost.published_month.in_(list(months)),
            PortalPost.first_seen_at <= cutoff,
        )
        .group_by(PortalPost.department_id, PortalPost.published_month)
    )
    if department_ids is not None:
        query = query.where(PortalPost.department_id.in_(list(department_ids)))
    return {(d, m): PostCount(n, b) for d, m, n, b in session.execute(query)}


def month_credit(posts: int, quota: int, policy: str) -> Decimal:
    """The credit one month earns: proportional ``min(1, posts/quota)`` or all-or-nothing."""
    if quota <= 0:
        return ONE
    if policy == "all_or_nothing":
        return ONE if posts >= quota else ZERO
    return min(ONE, Decimal(posts) / Decimal(quota))


def portal_scores(
    session: Session,
    rules: Rules,
    period: Period,
    cutoff: dt.datetime,
    coverage: dict[str, MonthCoverage],
    department_ids: Iterable[int] | None = None,
    counts: dict[tuple[int, str], PostCount] | None = None,
) -> dict[int, PortalScore]:
    """Score every tiered department (or those given) as of ``period``'s last month.

    ``counts`` are the year-to-date :func:`post_counts` when the caller already has them.
    """
    policy = rules.portal
    max_points = rules.rubric_for("department").subitem(policy.subitem).points
    ytd = period.year_to_date()
    assessed = months_ended_by(ytd, cutoff)
    if counts is None:
        counts = post_counts(session, ytd, cutoff, department_ids)
    query = select(Department.id, Department.tier).where(
        Department.kind == "department", Department.tier.is_not(None)
    )
    if department_ids is not None:
        query = query.where(Department.id.in_(list(department_ids)))
    ytd_totals: dict[int, int] = {}
    for (department_id, _), count in counts.items():
        ytd_totals[department_id] = ytd_totals.get(department_id, 0) + count.posts
    scores = {}
    for department_id, tier in session.execute(query.order_by(Department.id)):
        quota = policy.monthly_quota[tier]
        months = []
        for month in assessed:
            count = counts.get((department_id, month), PostCount(0, 0))
            covered = coverage[month].complete if month in coverage else False
            months.append(
                MonthCredit(
                    month=month,
                    posts=count.posts,
                    backdated=count.backdated,
                    quota=quota,
                    credit=month_credit(count.posts, quota, policy.month_credit),
                    covered=covered,
                    counted=covered or policy.incomplete_months == "include",
                )
            )
        scores[department_id] = _score(
            department_id, tier, max_points, tuple(months), ytd_totals.get(department_id, 0), rules
        )
    return scores


def _score(
    department_id: int,
    tier: int,
    max_points: Decimal,
    months: tuple[MonthCredit, ...],
    ytd_posts: int,
    rules: Rules,
) -> PortalScore:
    threshold = rules.portal.annual_threshold[tier]
    bonus = rules.portal.annual_bonus_points if ytd_posts >= threshold else ZERO
    counted = [m.credit for m in months if m.counted]
    average = sum(counted, ZERO) / len(counted) if counted else None
    points = None if average is None else min(max_points, average * max_points + bonus)
    return PortalScore(
        department_id, tier, max_points, months, ytd_posts, threshold, bonus, average, points
    )
