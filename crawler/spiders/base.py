"""The base of every site spider: profile, politeness, column requests, coverage, errors.

A spider subclasses :class:`SiteSpider`, sets ``name`` and ``site_kind``, and builds requests
with :meth:`SiteSpider.column_request`; callbacks read ``self.page_id(response)`` (the stored
evidence) and ``self.coverage(column_key)``. Arguments (``-a``): ``site`` (profile key in
``EGOV_SITES_DIR``, or a path to a ``.toml`` file; required), ``base_url`` (crawl this base
instead of the profile's), ``full`` (``1``: walk every list page even when an incremental stop
would end the walk).

A detail page the site says is gone (404, 410, a redirect to an error page, a soft 404:
:mod:`crawler.gone`) is recorded as gone, not lost: its column stays complete, and it is asked
for again only on a full walk. A lost request is recorded with a readable reason
(:mod:`crawler.lost_requests`, a ``request_failures`` row) and its column is not complete; a
body over the size cap is also quarantined; an anti-bot challenge marks the column blocked and
closes the spider with the reason "blocked by anti-bot challenge".

The walk itself is shared: :meth:`SiteSpider.start` opens every column's list (incremental,
or whole after a run that did not read the column whole), :meth:`SiteSpider.list_entries` asks
the database which of a list page's URLs are stored (one query a page) and turns the others into
detail requests, and the TRS and generic list kinds page on here. A spider supplies
``stored_lookup`` (which listed URLs it has stored, :mod:`crawler.incremental`),
``list_callbacks`` (its callback per list kind), :meth:`seen_item` (what to emit for a URL it
already has) and ``parse_detail``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.coverage import ColumnCoverage
from crawler.departments import resolve_departments
from crawler.evidence import PageId
from crawler.gone import gone_reason, gone_status, gone_urls, soft_404
from crawler.incremental import Listed, ListWalk, Stored, StoredLookup
from crawler.listing import ListEntry, fetched_now, generic, trs
from crawler.lost_requests import failure_reason
from crawler.middlewares import EVIDENCE_META, AntiBotBlocked
from crawler.profiles import ColumnProfile, ProfileError, load_profile
from crawler.quarantine import quarantine, quarantine_failure
from crawler.recording import BLOCKED_REASON, CrawlRecording
from crawler.resume import columns_to_walk_whole
from crawler.urls import canonical_url
from db.models import PageKind

TRUE_WORDS = ("1", "true", "yes", "on")


class SiteSpider(scrapy.Spider):
    """A spider crawling the columns of one site profile."""

    site_kind = "portal"
    # Which of a list page's URLs this spider has stored (crawler.incremental).
    stored_lookup: ClassVar[StoredLookup]
    # Callback method name per list kind (jpaas, jpage, trs, xxgk, generic) this spider walks.
    list_callbacks: ClassVar[dict[str, str]] = {
        "trs": "parse_trs_list",
        "generic": "parse_generic_list",
    }

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
        self.requested: set[str] = set()  # canonical URLs requested by this run
        self.walks: dict[str, ListWalk] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Departments written as full names or aliases become short names, or fail here.
        spider.profile = resolve_departments(spider.profile)
        for key, value in spider.profile.scrapy_settings().items():
            crawler.settings.set(key, value, priority="spider")
        return spider

    async def start(self) -> AsyncIterator[Any]:
        """Open each column's list: incrementally, or whole after a run that did not read it."""
        recorder = self.recording
        overlap = self.settings.getint("EGOV_INCREMENTAL_OVERLAP_PAGES")
        whole = columns_to_walk_whole(
            recorder.session, recorder.site.id, recorder.run.id, recorder.column_ids
        )
        for column in self.profile.columns:
            self.walks[column.key] = ListWalk(
                overlap=overlap, full=self.full or column.key in whole
            )
            if column.key in whole and not self.full:
                self.coverage(column.key).note(
                    "walked whole: the previous run did not read it whole"
                )
            if column.list_kind not in self.list_callbacks:
                self.coverage(column.key).note(
                    f"list kind {column.list_kind} is not walked on {self.site_kind} sites"
                )
                continue
            yield self.first_list_request(column)

    def first_list_request(self, column: ColumnProfile) -> scrapy.Request:
        callback = getattr(self, self.list_callbacks[column.list_kind])
        return self.column_request(column, column.url, callback, meta={"list_index": 0})

    def seen_item(
        self, canonical: str, column: ColumnProfile, entry: ListEntry, stored: Stored | None
    ) -> Any:
        """What to emit for a listed URL already stored (``stored``) or requested (None)."""
        raise NotImplementedError

    def stored(self, column: ColumnProfile, urls: list[str]) -> dict[str, Stored]:
        """Return which of ``urls`` (canonical) the database holds: one indexed query."""
        recorder = self.recording
        assert recorder.session is not None, "the crawl run is not open"
        return type(self).stored_lookup(
            recorder.session.connection(), recorder.site.id, recorder.column_ids[column.key], urls
        )

    def list_entries(
        self, column: ColumnProfile, entries: list[ListEntry], response: Response | None = None
    ) -> tuple[list[Any], bool]:
        """Turn list entries into detail requests for new URLs; return them and "walk on?"."""
        coverage = self.coverage(column.key)
        coverage.list_pages += 1
        if response is not None and EVIDENCE_META in response.meta:
            coverage.list_page_ids.append(response.meta[EVIDENCE_META])
        coverage.entries += len(entries)
        coverage.saw_dates([e.listed_on for e in entries])
        crawl_host = urlsplit(self.profile.base_url).netloc
        on_site: list[tuple[ListEntry, str]] = []
        for entry in entries:
            if urlsplit(entry.url).netloc != crawl_host:
                self.crawler.stats.inc_value("egov/offsite_links")
                continue
            canon = canonical_url(
                entry.url,
                crawl_base=self.profile.base_url,
                site_base=self.profile.declared_base_url,
            )
            on_site.append((entry, canon))
        stored = self.stored(column, [c for _, c in on_site if c not in self.requested])
        gone = self.gone_before(column, [c for _, c in on_site if c not in stored])
        list_page = response.meta.get(EVIDENCE_META) if response is not None else None
        out: list[Any] = []
        page: list[Listed] = []
        for entry, canon in on_site:
            if canon in gone and canon not in self.requested:
                # Gone on an earlier run: asked for again on the full walk only (it may return).
                self.requested.add(canon)
                self.recording.still_gone(column.key, canon)
                page.append(Listed("stored", entry.listed_on))
                continue
            if canon in stored or canon in self.requested:
                page.append(Listed("stored" if canon in stored else "requested", entry.listed_on))
                out.append(self.seen_item(canon, column, entry, stored.get(canon)))
                continue
            self.requested.add(canon)
            page.append(Listed("new", entry.listed_on))
            meta = {
                "canonical_url": canon,
                "listed_url": entry.url,
                "entry": entry,
                "list_page": list_page,
            }
            out.append(
                self.column_request(
                    column, entry.url, self.parse_detail, page_kind="detail", meta=meta
                )
            )
        coverage.new_entries += sum(1 for e in page if e.state == "new")
        go_on = self.walks[column.key].next_page_wanted(page)
        if not go_on:
            coverage.stopped_early = coverage.finished_walk = True
        return out, go_on

    def gone_before(self, column: ColumnProfile, urls: list[str]) -> set[str]:
        """Which of ``urls`` were gone on an earlier run; none on a full walk (it retries them)."""
        recording = self.recording
        if not urls or self.walks[column.key].full or recording.session is None:
            return set()
        return gone_urls(recording.session.connection(), recording.site.id, urls)

    def parse_detail(self, response: Response) -> Iterator[Any]:
        raise NotImplementedError

    def soft_404(self, response: Response) -> bool:
        """Record a detail page that is the site's error page (a soft 404) as gone; say if so.

        Such a page is never stored as a post or document.
        """
        wording = soft_404(response.text, self.profile.detail_selectors.get("error_page"))
        if wording is None:
            return False
        redirects = list(response.meta.get("redirect_urls", []))
        status = 302 if redirects else response.status
        reason = gone_reason(response.status, [*redirects, response.url], wording)
        self.recording.page_gone(response.request, status, reason, self.page_id(response))  # type: ignore[arg-type]
        return True

    def parse_trs_list(self, response: Response) -> Iterator[Any]:
        """A TRS static list page (index.html, index_N.html; count from createPageHTML)."""
        column = self.profile.column(response.meta["column"])
        index = response.meta["list_index"]
        count = response.meta.get("page_count") or trs.page_count(response.text)
        entries = trs.parse_list(response.text, response.url, column.options, self.now())
        out, go_on = self.list_entries(column, entries, response)
        yield from out
        if not go_on:
            return
        if index + 1 >= count:
            self.coverage(column.key).finished_walk = True
            return
        url = trs.page_url(column.url, index + 1, column.options)
        meta = {"list_index": index + 1, "page_count": count}
        yield self.column_request(column, url, self.parse_trs_list, meta=meta)

    def parse_generic_list(self, response: Response) -> Iterator[Any]:
        """A list read with the profile's selectors, paged by its "next" link."""
        column = self.profile.column(response.meta["column"])
        page = generic.parse(response.text)  # once, for the entries and the next link
        entries = generic.parse_list(page, response.url, column.options, self.now())
        out, go_on = self.list_entries(column, entries, response)
        yield from out
        if not go_on:
            return
        following = generic.next_page(page, response.url, column.options)
        if following is None or following == response.url:
            self.coverage(column.key).finished_walk = True
            return
        meta = {"list_index": response.meta.get("list_index", 0) + 1}
        yield self.column_request(column, following, self.parse_generic_list, meta=meta)

    def quarantine_page(self, response: Response, reason: str) -> Iterator[Any]:
        """Keep the page out of the evidence counts, with the reason; emit nothing."""
        quarantine(self.recording, response.url, reason, response.body)
        return iter(())

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
        if page_kind == PageKind.LIST:
            kwargs.setdefault("priority", 10)  # keep lists ahead so details keep flowing
        if "formdata" in kwargs:
            return scrapy.FormRequest(
                url, callback=callback, errback=self.on_error, meta=meta, **kwargs
            )
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, **kwargs)

    def now(self) -> dt.datetime:
        """The crawl clock (EGOV_CLOCK in a replay): the moment a list's 今天 and 3小时前 mean."""
        recording = self.crawler.get_extension(CrawlRecording)
        return recording.clock() if recording is not None else fetched_now()

    @property
    def recording(self) -> CrawlRecording:
        """The crawl's run recording: the :class:`CrawlRecording` extension of its crawler."""
        recording = self.crawler.get_extension(CrawlRecording)
        assert recording is not None, "the CrawlRecording extension is not enabled"
        return recording

    def coverage(self, key: str) -> ColumnCoverage:
        return self.recording.coverage[key]

    @staticmethod
    def page_id(response: Response) -> PageId:
        """Return the ``fetched_pages`` id the evidence middleware gave ``response``."""
        page: PageId = response.meta[EVIDENCE_META]
        return page

    def on_error(self, failure: Failure) -> None:
        """Record a lost request with its reason; close the spider on an anti-bot challenge."""
        request = failure.request  # type: ignore[attr-defined]
        key = request.meta.get("column")
        recorder = self.recording
        reason = failure_reason(failure, self.settings)
        if failure.check(AntiBotBlocked):
            if key:
                self.coverage(key).blocked = True
                self.coverage(key).note(BLOCKED_REASON)
            recorder.request_lost(request, reason)
            raise CloseSpider(BLOCKED_REASON)
        status = gone_status(failure)
        if status is not None and request.meta.get("page_kind") == PageKind.DETAIL:
            redirects = list(request.meta.get("redirect_urls", []))
            gone = gone_reason(status, [*redirects, request.url] if redirects else [])
            if isinstance(recorder, CrawlRecording):
                recorder.page_gone(
                    request, 302 if redirects else status, gone, request.meta.get(EVIDENCE_META)
                )
            elif key and recorder is not None:
                self.coverage(key).page_gone()
            self.logger.info("page gone (%s): %s", gone, request.url)
            return
        if quarantine_failure(recorder, failure, reason):  # over the size cap: dropped, URL kept
            self.logger.warning("dropped a body over the size cap: %s", request.url)
        recorder.request_lost(request, reason, failure.type.__name__)
        self.logger.warning("request lost (%s): %s", reason, request.url)
