"""Store portal posts: attribution, month, identity and first sighting.

:class:`EvidencePipeline` is the base of both pipelines (portal posts here, disclosure documents
in :mod:`crawler.disclosure.pipeline`): built in ``from_crawler`` with the crawl's recording
(:class:`crawler.recording.CrawlRecording`), switched off with it, one ``process_item(item)``.

:class:`PortalPostPipeline` hands the evidence writer one ``portal_posts`` row per canonical URL
of a site and a ``post_listings`` row per column it was listed in. Rules (see also
:mod:`crawler.urls`):

- attribution through :func:`db.attribution.load_resolver`: a department, an outside source
  (``external``, counted for nobody) or ``unresolved`` (stored, and listed in the review queue
  by the run recorder at the end of the run); never dropped;
- ``published_month`` is the month of ``published_at`` in Asia/Shanghai;
- ``first_seen_at`` is when this crawler first stored the post (the crawl clock, EGOV_CLOCK in
  a replay); re-crawls update ``last_seen_at`` only, the first claim stays the evidence;
- backdating (倒填日期) is never decided here: a first sighting long after the claimed date may
  only mean the crawler was down. It is proved when assessing (``scoring.assessment.backdating``),
  from the recorded column walks (``crawl_column_results``, ``column_walk_pages``) that should have
  listed the post and did not.

:func:`post_row` is the one place a ``portal_posts`` row is built.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from crawler.dates import month_of
from crawler.items import ListingItem, PortalPostItem
from crawler.recording import CrawlRecording
from crawler.urls import identity_key
from db.attribution import load_resolver
from db.names import Attribution, NameResolver


class EvidencePipeline:
    """Hand the items a pipeline knows to the crawl's evidence writer; pass every item on."""

    def __init__(self, recording: CrawlRecording, settings: BaseSettings) -> None:
        self.recording = recording
        self.settings = settings
        self._resolver: NameResolver | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EvidencePipeline:
        recording = crawler.get_extension(CrawlRecording)
        if recording is None:
            raise NotConfigured("no crawl recording: items are not stored")
        return cls(recording, crawler.settings)

    def process_item(self, item: Any) -> Any:
        if self.recording.writer is not None:
            self.store(item)
        return item

    def store(self, item: Any) -> None:
        """Buffer the rows of ``item`` if it is one this pipeline stores."""
        raise NotImplementedError

    @property
    def resolver(self) -> NameResolver:
        """The alias table as it was when the first item came (one query per run)."""
        if self._resolver is None:
            assert self.recording.session is not None
            self._resolver = load_resolver(self.recording.session)
        return self._resolver


def post_row(
    item: PortalPostItem,
    found: Attribution,
    *,
    site_id: int,
    column_id: int,
    crawl_run_id: int,
    now: dt.datetime,
) -> dict[str, Any]:
    """Return the ``portal_posts`` row of a post read for the first time."""
    return {
        "site_id": site_id,
        "canonical_url": item.canonical_url[:1024],
        "title": item.title[:512],
        "published_at": item.published_at,
        "published_month": month_of(item.published_at),
        "source_text": (item.source_text or None) and item.source_text[:256],
        "source_normalized": found.normalized[:256] or None,
        "department_id": found.department_id,
        "attribution": found.kind,
        "column_id": column_id,
        "identity_key": identity_key(item.title, item.published_at, found.normalized),
        "first_seen_at": now,
        "last_seen_at": now,
        "page_id": item.page_id,
        "crawl_run_id": crawl_run_id,
    }


class PortalPostPipeline(EvidencePipeline):
    """Turn :class:`PortalPostItem` and :class:`ListingItem` into rows; pass other items on."""

    def store(self, item: Any) -> None:
        if isinstance(item, ListingItem):
            self.store_listing(item)
        elif isinstance(item, PortalPostItem):
            self.store_post(item)

    def store_listing(self, item: ListingItem) -> None:
        """A post already stored (or requested by this run), listed in a column."""
        writer, column_id = self.recording.writer, self.recording.column_ids[item.column_key]
        assert writer is not None
        if item.post_id is not None:
            writer.post_seen(item.post_id)
        if not item.listed_before:
            writer.listing(item.post_id, item.canonical_url, column_id, item.listed_url)

    def store_post(self, item: PortalPostItem) -> None:
        """Buffer the row of a post read from its detail page, with its listing."""
        recording, writer = self.recording, self.recording.writer
        assert writer is not None
        found = self.resolver.resolve(item.source_text)
        column_id = recording.column_ids[item.column_key]
        row = post_row(
            item,
            found,
            site_id=recording.site.id,
            column_id=column_id,
            crawl_run_id=recording.run.id,
            now=recording.clock(),
        )
        writer.post(row, (f"egov/posts/{found.kind}",), column_id, item.listed_url)
