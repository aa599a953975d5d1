"""Backdated posts (倒填日期) per department and month: the one place the assessment asks.

Today the flag is the crawler's, stored on each post (``portal_posts.backdated``: the claimed
date was older than the first sighting by more than the margin). Everything that shows a
backdated count or a backdated post (the reports, explanations and the console's review
queue) reads it through the functions here, so the way the flag is proved can change here
alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import PortalPost
from scoring.bulk import fetch_tuples


def backdated_counts(
    session: Session,
    months: Collection[str],
    cutoff: dt.datetime,
    department_ids: Collection[int] | None = None,
) -> dict[tuple[int, str], int]:
    """Unique backdated posts per (department, month), as known by ``cutoff``."""
    post = PortalPost
    query = (
        select(post.department_id, post.published_month, func.count(post.identity_key.distinct()))
        .where(
            post.backdated,  # answered from the partial index of flagged posts
            post.attribution == "department",
            post.department_id.is_not(None),
            post.published_month.in_(list(months)),
            post.first_seen_at <= cutoff,
        )
        .group_by(post.department_id, post.published_month)
    )
    if department_ids is not None:
        query = query.where(post.department_id.in_(list(department_ids)))
    return {(department, month): n for department, month, n in fetch_tuples(session, query)}


def backdated_posts(
    session: Session, months: Collection[str], cutoff: dt.datetime, limit: int
) -> list[PortalPost]:
    """Posts of ``months`` that count as backdated, as known by ``cutoff``, oldest claim first.

    Whoever the post is credited to: a backdated post with an unresolved source is still one
    to review.
    """
    post = PortalPost
    return list(
        session.scalars(
            select(post)
            .where(
                post.backdated,
                post.published_month.in_(list(months)),
                post.first_seen_at <= cutoff,
            )
            .order_by(post.published_at, post.id)
            .limit(limit)
        )
    )


def backdated_post(session: Session, post_id: int, cutoff: dt.datetime) -> PortalPost | None:
    """The post if it counts as backdated as known by ``cutoff``, else None."""
    post = session.get(PortalPost, post_id)
    if post is None or not post.backdated or post.first_seen_at > cutoff:
        return None
    return post


def backdated_post_ids(
    session: Session, department_id: int, month: str, cutoff: dt.datetime
) -> frozenset[int]:
    """The department's posts of ``month`` that count as backdated, as known by ``cutoff``."""
    post = PortalPost
    return frozenset(
        session.scalars(
            select(post.id).where(
                post.backdated,
                post.department_id == department_id,
                post.published_month == month,
                post.first_seen_at <= cutoff,
            )
        )
    )
