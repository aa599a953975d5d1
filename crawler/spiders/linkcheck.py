"""The ``linkcheck`` spider: check every link of a site's home page and column pages, politely.

``uv run scrapy crawl linkcheck -a site=sx-portal [-a base_url=http://127.0.0.1:PORT]
[-a site_hosts=oss.example.com,cdn.example.com]``

The home page is read first, then each column's list page; each page is stored as evidence and
its links (pages, images, attachments; :mod:`crawler.inspection.links`) are checked once per
run: ``HEAD`` first and, when HEAD fails or is refused, ``GET`` stopped as soon as the headers
arrive (no attachment is downloaded). A status below 400 is ``ok``; an HTTP error or no answer
(timeout, refused connection, DNS) is ``failed``. Whether a failed link is broken is decided
later, by the inspection, from two failures a day apart.

Politeness: at most EGOV_LINKCHECK_CONCURRENCY_PER_HOST requests in flight per host and
EGOV_LINKCHECK_DELAY seconds between two requests to one host; at most EGOV_LINKCHECK_MAX_LINKS
links per run and EGOV_LINKCHECK_MAX_LINKS_PER_HOST per host (the rest are recorded as
``skipped``); no retries. Other hosts' robots.txt is obeyed (a forbidden link is ``skipped``,
never broken); the site's own pages and hosts are read as the nightly crawl reads them. The
site's own hosts are its crawl and declared hosts, the profile's ``[inspection] site_hosts``
(its object storage) and ``-a site_hosts``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import StopDownload
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from crawler.clock import clock_from_settings
from crawler.departments import resolve_departments
from crawler.inspection.failures import NOT_THE_SITES_FAULT, describe
from crawler.inspection.items import LinkCheckItem, ScannedPageItem
from crawler.inspection.links import FoundLink, page_links
from crawler.inspection.site import inspection_settings
from crawler.profiles import ProfileError, load_profile
from crawler.urls import canonical_url

ANY_ERROR_STATUS = list(range(400, 600))
MIN_DELAY = 0.01  # seconds between two requests to one host, whatever EGOV_LINKCHECK_DELAY says


class LinkCheckSpider(scrapy.Spider):
    name = "linkcheck"
    custom_settings = {  # noqa: RUF012 (Scrapy reads this class attribute as is)
        "EXTENSIONS": {"crawler.recording.CrawlRecording": None},
        "ITEM_PIPELINES": {"crawler.inspection.pipelines.LinkCheckPipeline": 300},
        "ROBOTSTXT_OBEY": True,
        "RETRY_ENABLED": False,  # a link failing once is checked again tomorrow, not now
        "AUTOTHROTTLE_ENABLED": False,  # a fixed delay per host, whatever the host answers
        "COOKIES_ENABLED": False,
        # The link-check pipeline stores what it keeps: no crawl run to store pages in.
        "SPIDER_MIDDLEWARES": {
            "crawler.middlewares.EvidenceMiddleware": None,
            "crawler.quarantine.QuarantineMiddleware": None,
        },
    }

    def __init__(
        self,
        site: str | None = None,
        base_url: str | None = None,
        site_hosts: str | None = None,
        **kw: Any,
    ) -> None:
        if not site:
            raise ProfileError("spider linkcheck needs -a site=<profile key>")
        self.profile = load_profile(site, base_url)
        extra = tuple(h.strip() for h in (site_hosts or "").split(",") if h.strip())
        self.inspection = inspection_settings(self.profile, extra)
        super().__init__(**kw)
        self.links: dict[str, tuple[FoundLink, str, bool]] = {}  # url -> link, found on, home
        self.per_host: Counter[str] = Counter()
        self.scanned: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> LinkCheckSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Departments written as full names or aliases, resolved as the portal crawl does.
        spider.profile = resolve_departments(spider.profile)
        settings = crawler.settings
        per_host = settings.getint("EGOV_LINKCHECK_CONCURRENCY_PER_HOST")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", per_host, priority="spider")
        # Never quite zero: with no delay Scrapy may start two queued requests of one host
        # before either counts as transferring, past CONCURRENT_REQUESTS_PER_DOMAIN.
        delay = max(MIN_DELAY, settings.getfloat("EGOV_LINKCHECK_DELAY"))
        settings.set("DOWNLOAD_DELAY", delay, priority="spider")
        timeout = settings.getfloat("EGOV_LINKCHECK_TIMEOUT")
        settings.set("DOWNLOAD_TIMEOUT", timeout, priority="spider")
        spider.clock = clock_from_settings(settings)
        spider.max_links = settings.getint("EGOV_LINKCHECK_MAX_LINKS")
        spider.max_per_host = settings.getint("EGOV_LINKCHECK_MAX_LINKS_PER_HOST")
        crawler.signals.connect(spider.stop_get_body, signal=signals.headers_received)
        return spider

    # ------------------------------------------------------------------ pages
    async def start(self) -> AsyncIterator[Request]:
        yield self._page_request(self.inspection.home_url, on_home=True)

    def _page_request(self, url: str, *, on_home: bool) -> Request:
        return Request(
            url,
            callback=self.scan_page,
            errback=self.page_failed,
            dont_filter=True,
            priority=10,
            meta={"on_home": on_home, "dont_obey_robotstxt": True, "dont_retry": True},
        )

    def _column_pages(self) -> Iterator[Request]:
        for column in self.profile.columns:
            if column.url not in self.scanned:
                self.scanned.add(column.url)
                yield self._page_request(column.url, on_home=False)

    def scan_page(self, response: Response) -> Iterator[Any]:
        on_home = response.meta["on_home"]
        page = response.request.url if response.request else response.url
        self.crawler.stats.inc_value("egov/linkcheck/pages")
        yield ScannedPageItem(page, response)
        if isinstance(response, TextResponse):
            for link in page_links(response.text, response.url):
                yield from self._register(link, page, on_home)
        if on_home:
            self.scanned.add(page)
            yield from self._column_pages()

    def page_failed(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        self.crawler.stats.inc_value("egov/linkcheck/page_failures")
        self.logger.warning(
            "could not read %s: %s", request.url, describe(failure, self.settings)[1]
        )
        if request.meta["on_home"]:
            yield from self._column_pages()

    # ------------------------------------------------------------------ links
    def _register(self, link: FoundLink, page: str, on_home: bool) -> Iterator[Any]:
        if link.url in self.links:
            return
        self.links[link.url] = (link, page, on_home)
        host = (urlsplit(link.url).hostname or "").lower()
        if len(self.links) > self.max_links:
            yield self._result(link.url, "skipped", error=f"over {self.max_links} links a run")
            return
        self.per_host[host] += 1
        if self.per_host[host] > self.max_per_host:
            limit = f"over {self.max_per_host} links a run on {host}"
            yield self._result(link.url, "skipped", error=limit)
            return
        yield self._check(link.url, "HEAD")

    def _check(self, url: str, method: str) -> Request:
        internal = self.inspection.is_site_host(url)
        return Request(
            url,
            method=method,
            callback=self.checked,
            errback=self.check_failed,
            dont_filter=True,
            meta={
                "link": url,
                "handle_httpstatus_list": ANY_ERROR_STATUS,
                "dont_retry": True,
                "dont_obey_robotstxt": internal,
                "linkcheck_get": method == "GET",
            },
        )

    def stop_get_body(self, request: Request) -> None:
        """A GET check needs the status only: stop before the body (an attachment may be big).

        Scrapy hands a ``headers_received`` handler only the arguments it names.
        """
        if request.meta.get("linkcheck_get"):
            raise StopDownload(fail=False)

    def checked(self, response: Response) -> Iterator[Any]:
        url = response.meta["link"]
        method = response.request.method if response.request else "GET"
        if response.status < 400:
            yield self._result(url, "ok", method=method, http_status=response.status)
        elif method == "HEAD":  # many servers refuse or mishandle HEAD: ask again with GET
            yield self._check(url, "GET")
        else:
            yield self._result(url, "failed", method=method, http_status=response.status)

    def check_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        url = request.meta["link"]
        kind, message = describe(failure, self.settings)
        if kind in NOT_THE_SITES_FAULT:
            method = request.method
            yield self._result(url, "skipped", method=method, error_kind=kind, error=message)
        elif request.method == "HEAD":
            yield self._check(url, "GET")
        else:
            yield self._result(url, "failed", method="GET", error_kind=kind, error=message)

    def _result(self, url: str, outcome: str, **fields: Any) -> LinkCheckItem:
        link, page, on_home = self.links[url]
        self.crawler.stats.inc_value(f"egov/linkcheck/{outcome}")
        # The site's own links are kept on its declared base, wherever this run reached it, so
        # that the checks of one link on two days meet (as canonical post URLs do).
        stored = canonical_url(
            url, crawl_base=self.profile.base_url, site_base=self.profile.declared_base_url
        )
        return LinkCheckItem(
            url=stored,
            kind=link.kind,
            internal=self.inspection.is_site_host(url),
            on_home=on_home,
            found_on=page,
            checked_at=self.clock(),
            outcome=outcome,
            **fields,
        )
