"""The base of every site spider: profile, politeness, column requests, coverage, errors.

A spider subclasses :class:`SiteSpider`, sets ``name`` and ``site_kind``, and builds requests
with :meth:`SiteSpider.column_request`; callbacks read ``self.page_id(response)`` (the stored
evidence) and ``self.coverage(column_key)``. Arguments (``-a``): ``site`` (profile key,
required), ``base_url`` (crawl this base instead of the profile's), ``full`` (``1``: walk
every list page even when an incremental stop would end the walk).

A request failure lands in its column's coverage; an anti-bot challenge marks the column
blocked and closes the spider with the reason "blocked by anti-bot challenge".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.coverage import ColumnCoverage
from crawler.middlewares import EVIDENCE_META, AntiBotBlocked
from crawler.profiles import ColumnProfile, ProfileError, load_profile
from crawler.quarantine import quarantine_failure
from crawler.recording import BLOCKED_REASON, CrawlRecording

TRUE_WORDS = ("1", "true", "yes", "on")


class SiteSpider(scrapy.Spider):
    """A spider crawling the columns of one site profile."""

    site_kind = "portal"
    recorder: CrawlRecording | None = None

    def __init__(
        self,
        site: str | None = None,
        base_url: str | None = None,
        full: str | None = None,
        **kw: Any,
    ) -> None:
        if not site:
            raise ProfileError(f"spider {self.name} needs -a site=<profile key>")
        self.profile = load_profile(site, base_url)
        if self.profile.kind != self.site_kind:
            raise ProfileError(
                f"site {site!r} is a {self.profile.kind} profile; spider {self.name} "
                f"crawls {self.site_kind} sites"
            )
        self.full = str(full).lower() in TRUE_WORDS
        super().__init__(**kw)
        self.allowed_domains = self.profile.allowed_domains

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        for key, value in spider.profile.scrapy_settings().items():
            crawler.settings.set(key, value, priority="spider")
        return spider

    def column_request(
        self,
        column: ColumnProfile,
        url: str,
        callback: Callable[..., Any],
        *,
        page_kind: str = "list",
        meta: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> scrapy.Request:
        """Return a request for ``column``; its failure is recorded in the column's coverage."""
        meta = {**(meta or {}), "column": column.key, "page_kind": page_kind}
        if page_kind == "list":
            kwargs.setdefault("priority", 10)  # keep lists ahead so details keep flowing
        if "formdata" in kwargs:
            return scrapy.FormRequest(
                url, callback=callback, errback=self.on_error, meta=meta, **kwargs
            )
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, **kwargs)

    def coverage(self, key: str) -> ColumnCoverage:
        assert self.recorder is not None, "the CrawlRecording extension is not enabled"
        return self.recorder.coverage[key]

    @staticmethod
    def page_id(response: Response) -> int:
        """Return the ``fetched_pages.id`` the evidence middleware stored for ``response``."""
        return int(response.meta[EVIDENCE_META])

    def on_error(self, failure: Failure) -> None:
        """Record a failed request in its column; close the spider on an anti-bot challenge."""
        request = failure.request  # type: ignore[attr-defined]
        key = request.meta.get("column")
        coverage = self.coverage(key) if key and self.recorder else None
        if failure.check(AntiBotBlocked):
            if coverage:
                coverage.blocked = True
                coverage.note(BLOCKED_REASON)
            raise CloseSpider(BLOCKED_REASON)
        if quarantine_failure(self, failure):  # over the size cap: dropped, URL kept
            self.logger.warning("dropped a body over the size cap: %s", request.url)
        if coverage is not None:
            if request.meta.get("page_kind") == "list":
                coverage.list_failures += 1
            else:
                coverage.detail_failures += 1
            coverage.note(f"{failure.type.__name__}: {request.url}"[:200])
        self.logger.warning("request failed (%s): %s", failure.getErrorMessage(), request.url)
