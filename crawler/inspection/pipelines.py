"""Store what the probe and link-check spiders saw, in their own tables.

Both pipelines open their own session on the database of :func:`db.config.load_settings`,
mirror the site profile into ``sites``/``site_columns`` (so column categories reach the
inspection) and keep every page they read as evidence (``fetched_pages``, no crawl run).

- :class:`ProbePipeline` writes one ``probe_results`` row per :class:`ProbeItem`.
- :class:`LinkCheckPipeline` opens a ``link_check_runs`` row, writes a ``link_checks`` row per
  :class:`LinkCheckItem` and closes the run with the spider's finish reason.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from sqlalchemy.orm import Session

from crawler.clock import clock_from_settings
from crawler.evidence import EvidenceStore
from crawler.inspection.items import LinkCheckItem, ProbeItem, ScannedPageItem
from crawler.inspection.store import (
    finish_link_check_run,
    open_link_check_run,
    store_link_check,
    store_probe,
)
from crawler.recording import json_safe, sync_site
from db.config import load_settings
from db.engine import make_engine, session_factory
from db.models import LinkCheckRun

logger = logging.getLogger(__name__)


class _SitePipeline:
    """Session, site row and evidence store shared by both pipelines."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.session: Session | None = None
        self.site_id = 0
        self.evidence: EvidenceStore | None = None

    def open_spider(self) -> None:
        spider = self.crawler.spider
        assert spider is not None
        self.engine = make_engine(load_settings().database_url)
        self.session = session_factory(self.engine)()
        site, _ = sync_site(self.session, spider.profile)  # type: ignore[attr-defined]
        self.site_id = site.id
        self.session.commit()
        self.evidence = EvidenceStore(self.session, None)

    def page_id(self, item: Any) -> int | None:
        response = getattr(item, "response", None)
        if response is None or self.evidence is None:
            return None
        return self.evidence.record(response)

    def close_session(self) -> None:
        if self.session is None:
            return
        try:
            self.session.commit()
        finally:
            self.session.close()
            self.engine.dispose()
            self.session = None


class ProbePipeline(_SitePipeline):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProbePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ProbeItem) and self.session is not None:
            store_probe(self.session, self.site_id, item, self.page_id(item))
            self.session.commit()  # a few rows per run: each probe is kept even if the run dies
        return item

    def close_spider(self) -> None:
        self.close_session()


class LinkCheckPipeline(_SitePipeline):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.clock = clock_from_settings(crawler.settings)
        self.run: LinkCheckRun | None = None
        self.pages: dict[str, int] = {}
        self.links = 0
        self.commit_every = crawler.settings.getint("EGOV_COMMIT_EVERY")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LinkCheckPipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        super().open_spider()
        assert self.session is not None
        self.run = open_link_check_run(self.session, self.site_id, self.clock())
        self.session.commit()
        logger.info("link check run %s of site %s opened", self.run.id, self.site_id)

    def process_item(self, item: Any) -> Any:
        if self.session is None or self.run is None:
            return item
        if isinstance(item, ScannedPageItem):
            page_id = self.page_id(item)
            if page_id is not None:
                self.pages.setdefault(item.url, page_id)
        elif isinstance(item, LinkCheckItem):
            self.links += store_link_check(
                self.session, self.run, item, self.pages.get(item.found_on)
            )
            if self.links % self.commit_every == 0:
                self.session.commit()
        return item

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.session is None or self.run is None:
            return
        stats = json_safe(self.crawler.stats.get_stats()) if self.crawler.stats else {}
        finish_link_check_run(self.run, self.clock(), reason, len(self.pages), self.links, stats)
        logger.info(
            "link check run %s %s (%s): %d pages, %d links",
            self.run.id,
            self.run.status,
            reason,
            len(self.pages),
            self.links,
        )
        self.close_session()
