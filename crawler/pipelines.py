"""Store portal posts: attribution, month, identity, first sighting and backdating.

:class:`PortalPostPipeline` writes one ``portal_posts`` row per canonical URL of a site and a
``post_listings`` row per column it was listed in. Rules (see also :mod:`crawler.urls`):

- attribution through :func:`db.attribution.load_resolver`: a department, an outside source
  (``external``, counted for nobody) or ``unresolved`` (stored, and listed in the review queue
  by the run recorder at the end of the run); never dropped;
- ``published_month`` is the month of ``published_at`` in Asia/Shanghai;
- ``first_seen_at`` is when this crawler first stored the post; re-crawls update
  ``last_seen_at`` only, the first claim stays the evidence;
- ``backdated``: only once the site has a finished crawl (``sites.first_crawled_at``), a new
  post whose claimed time is older than now by more than EGOV_BACKDATED_MARGIN_DAYS (7).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from scrapy.crawler import Crawler
from sqlalchemy import select

from crawler.dates import month_of
from crawler.items import ListingItem, PortalPostItem
from crawler.urls import identity_key
from db.attribution import load_resolver
from db.models import PortalPost, PostListing, utcnow
from db.names import NameResolver


class PortalPostPipeline:
    """Turn :class:`PortalPostItem` and :class:`ListingItem` into rows; pass other items on."""

    def __init__(self, crawler: Crawler, margin: dt.timedelta) -> None:
        self.crawler = crawler
        self.margin = margin
        self.resolver: NameResolver | None = None
        self.pending_listings: list[ListingItem] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PortalPostPipeline:
        days = crawler.settings.getfloat("EGOV_BACKDATED_MARGIN_DAYS", 7)
        return cls(crawler, dt.timedelta(days=days))

    def process_item(self, item: Any) -> Any:
        recorder = getattr(self.crawler.spider, "recorder", None)
        if recorder is None:
            return item
        if isinstance(item, ListingItem):
            self.pending_listings.append(item)
        elif isinstance(item, PortalPostItem):
            self.store_post(recorder, item)
        return item

    def store_post(self, recorder: Any, item: PortalPostItem) -> PortalPost:
        session = recorder.session
        if self.resolver is None:
            self.resolver = load_resolver(session)
        now = utcnow()
        site = recorder.site
        post = session.scalar(
            select(PortalPost).where(
                PortalPost.site_id == site.id, PortalPost.canonical_url == item.canonical_url
            )
        )
        if post is not None:
            post.last_seen_at = now
        else:
            found = self.resolver.resolve(item.source_text)
            backdated = site.first_crawled_at is not None and now - item.published_at > self.margin
            post = PortalPost(
                site_id=site.id,
                canonical_url=item.canonical_url,
                title=item.title[:512],
                published_at=item.published_at,
                published_month=month_of(item.published_at),
                source_text=(item.source_text or None) and item.source_text[:256],
                source_normalized=found.normalized[:256] or None,
                department_id=found.department_id,
                attribution=found.kind,
                column_id=recorder.column_ids[item.column_key],
                identity_key=identity_key(item.title, item.published_at, found.normalized),
                first_seen_at=now,
                last_seen_at=now,
                backdated=backdated,
                page_id=item.page_id,
                crawl_run_id=recorder.run.id,
            )
            session.add(post)
            session.flush()
            recorder.crawler.stats.inc_value(f"egov/posts/{found.kind}")
            if backdated:
                recorder.crawler.stats.inc_value("egov/posts/backdated")
        self._add_listing(recorder, post.id, item.column_key, item.listed_url)
        recorder.wrote()
        return post

    def _add_listing(self, recorder: Any, post_id: int, column_key: str, listed_url: str) -> None:
        session = recorder.session
        column_id = recorder.column_ids[column_key]
        exists = session.scalar(
            select(PostListing.id).where(
                PostListing.post_id == post_id, PostListing.column_id == column_id
            )
        )
        if exists is None:
            session.add(
                PostListing(post_id=post_id, column_id=column_id, listed_url=listed_url[:1024])
            )
            session.flush()

    def close_spider(self) -> None:
        """Record listings of posts whose detail page this run did not fetch for that column."""
        recorder = getattr(self.crawler.spider, "recorder", None)
        if recorder is None or recorder.session is None:
            return
        now = utcnow()
        for listing in self.pending_listings:
            post = recorder.session.scalar(
                select(PortalPost).where(
                    PortalPost.site_id == recorder.site.id,
                    PortalPost.canonical_url == listing.canonical_url,
                )
            )
            if post is None:  # its detail page failed: coverage already says so
                continue
            post.last_seen_at = now
            self._add_listing(recorder, post.id, listing.column_key, listing.listed_url)
        recorder.commit()
