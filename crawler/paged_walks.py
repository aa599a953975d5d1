"""Walk Hanweb's paged lists (JCMS jpage, JPaaS) to the end: callbacks mixed into a SiteSpider.

Both lists open on a column page that shows the first records and announces how many there
are (jpage ``totalRecord``, JPaaS ``count``), then serve the rest from an endpoint whose
parameters the column page carries (:mod:`crawler.listing.jpage`, :mod:`crawler.listing.jpaas`).
The walk goes on while :meth:`SiteSpider.list_entries` wants more; when it reaches the end of
the list it compares the records collected with the number announced, and a shortfall marks
the column incomplete with both numbers (:meth:`ColumnCoverage.compare_with_announced`).

jpage: each group may start with the previous group's last record again (dropped), a server
caps a reply near 300 records whatever was asked (the walk moves on by what it received), and
a guessed ``dataproxy.jsp`` path that answers 404 is tried once at the other known path.
JPaaS: a server that wants the page in ``paramJson`` answers page 1 again to ``pageNo``; the
walk stops there and says which option to set rather than count page 1 twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from scrapy.http import Response

from crawler.listing import ListEntry, fetched_now, jpaas, jpage

if TYPE_CHECKING:
    from crawler.profiles import ColumnProfile
    from crawler.spiders.base import SiteSpider

    _Base = SiteSpider
else:
    _Base = object


@dataclass(frozen=True)
class JpageWalk:
    """Where a jpage walk stands; travels in ``meta`` from one proxy reply to the next."""

    proxy_url: str
    form: dict[str, str]
    perpage: int
    total: int | None
    collected: int
    last_url: str | None
    start: int  # next record (records paging)
    page: int  # next page (page paging)
    skip: int  # records of that page already collected from the column page
    proxy_guessed: bool
    tried_other_proxy: bool = False


@dataclass(frozen=True)
class JpaasWalk:
    """Where a JPaaS walk stands; travels in ``meta`` from one page to the next."""

    api_url: str
    query: dict[str, str]
    rows: int
    count: int | None
    collected: int
    page: int
    page_urls: tuple[str, ...]


class PagedListWalks(_Base):
    """``parse_jpage_column``/``parse_jpaas_column`` and their follow-ups, for a SiteSpider."""

    # ---------------------------------------------------------------- jpage
    def parse_jpage_column(self, response: Response) -> Iterator[Any]:
        column = self.profile.column(response.meta["column"])
        listing = jpage.parse_column_page(response.text, response.url, fetched_now())
        out, go_on = self.list_entries(column, listing.entries, response)
        yield from out
        embedded = len(listing.entries)
        perpage = jpage.per_page(column.options, listing)
        walk = JpageWalk(
            proxy_url=listing.proxy_url or "",
            form=listing.form,
            perpage=perpage,
            total=listing.total_records,
            collected=embedded,
            last_url=listing.entries[-1].url if listing.entries else None,
            start=embedded + 1,
            page=embedded // perpage + 1,
            skip=embedded % perpage,
            proxy_guessed=not listing.proxy_from_page,
        )
        yield from self._next_jpage(column, walk, go_on, reached_end=False)

    def _jpage_request(self, column: ColumnProfile, walk: JpageWalk) -> Any:
        if column.options.get("paging") == "page":
            url = jpage.page_url(walk.proxy_url, walk.page, walk.perpage)
        else:
            url = jpage.records_url(walk.proxy_url, walk.start, column.options, walk.perpage)
        meta: dict[str, Any] = {"jpage": walk}
        if walk.proxy_guessed and not walk.tried_other_proxy:
            meta["handle_httpstatus_list"] = [404]
        return self.column_request(
            column, url, self.parse_jpage_proxy, formdata=walk.form, meta=meta, method="POST"
        )

    def _next_jpage(
        self, column: ColumnProfile, walk: JpageWalk, go_on: bool, reached_end: bool
    ) -> Iterator[Any]:
        if not go_on:
            return
        if reached_end or (walk.total is not None and walk.collected >= walk.total):
            coverage = self.coverage(column.key)
            coverage.finished_walk = True
            coverage.compare_with_announced(walk.collected, walk.total)
            return
        yield self._jpage_request(column, walk)

    def parse_jpage_proxy(self, response: Response) -> Iterator[Any]:
        column = self.profile.column(response.meta["column"])
        walk: JpageWalk = response.meta["jpage"]
        if response.status == 404:
            other = jpage.other_proxy(walk.proxy_url)
            self.coverage(column.key).note(
                f"no dataproxy path on the column page; {walk.proxy_url} answered 404, "
                f"trying {other}"
            )
            if other is not None:
                yield self._jpage_request(
                    column, replace(walk, proxy_url=other, tried_other_proxy=True)
                )
            return
        reply = jpage.parse_proxy_reply(response.text, response.url, fetched_now())
        entries = jpage.drop_repeated(reply.entries, walk.last_url)
        if column.options.get("paging") == "page" and walk.skip:
            entries = entries[walk.skip :]
        out, go_on = self.list_entries(column, entries, response)
        yield from out
        walk = replace(
            walk,
            total=reply.total_records if reply.total_records is not None else walk.total,
            collected=walk.collected + len(entries),
            last_url=entries[-1].url if entries else walk.last_url,
            start=walk.start + len(entries),
            page=walk.page + 1,
            skip=0,
        )
        yield from self._next_jpage(column, walk, go_on, reached_end=not entries)

    # ---------------------------------------------------------------- JPaaS
    def parse_jpaas_column(self, response: Response) -> Iterator[Any]:
        column = self.profile.column(response.meta["column"])
        listing = jpaas.parse_column_page(response.text, response.url, fetched_now())
        out, go_on = self.list_entries(column, listing.entries, response)
        yield from out
        if listing.api_url is None:
            self.coverage(column.key).note("no JPaaS pager (queryData) on the column page")
            self.coverage(column.key).finished_walk = go_on
            return
        walk = JpaasWalk(
            api_url=listing.api_url,
            query=listing.query,
            rows=jpaas.rows_of(column.options, listing),
            count=listing.count,
            collected=len(listing.entries),
            # A column page that renders no items leaves page 1 to the endpoint too.
            page=(listing.page_no or 1) if listing.entries else 0,
            page_urls=_urls(listing.entries),
        )
        yield from self._next_jpaas(column, walk, go_on, reached_end=False)

    def _next_jpaas(
        self, column: ColumnProfile, walk: JpaasWalk, go_on: bool, reached_end: bool
    ) -> Iterator[Any]:
        if not go_on:
            return
        pages = jpaas.page_count(walk.count, walk.rows)
        if reached_end or (pages is not None and walk.page >= pages):
            coverage = self.coverage(column.key)
            coverage.finished_walk = True
            coverage.compare_with_announced(walk.collected, walk.count)
            return
        url = jpaas.page_url(walk.api_url, walk.query, walk.page + 1, walk.rows, column.options)
        yield self.column_request(column, url, self.parse_jpaas_page, meta={"jpaas": walk})

    def parse_jpaas_page(self, response: Response) -> Iterator[Any]:
        column = self.profile.column(response.meta["column"])
        walk: JpaasWalk = response.meta["jpaas"]
        coverage = self.coverage(column.key)
        try:
            reply = jpaas.parse_unit_reply(response.text, response.url, fetched_now())
        except jpaas.JpaasReplyError as error:
            coverage.list_failures += 1
            coverage.note(f"{error}: {response.url}"[:200])
            return
        if reply.entries and _urls(reply.entries) == walk.page_urls:
            coverage.list_failures += 1
            coverage.note(
                f"page {walk.page + 1} came back as page {walk.page}: the server reads the page "
                f"from paramJson (set options.paging = 'param_json')"
            )
            return
        out, go_on = self.list_entries(column, reply.entries, response)
        yield from out
        walk = replace(
            walk,
            count=reply.count if reply.count is not None else walk.count,
            collected=walk.collected + len(reply.entries),
            page=walk.page + 1,
            page_urls=_urls(reply.entries),
        )
        yield from self._next_jpaas(column, walk, go_on, reached_end=not reply.entries)


def _urls(entries: list[ListEntry]) -> tuple[str, ...]:
    return tuple(e.url for e in entries)
