"""The ``portal`` spider: every column of a portal profile, each post once, with evidence.

``uv run scrapy crawl portal -a site=sx-portal [-a base_url=http://127.0.0.1:PORT] [-a full=1]``

Lists are walked newest first (jpage column page then ``dataproxy.jsp`` groups; TRS
``index.html`` then ``index_N.html``; generic ``next`` links). Only detail pages whose
canonical URL is not stored yet are fetched; a list walk stops once EGOV_INCREMENTAL_OVERLAP_PAGES
pages brought nothing new (unless ``full=1``). A listed URL already fetched or stored is
recorded as a listing of that column without a new request. Details are read by
:func:`crawler.detail.parse_detail`; a page without a title or a date (on the page or in the
list) is quarantined, not guessed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.detail import parse_detail
from crawler.incremental import ListWalk, known_urls
from crawler.items import ListingItem, PortalPostItem
from crawler.listing import ListEntry, generic, jpage, trs
from crawler.profiles import ColumnProfile
from crawler.quarantine import spider_date_problem
from crawler.resume import columns_to_walk_whole
from crawler.spiders.base import SiteSpider
from crawler.urls import canonical_url
from db.models import PortalPost, QuarantinedItem


class PortalSpider(SiteSpider):
    name = "portal"
    site_kind = "portal"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(self.profile.timezone)
        self.known: set[str] = set()
        self.requested: set[str] = set()
        self.walks: dict[str, ListWalk] = {}

    async def start(self) -> AsyncIterator[Any]:
        assert self.recorder is not None, "the CrawlRecording extension is not enabled"
        recorder = self.recorder
        self.known = known_urls(
            recorder.session, PortalPost.canonical_url, PortalPost.site_id, recorder.site.id
        )
        overlap = self.settings.getint("EGOV_INCREMENTAL_OVERLAP_PAGES", 1)
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
            callback = {
                "jpage": self.parse_jpage_column,
                "trs": self.parse_trs_list,
                "generic": self.parse_generic_list,
            }.get(column.list_kind)
            if callback is None:
                self.coverage(column.key).note(f"list kind {column.list_kind} not for portals")
                continue
            yield self.column_request(column, column.url, callback, meta={"list_index": 0})

    # ---------------------------------------------------------------- lists
    def _entries(
        self, column: ColumnProfile, entries: list[ListEntry], response: Response
    ) -> tuple[list[Any], bool]:
        """Turn list entries into detail requests and listings; return them and "walk on?"."""
        coverage = self.coverage(column.key)
        coverage.list_pages += 1
        coverage.entries += len(entries)
        coverage.saw_dates([e.listed_on for e in entries])
        out: list[Any] = []
        new = 0
        crawl_host = urlsplit(self.profile.base_url).netloc
        for entry in entries:
            if urlsplit(entry.url).netloc != crawl_host:
                self.crawler.stats.inc_value("egov/offsite_links")
                continue
            canon = canonical_url(
                entry.url,
                crawl_base=self.profile.base_url,
                site_base=self.profile.declared_base_url,
            )
            if canon in self.known or canon in self.requested:
                out.append(ListingItem(canon, column.key, entry.url))
                continue
            self.requested.add(canon)
            new += 1
            meta = {"canonical_url": canon, "listed_url": entry.url, "entry": entry}
            out.append(
                self.column_request(
                    column, entry.url, self.parse_detail, page_kind="detail", meta=meta
                )
            )
        coverage.new_entries += new
        go_on = self.walks[column.key].next_page_wanted(new)
        if not go_on:
            coverage.stopped_early = coverage.finished_walk = True
        return out, go_on

    def parse_jpage_column(self, response: Response) -> Iterator[Any]:
        column = self.profile.column(response.meta["column"])
        listing = jpage.parse_column_page(response.text, response.url, column.options)
        out, go_on = self._entries(column, listing.entries, response)
        yield from out
        yield from self._next_jpage(column, listing, len(listing.entries) + 1, go_on)

    def parse_jpage_proxy(self, response: Response) -> Iterator[Any]:
        column = self.profile.column(response.meta["column"])
        reply = jpage.parse_proxy_reply(response.text, response.url)
        reply.proxy_url, reply.form = response.meta["proxy_url"], response.meta["form"]
        if reply.total_records is None:
            reply.total_records = response.meta.get("total_records")
        out, go_on = self._entries(column, reply.entries, response)
        yield from out
        start = response.meta["start"] + int(column.options.get("group", 45))
        if not reply.entries:
            go_on = False
            self.coverage(column.key).finished_walk = True
        yield from self._next_jpage(column, reply, start, go_on)

    def _next_jpage(
        self, column: ColumnProfile, listing: jpage.JpageList, start: int, go_on: bool
    ) -> Iterator[Request]:
        coverage = self.coverage(column.key)
        total = listing.total_records
        if not go_on:
            return
        if (total is not None and start > total) or listing.proxy_url is None:
            coverage.finished_walk = True
            return
        url = jpage.proxy_url(listing.proxy_url, start, column.options)
        meta = {"start": start, "proxy_url": listing.proxy_url, "form": listing.form}
        meta["total_records"] = total
        yield self.column_request(
            column, url, self.parse_jpage_proxy, formdata=listing.form, meta=meta, method="POST"
        )

    def parse_trs_list(self, response: Response) -> Iterator[Any]:
        column = self.profile.column(response.meta["column"])
        index = response.meta["list_index"]
        count = response.meta.get("page_count") or trs.page_count(response.text)
        entries = trs.parse_list(response.text, response.url, column.options)
        out, go_on = self._entries(column, entries, response)
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
        column = self.profile.column(response.meta["column"])
        entries = generic.parse_list(response.text, response.url, column.options)
        out, go_on = self._entries(column, entries, response)
        yield from out
        if not go_on:
            return
        following = generic.next_page(response.text, response.url, column.options)
        if following is None or following == response.url:
            self.coverage(column.key).finished_walk = True
            return
        yield self.column_request(
            column, following, self.parse_generic_list, meta={"list_index": 1}
        )

    # ---------------------------------------------------------------- details
    def parse_detail(self, response: Response) -> Iterator[Any]:
        column_key = response.meta["column"]
        coverage = self.coverage(column_key)
        entry: ListEntry = response.meta["entry"]
        if not isinstance(response, TextResponse):
            yield from self._quarantine(response, "detail page is not an HTML page")
            return
        fields = parse_detail(response.text, self.profile.detail_selectors, self.zone)
        published, method = fields.published_at, fields.method
        if published is None and entry.listed_on is not None:
            from datetime import datetime, time

            published = datetime.combine(entry.listed_on, time(0, 0), tzinfo=self.zone)
            method = "list"
        title = fields.title or entry.title
        if published is None or not title:
            missing = " and ".join(
                name for name, value in (("date", published), ("title", title)) if not value
            )
            yield from self._quarantine(response, f"no {missing} on the detail page or its list")
            return
        if problem := spider_date_problem(self, published):
            yield from self._quarantine(response, problem)
            return
        coverage.details += 1
        self.crawler.stats.inc_value(f"egov/date_method/{method}")
        yield PortalPostItem(
            canonical_url=response.meta["canonical_url"],
            column_key=column_key,
            listed_url=response.meta["listed_url"],
            title=title,
            published_at=published,
            source_text=fields.source_text,
            page_id=self.page_id(response),
            date_method=method,
        )

    def _quarantine(self, response: Response, reason: str) -> Iterator[Any]:
        assert self.recorder is not None
        self.crawler.stats.inc_value("egov/parse_failures")
        self.recorder.session.add(
            QuarantinedItem(
                url=response.url[:1024],
                reason=reason,
                sha256=None,
                crawl_run_id=self.recorder.run.id,
            )
        )
        self.recorder.wrote()
        self.logger.warning("quarantined %s: %s", response.url, reason)
        return iter(())
