"""The ``portal`` spider: every column of a portal profile, each post once, with evidence.

``uv run scrapy crawl portal -a site=sx-portal [-a base_url=http://127.0.0.1:PORT] [-a full=1]``

Lists are walked newest first (jpage column page then ``dataproxy.jsp`` groups; TRS
``index.html`` then ``index_N.html``; generic ``next`` links). Only detail pages whose
canonical URL is not stored yet are fetched; a list walk stops after the page proving that
nothing new lies below (:mod:`crawler.incremental`; unless ``full=1``). A listed URL already
fetched or stored is recorded as a listing of that column without a new request. Details are read by
:func:`crawler.detail.parse_detail`; a page without a title or a date (on the page or in the
list) is quarantined, not guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.detail import parse_detail
from crawler.incremental import Stored, stored_posts
from crawler.items import ListingItem, PortalPostItem
from crawler.listing import ListEntry, jpage
from crawler.profiles import ColumnProfile
from crawler.quarantine import spider_date_problem
from crawler.spiders.base import SiteSpider


class PortalSpider(SiteSpider):
    name = "portal"
    site_kind = "portal"

    stored_lookup = stored_posts
    list_callbacks: ClassVar[dict[str, str]] = {
        "jpage": "parse_jpage_column",
        "trs": "parse_trs_list",
        "generic": "parse_generic_list",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(self.profile.timezone)

    def seen_item(
        self, canonical: str, column: ColumnProfile, entry: ListEntry, stored: Stored | None
    ) -> ListingItem:
        """A post already stored, listed (again) in this column: record the listing."""
        if stored is None:  # requested by this run through another column
            return ListingItem(canonical, column.key, entry.url)
        return ListingItem(canonical, column.key, entry.url, stored.id, stored.listed_in_column)

    # ---------------------------------------------------------------- lists
    def parse_jpage_column(self, response: Response) -> Iterator[Any]:
        column = self.profile.column(response.meta["column"])
        listing = jpage.parse_column_page(response.text, response.url, column.options)
        out, go_on = self.list_entries(column, listing.entries, response)
        yield from out
        yield from self._next_jpage(column, listing, len(listing.entries) + 1, go_on)

    def parse_jpage_proxy(self, response: Response) -> Iterator[Any]:
        column = self.profile.column(response.meta["column"])
        reply = jpage.parse_proxy_reply(response.text, response.url)
        reply.proxy_url, reply.form = response.meta["proxy_url"], response.meta["form"]
        if reply.total_records is None:
            reply.total_records = response.meta.get("total_records")
        out, go_on = self.list_entries(column, reply.entries, response)
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

    # ---------------------------------------------------------------- details
    def parse_detail(self, response: Response) -> Iterator[Any]:
        column_key = response.meta["column"]
        coverage = self.coverage(column_key)
        entry: ListEntry = response.meta["entry"]
        if not isinstance(response, TextResponse):
            yield from self.quarantine_page(response, "detail page is not an HTML page")
            return
        fields = parse_detail(response.text, self.profile.detail_selectors, self.zone)
        published, method = fields.published_at, fields.method
        if published is None and entry.listed_on is not None:
            published = dt.datetime.combine(entry.listed_on, dt.time(0, 0), tzinfo=self.zone)
            method = "list"
        title = fields.title or entry.title
        if published is None or not title:
            missing = " and ".join(
                name for name, value in (("date", published), ("title", title)) if not value
            )
            yield from self.quarantine_page(
                response, f"no {missing} on the detail page or its list"
            )
            return
        if problem := spider_date_problem(self, published):
            yield from self.quarantine_page(response, problem)
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
