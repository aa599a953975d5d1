"""The ``portal`` spider: every column of a portal profile, each post once, with evidence.

``uv run scrapy crawl portal -a site=sx-portal [-a base_url=http://127.0.0.1:PORT] [-a full=1]``

Lists are walked newest first (JPaaS column page then ``build/unit`` pages; jpage column
page then ``dataproxy.jsp`` groups, both in :mod:`crawler.paged_walks`; TRS ``index.html``
then ``index_N.html``; generic ``next`` links). Only detail pages whose canonical URL is not
stored yet are fetched; a list walk stops after the page proving that nothing new lies below
(:mod:`crawler.incremental`; unless ``full=1``). A listed URL already fetched or stored is
recorded as a listing of that column without a new request. Details are read by
:func:`crawler.detail.parse_detail`; a page without a title or a date (on the page or in the
list) is quarantined, not guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from scrapy.http import Response, TextResponse

from crawler.detail import parse_detail
from crawler.incremental import Stored, stored_posts
from crawler.items import ListingItem, PortalPostItem
from crawler.listing import ListEntry
from crawler.paged_walks import PagedListWalks
from crawler.profiles import ColumnProfile
from crawler.quarantine import spider_date_problem
from crawler.spiders.base import SiteSpider


class PortalSpider(PagedListWalks, SiteSpider):
    name = "portal"
    site_kind = "portal"

    stored_lookup = stored_posts
    list_callbacks: ClassVar[dict[str, str]] = {
        "jpaas": "parse_jpaas_column",
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

    # ---------------------------------------------------------------- details
    def parse_detail(self, response: Response) -> Iterator[Any]:
        column_key = response.meta["column"]
        coverage = self.coverage(column_key)
        entry: ListEntry = response.meta["entry"]
        if not isinstance(response, TextResponse):
            yield from self.quarantine_page(response, "detail page is not an HTML page")
            return
        if self.soft_404(response):  # the site's error page: gone, never a post
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
