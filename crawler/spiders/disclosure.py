"""The ``disclosure`` spider: each department's document list on the disclosure platform.

``uv run scrapy crawl disclosure -a site=sx-xxgk [-a base_url=http://127.0.0.1:PORT] [-a full=1]``

Lists (newest first) come in three layouts, chosen per column in the site profile: TRS static
pages (``index.html``, ``index_N.html``, page count from ``createPageHTML``), Hanweb 信息公开
(``POST /module/xxgk/search.jsp`` with ``currpage``) and generic selectors. Only documents not
stored yet are fetched; a walk stops once EGOV_INCREMENTAL_OVERLAP_PAGES list pages brought
nothing new (unless ``full=1``). Each detail page is stored as evidence and its metadata table
read (:mod:`crawler.disclosure.metadata`); a page without a metadata table or a title is
quarantined. A page without 发布日期 takes the list's date (counted in the stats); one without
成文日期 is stored undated. :mod:`crawler.disclosure.pipeline` stores the documents.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse

from crawler.disclosure import xxgk
from crawler.disclosure.items import DisclosureDocumentItem, SeenDocumentItem
from crawler.disclosure.metadata import parse_metadata
from crawler.evidence import sha256_of
from crawler.incremental import ListWalk, known_urls
from crawler.listing import ListEntry, generic, trs
from crawler.profiles import ColumnProfile
from crawler.quarantine import spider_date_problem
from crawler.resume import columns_to_walk_whole
from crawler.spiders.base import SiteSpider
from crawler.urls import canonical_url
from db.models import DisclosureDocument, QuarantinedItem


class DisclosureSpider(SiteSpider):
    name = "disclosure"
    site_kind = "disclosure"
    custom_settings = {  # noqa: RUF012 (Scrapy reads this class attribute as is)
        "ITEM_PIPELINES": {
            "crawler.pipelines.PortalPostPipeline": 300,
            "crawler.disclosure.pipeline.DisclosureDocumentPipeline": 310,
        },
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known: set[str] = set()
        self.requested: set[str] = set()
        self.walks: dict[str, ListWalk] = {}

    async def start(self) -> AsyncIterator[Any]:
        assert self.recorder is not None, "the CrawlRecording extension is not enabled"
        recorder = self.recorder
        self.known = known_urls(
            recorder.session, DisclosureDocument.url, DisclosureDocument.site_id, recorder.site.id
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
            if column.list_kind == "trs":
                yield self.column_request(
                    column, column.url, self.parse_trs_list, meta={"list_index": 0}
                )
            elif column.list_kind == "xxgk":
                yield self._xxgk_request(column, 1)
            elif column.list_kind == "generic":
                yield self.column_request(column, column.url, self.parse_generic_list)
            else:
                self.coverage(column.key).note(f"list kind {column.list_kind} not for disclosure")

    # ---------------------------------------------------------------- lists
    def _entries(self, column: ColumnProfile, entries: list[ListEntry]) -> tuple[list[Any], bool]:
        """Turn list entries into detail requests; return them and whether to walk on."""
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
                out.append(SeenDocumentItem(canon, column.key))
                continue
            self.requested.add(canon)
            new += 1
            meta = {"canonical_url": canon, "entry": entry}
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

    def parse_trs_list(self, response: Response) -> Iterator[Any]:
        column = self.profile.column(response.meta["column"])
        index = response.meta["list_index"]
        count = response.meta.get("page_count") or trs.page_count(response.text)
        out, go_on = self._entries(
            column, trs.parse_list(response.text, response.url, column.options)
        )
        yield from out
        if not go_on:
            return
        if index + 1 >= count:
            self.coverage(column.key).finished_walk = True
            return
        url = trs.page_url(column.url, index + 1, column.options)
        meta = {"list_index": index + 1, "page_count": count}
        yield self.column_request(column, url, self.parse_trs_list, meta=meta)

    def _xxgk_request(self, column: ColumnProfile, page: int, count: int | None = None) -> Any:
        return self.column_request(
            column,
            column.url,
            self.parse_xxgk_list,
            formdata=xxgk.form_for(column.options, page),
            meta={"list_index": page, "page_count": count},
            dont_filter=True,  # the same URL with another form body is another page
        )

    def parse_xxgk_list(self, response: Response) -> Iterator[Any]:
        column = self.profile.column(response.meta["column"])
        page = response.meta["list_index"]
        count = response.meta.get("page_count") or xxgk.page_count(response.text)
        entries = xxgk.parse_list(response.text, response.url, column.options)
        out, go_on = self._entries(column, entries)
        yield from out
        if not go_on:
            return
        # Without a page count, walk on until a page comes back empty.
        if not entries or (count is not None and page >= count):
            self.coverage(column.key).finished_walk = True
            return
        yield self._xxgk_request(column, page + 1, count)

    def parse_generic_list(self, response: Response) -> Iterator[Any]:
        column = self.profile.column(response.meta["column"])
        entries = generic.parse_list(response.text, response.url, column.options)
        out, go_on = self._entries(column, entries)
        yield from out
        if not go_on:
            return
        following = generic.next_page(response.text, response.url, column.options)
        if following is None or following == response.url:
            self.coverage(column.key).finished_walk = True
            return
        yield self.column_request(column, following, self.parse_generic_list)

    # ---------------------------------------------------------------- details
    def parse_detail(self, response: Response) -> Iterator[Any]:
        column_key = response.meta["column"]
        entry: ListEntry = response.meta["entry"]
        if not isinstance(response, TextResponse):
            yield from self._quarantine(response, "detail page is not an HTML page")
            return
        if response.status >= 400:
            yield from self._quarantine(response, f"detail page answered HTTP {response.status}")
            return
        meta = parse_metadata(response.text)
        title = meta.title or entry.title
        if not meta.has_table or not title:
            missing = "metadata table (索引号/文号/日期)" if not meta.has_table else "title"
            yield from self._quarantine(response, f"no {missing} on the detail page")
            return
        published, from_list = meta.published_on, False
        if published is None and entry.listed_on is not None:
            published, from_list = entry.listed_on, True
            self.crawler.stats.inc_value("egov/disclosure/published_from_list")
        for label, day in (("发布日期", published), ("成文日期", meta.signed_on)):
            if day is not None and (problem := spider_date_problem(self, day)):
                yield from self._quarantine(response, f"{label} {problem}")
                return
        for problem in meta.problems:
            self.crawler.stats.inc_value("egov/disclosure/metadata_problems")
            self.logger.info("%s: %s", response.url, problem)
        self.coverage(column_key).details += 1
        yield DisclosureDocumentItem(
            url=response.meta["canonical_url"],
            column_key=column_key,
            title=title,
            index_no=meta.index_no,
            doc_number=meta.doc_number,
            issuer_text=meta.issuer,
            signed_on=meta.signed_on,
            published_on=published,
            validity=meta.validity,
            page_id=self.page_id(response),
            published_from_list=from_list,
        )

    def _quarantine(self, response: Response, reason: str) -> Iterator[Any]:
        assert self.recorder is not None
        self.crawler.stats.inc_value("egov/parse_failures")
        self.recorder.session.add(
            QuarantinedItem(
                url=response.url[:1024],
                reason=reason,
                sha256=sha256_of(response.body),  # the body is kept as evidence
                crawl_run_id=self.recorder.run.id,
            )
        )
        self.recorder.wrote()
        self.logger.warning("quarantined %s: %s", response.url, reason)
        return iter(())
