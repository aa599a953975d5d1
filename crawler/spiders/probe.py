"""The ``probe`` spider: load a site's home page and chosen columns once, and time each load.

``uv run scrapy crawl probe -a site=sx-portal [-a base_url=http://127.0.0.1:PORT]``

Several times a day (``schedules/schedules.toml``) each target is requested once, without
retries, and one ``probe_results`` row records its final HTTP status, the whole load time
(request to last byte), or the error when nothing usable answered (timeout, connection refused,
DNS…). An anti-bot challenge or an off-site redirect is recorded with its kind and not held
against the site. The home page's newest dated item (:mod:`crawler.inspection.homepage`) is
kept for "home page not updated", and every body served is stored as evidence.

The targets are the profile's ``[inspection]`` home page and ``probe_columns``; the time limit
of one load is EGOV_PROBE_TIMEOUT (above the inspection's 15-second "slow" line, so a slow load
is measured, not cut off). EGOV_CLOCK stamps the probes at a given instant (replays, tests).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from crawler.clock import clock_from_settings
from crawler.departments import resolve_departments
from crawler.inspection.failures import describe
from crawler.inspection.homepage import newest_item_date
from crawler.inspection.items import ProbeItem
from crawler.inspection.site import inspection_settings
from crawler.profiles import ProfileError, load_profile

HOME = "home"
ANY_ERROR_STATUS = list(range(400, 600))  # an error page is a probe result, not a dropped page


class ProbeSpider(scrapy.Spider):
    name = "probe"
    custom_settings = {  # noqa: RUF012 (Scrapy reads this class attribute as is)
        "EXTENSIONS": {"crawler.recording.CrawlRecording": None},
        "ITEM_PIPELINES": {"crawler.inspection.pipelines.ProbePipeline": 300},
        "RETRY_ENABLED": False,  # one probe is one attempt: a retry would hide the failure
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "COOKIES_ENABLED": False,
        # The probe pipeline stores the probed pages: no crawl run to store them in.
        "SPIDER_MIDDLEWARES": {
            "crawler.middlewares.EvidenceMiddleware": None,
            "crawler.quarantine.QuarantineMiddleware": None,
        },
    }

    def __init__(self, site: str | None = None, base_url: str | None = None, **kw: Any) -> None:
        if not site:
            raise ProfileError("spider probe needs -a site=<profile key>")
        self.profile = load_profile(site, base_url)
        self.inspection = inspection_settings(self.profile)
        super().__init__(**kw)
        self.allowed_domains = self.profile.allowed_domains
        self.zone = ZoneInfo(self.profile.timezone)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ProbeSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Departments written as full names or aliases, resolved as the portal crawl does.
        spider.profile = resolve_departments(spider.profile)
        # All targets at once, so that no load waits behind another and its time is its own.
        targets = len(spider.targets())
        crawler.settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", max(8, targets), priority="spider")
        spider.clock = clock_from_settings(crawler.settings)
        spider.timeout = crawler.settings.getfloat("EGOV_PROBE_TIMEOUT")
        reached = signals.request_reached_downloader
        crawler.signals.connect(spider.reached_downloader, signal=reached)
        return spider

    def targets(self) -> list[tuple[str, str]]:
        columns = [(key, self.profile.column(key).url) for key in self.inspection.probe_columns]
        return [(HOME, self.inspection.home_url), *columns]

    async def start(self) -> AsyncIterator[Request]:
        for target, url in self.targets():
            yield Request(
                url,
                callback=self.loaded,
                errback=self.failed,
                dont_filter=True,
                meta={
                    "target": target,
                    "handle_httpstatus_list": ANY_ERROR_STATUS,
                    "dont_retry": True,
                    "download_timeout": self.timeout,
                    "probe_sent_at": self.clock(),
                },
            )

    def reached_downloader(self, request: Request, spider: scrapy.Spider) -> None:
        """Start the stopwatch when the request reaches the downloader, not when it was made."""
        if "target" in request.meta and "probe_started" not in request.meta:
            request.meta["probe_started"] = time.monotonic()
            request.meta["probe_sent_at"] = self.clock()

    def loaded(self, response: Response) -> Iterator[ProbeItem]:
        meta = response.meta
        target = meta["target"]
        newest = None
        if target == HOME and isinstance(response, TextResponse):
            today = meta["probe_sent_at"].astimezone(self.zone).date()
            newest = newest_item_date(response.text, self.inspection.home_items, today)
        yield ProbeItem(
            target=target,
            url=response.request.url if response.request else response.url,
            probed_at=meta["probe_sent_at"],
            http_status=response.status,
            latency_seconds=self._elapsed(meta),
            newest_item_on=newest,
            response=response,
        )

    def failed(self, failure: Failure) -> Iterator[ProbeItem]:
        request = failure.request  # type: ignore[attr-defined]
        kind, message = describe(failure, self.settings)
        self.logger.warning("probe of %s failed: %s", request.url, message)
        yield ProbeItem(
            target=request.meta["target"],
            url=request.url,
            probed_at=request.meta["probe_sent_at"],
            latency_seconds=self._elapsed(request.meta),
            error_kind=kind,
            error=message,
        )

    @staticmethod
    def _elapsed(meta: dict[str, Any]) -> float | None:
        started = meta.get("probe_started")
        return None if started is None else round(time.monotonic() - started, 3)
