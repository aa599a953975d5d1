"""The portal sub-score (门户网站, 8 points): unique posts per month against the tier quota.

Counting is one SQL aggregate (:func:`post_counts`): ``COUNT(DISTINCT identity_key)`` per
department and ``published_month`` over posts attributed to a department (``attribution =
'department'``) and first seen by the evidence cut-off. Then, per the rules file:

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
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Attribution, PortalPost
from scoring.assessment.coverage import MonthCoverage
from scoring.assessment.periods import Period, months_ended_by
from scoring.bulk import fetch_tuples
from scoring.rules import Rules

ZERO, ONE = Decimal(0), Decimal(1)


@dataclass(slots=True)  # 24,000 of them at province scale: no frozen-init cost
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
    def shortfall(self) -> int | None:
        """Posts missing to the quota; None while the month's evidence is incomplete."""
        return max(0, self.quota - self.posts) if self.covered else None


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


def post_count_query(months: Iterable[str], cutoff: dt.datetime):  # type: ignore[no-untyped-def]
    """The single GROUP BY behind every post count (the benchmark's yardstick too)."""
    post = PortalPost
    return (
        select(
            post.department_id,
            post.published_month,
            func.count(post.identity_key.distinct()),
        )
        .where(
            post.attribution == Attribution.DEPARTMENT,
            post.department_id.is_not(None),
            post.published_month.in_(list(months)),
            post.first_seen_at <= cutoff,
        )
        .group_by(post.department_id, post.published_month)
    )


def post_counts(
    session: Session,
    months: Iterable[str],
    cutoff: dt.datetime,
    department_ids: Collection[int] | None = None,
) -> dict[tuple[int, str], int]:
    """Count unique posts per (department, month) in one query."""
    query = post_count_query(months, cutoff)
    if department_ids is not None:
        query = query.where(PortalPost.department_id.in_(list(department_ids)))
    return {(d, m): n for d, m, n in fetch_tuples(session, query)}


@cache  # 24,000 department-months at province scale share a few hundred (posts, quota) pairs
def month_credit(posts: int, quota: int, policy: str) -> Decimal:
    """The credit one month earns: proportional ``min(1, posts/quota)`` or all-or-nothing."""
    if quota <= 0:
        return ONE
    if policy == "all_or_nothing":
        return ONE if posts >= quota else ZERO
    return min(ONE, Decimal(posts) / Decimal(quota))


def portal_score(
    rules: Rules,
    period: Period,
    cutoff: dt.datetime,
    department_id: int,
    tier: int,
    coverage: Mapping[str, MonthCoverage],
    counts: Mapping[tuple[int, str], int],
    backdated: Mapping[tuple[int, str], int],
    assessed: tuple[str, ...] | None = None,
) -> PortalScore:
    """Score one tiered department as of ``period``'s last month, from counted posts.

    ``counts`` and ``backdated`` are per (department, month) over the year to date;
    ``assessed`` (the months ended by the cut-off) may be given when scoring many units.
    """
    policy = rules.portal
    max_points = rules.rubric_for("department").subitem(policy.subitem).points
    quota = policy.monthly_quota[tier]
    ytd = period.year_to_date()
    months = []
    for month in assessed if assessed is not None else months_ended_by(ytd, cutoff):
        posts = counts.get((department_id, month), 0)
        covered = coverage[month].complete if month in coverage else False
        months.append(
            MonthCredit(
                month=month,
                posts=posts,
                backdated=backdated.get((department_id, month), 0),
                quota=quota,
                credit=month_credit(posts, quota, policy.month_credit),
                covered=covered,
                counted=covered or policy.incomplete_months == "include",
            )
        )
    ytd_posts = sum(counts.get((department_id, m), 0) for m in ytd)
    threshold = policy.annual_threshold[tier]
    bonus = policy.annual_bonus_points if ytd_posts >= threshold else ZERO
    counted = [m.credit for m in months if m.counted]
    average = sum(counted, ZERO) / len(counted) if counted else None
    points = None if average is None else min(max_points, average * max_points + bonus)
    return PortalScore(
        department_id, tier, max_points, tuple(months), ytd_posts, threshold, bonus, average, points
    )
