"""Backdated posts (倒填日期), proved from the recorded column walks when assessing.

A post is backdated only when the evidence proves it: a walk of a column the post is listed in
(``post_listings``) that

- was complete (no list page lost) in a crawl run that finished,
- started more than the margin (``portal.backdating_margin_days``) after the post's claimed time,
- reached back past the claimed date (it read the list to its end, or read an entry dated
  before the claimed day), and
- finished before the post was first seen, so it did not list it.

Such a walk is the post's *witness*. A post first seen more than the margin after its claim
with no witness (the crawler was down, the walks stopped short, a list page was lost) is
"not provable": never counted, never listed for review as backdated. Nothing is frozen at
crawl time, so a change of the margin or of the rule reaches past evidence.

Everything that shows a backdated count or post (reports, explanations, the console's review
queue) asks through this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.orm import Session

from db.models import (
    Attribution,
    ColumnStatus,
    ColumnWalkPage,
    CrawlColumnResult,
    CrawlRun,
    FetchedPage,
    PortalPost,
    PostListing,
    RunStatus,
    SiteColumn,
)
from db.sqltime import local_date, shifted
from scoring.bulk import fetch_tuples

BACKDATED = "backdated"
NOT_PROVABLE = "not provable"
WITHIN_MARGIN = "within the margin"  # first seen within the margin: nothing to prove


@dataclass(frozen=True)
class WalkPage:
    """A list page a witness walk fetched: the stored bytes that did not list the post."""

    list_index: int
    page_id: int
    url: str
    sha256: str
    fetched_at: dt.datetime


@dataclass(frozen=True)
class Witness:
    """A complete walk that should have listed the post and did not."""

    crawl_run_id: int
    column_key: str
    started_at: dt.datetime
    finished_at: dt.datetime
    reached_end: bool
    oldest_seen: dt.date | None
    pages: tuple[WalkPage, ...] = ()

    @property
    def reach(self) -> str:
        if self.reached_end:
            return "read to the end of the list"
        return f"read back to {self.oldest_seen}"


@dataclass(frozen=True)
class BackdatingVerdict:
    """``backdated`` (with its witnesses), ``not provable`` or ``within the margin``."""

    post_id: int
    status: str
    witnesses: tuple[Witness, ...] = ()


def _witness_conditions(
    post: type[PortalPost], cutoff: dt.datetime, margin: dt.timedelta
) -> list[ColumnElement[bool]]:
    """What makes a walk (joined to its run and to a listing of ``post``) a witness."""
    walk, run = CrawlColumnResult, CrawlRun
    return [
        # the runs of the post's site that started in the window, from (site_id, started_at)
        run.site_id == post.site_id,
        run.started_at > shifted(post.published_at, margin),
        run.started_at < post.first_seen_at,
        walk.status == ColumnStatus.COMPLETE,
        run.status == RunStatus.FINISHED,
        run.finished_at <= cutoff,
        run.finished_at < post.first_seen_at,
        or_(walk.reached_end, walk.oldest_seen < local_date(post.published_at)),
    ]


def _witness_walks(post: type[PortalPost], cutoff: dt.datetime, margin: dt.timedelta) -> Select:
    """The walks that prove ``post`` backdated: correlated to the post in an outer query."""
    walk = CrawlColumnResult
    return (
        select(walk.id)
        .select_from(CrawlRun)
        .join(walk, walk.crawl_run_id == CrawlRun.id)
        .join(PostListing, PostListing.column_id == walk.column_id)
        .where(PostListing.post_id == post.id, *_witness_conditions(post, cutoff, margin))
    )


def _seen_late(post: type[PortalPost], margin: dt.timedelta) -> ColumnElement[bool]:
    """First seen more than the margin after the claim: necessary for a proof, and answered
    from the index of the stored lag, so only the few late posts are looked at."""
    return post.first_seen_lag_seconds > int(margin.total_seconds())


def _proved(
    post: type[PortalPost], cutoff: dt.datetime, margin: dt.timedelta
) -> list[ColumnElement[bool]]:
    return [
        post.first_seen_at <= cutoff,
        _seen_late(post, margin),
        exists(_witness_walks(post, cutoff, margin)),
    ]


def backdated_counts(
    session: Session,
    months: Collection[str],
    cutoff: dt.datetime,
    margin: dt.timedelta,
    department_ids: Collection[int] | None = None,
) -> dict[tuple[int, str], int]:
    """Unique proved-backdated posts per (department, month), as known by ``cutoff``.

    Counted here rather than by a GROUP BY: grouping would lead SQLite to walk every post in
    department order instead of the few late ones the lag index finds.
    """
    post = PortalPost
    query = select(post.department_id, post.published_month, post.identity_key).where(
        post.attribution == Attribution.DEPARTMENT,
        post.department_id.is_not(None),
        post.published_month.in_(list(months)),
        *_proved(post, cutoff, margin),
    )
    if department_ids is not None:
        query = query.where(post.department_id.in_(list(department_ids)))
    unique: dict[tuple[int, str], set[str]] = {}
    for department, month, identity in fetch_tuples(session, query):
        unique.setdefault((department, month), set()).add(identity)
    return {key: len(identities) for key, identities in unique.items()}


def backdated_posts(
    session: Session, months: Collection[str], cutoff: dt.datetime, margin: dt.timedelta
) -> list[PortalPost]:
    """Posts of ``months`` proved backdated by ``cutoff``, oldest claim first.

    Whoever the post is credited to: a backdated post with an unresolved source is still one
    to review.
    """
    post = PortalPost
    return list(
        session.scalars(
            select(post)
            .where(post.published_month.in_(list(months)), *_proved(post, cutoff, margin))
            .order_by(post.published_at, post.id)
        )
    )


def verdicts(
    session: Session,
    posts: Iterable[PortalPost],
    cutoff: dt.datetime,
    margin: dt.timedelta,
    *,
    with_pages: bool = True,
) -> dict[int, BackdatingVerdict]:
    """Each post's verdict with its witnesses (and their list pages): for an explanation."""
    posts = list(posts)
    late = {
        p.id
        for p in posts
        if p.first_seen_at <= cutoff and p.first_seen_at - p.published_at > margin
    }
    found = witnesses(session, late, cutoff, margin, with_pages=with_pages)
    out = {}
    for p in posts:
        if p.id in late:
            walks = found.get(p.id, ())
            out[p.id] = BackdatingVerdict(p.id, BACKDATED if walks else NOT_PROVABLE, walks)
        else:
            out[p.id] = BackdatingVerdict(p.id, WITHIN_MARGIN)
    return out


def witnesses(
    session: Session,
    post_ids: Collection[int],
    cutoff: dt.datetime,
    margin: dt.timedelta,
    *,
    with_pages: bool = True,
) -> dict[int, tuple[Witness, ...]]:
    """The witness walks of each of ``post_ids`` that has any, earliest first."""
    if not post_ids:
        return {}
    post, walk, run = PortalPost, CrawlColumnResult, CrawlRun
    rows = session.execute(
        select(
            post.id,
            walk.id,
            run.id,
            SiteColumn.key,
            run.started_at,
            run.finished_at,
            walk.reached_end,
            walk.oldest_seen,
        )
        .join(PostListing, PostListing.post_id == post.id)
        .join(walk, walk.column_id == PostListing.column_id)
        .join(run, run.id == walk.crawl_run_id)
        .join(SiteColumn, SiteColumn.id == walk.column_id)
        .where(post.id.in_(list(post_ids)), *_witness_conditions(post, cutoff, margin))
        .order_by(post.id, run.started_at, walk.id)
    ).all()
    pages = _walk_pages(session, {r[1] for r in rows}) if with_pages else {}
    found: dict[int, list[Witness]] = {}
    for post_id, walk_id, run_id, column, started, finished, reached_end, oldest in rows:
        found.setdefault(post_id, []).append(
            Witness(run_id, column, started, finished, reached_end, oldest, pages.get(walk_id, ()))
        )
    return {post_id: tuple(walks) for post_id, walks in found.items()}


def _walk_pages(session: Session, walk_ids: Collection[int]) -> dict[int, tuple[WalkPage, ...]]:
    if not walk_ids:
        return {}
    page = FetchedPage
    rows = session.execute(
        select(
            ColumnWalkPage.column_result_id,
            ColumnWalkPage.list_index,
            page.id,
            page.url,
            page.sha256,
            page.fetched_at,
        )
        .join(page, page.id == ColumnWalkPage.page_id)
        .where(ColumnWalkPage.column_result_id.in_(list(walk_ids)))
        .order_by(ColumnWalkPage.column_result_id, ColumnWalkPage.list_index)
    ).all()
    pages: dict[int, list[WalkPage]] = {}
    for walk_id, index, page_id, url, sha256, fetched_at in rows:
        pages.setdefault(walk_id, []).append(WalkPage(index, page_id, url, sha256, fetched_at))
    return {walk_id: tuple(found) for walk_id, found in pages.items()}
