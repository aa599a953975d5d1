"""The ``disclosure`` spider: each department's document list on the disclosure platform.

``uv run scrapy crawl disclosure -a site=sx-xxgk [-a base_url=http://127.0.0.1:PORT] [-a full=1]``

Lists (newest first) come in the layouts chosen per column in the site profile: TRS static
pages (``index.html``, ``index_N.html``, page count from ``createPageHTML``), Hanweb 信息公开
(``POST /module/xxgk/search.jsp`` with ``currpage``, either row layout), JPaaS and jpage
(:mod:`crawler.paged_walks`) and generic selectors. Only documents not stored yet are fetched;
a walk stops after the list page proving that nothing new lies below (:mod:`crawler.incremental`;
unless ``full=1``). Each detail page is stored as evidence and its metadata table read
(:mod:`crawler.disclosure.metadata`); a page without a metadata table or a title is
quarantined. A page without 发布日期 takes the list's date (counted in the stats); the signing
date comes from the table's 成文日期, else the body's 落款 (where it came from is stored), else
the document is stored undated. A list says nothing about who issued a document (an xxgk search
may return a whole area's): the pipeline attributes it by the page's 发布机构, else by the
catalogue column in its link (the profile's ``[catalogue]``), else by the column's department.
:mod:`crawler.disclosure.pipeline` stores the documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from scrapy.http import Response, TextResponse

from crawler.disclosure import xxgk
from crawler.disclosure.items import DisclosureDocumentItem, SeenDocumentItem
from crawler.disclosure.metadata import parse_metadata
from crawler.incremental import Stored, stored_documents
from crawler.listing import ListEntry
from crawler.paged_walks import PagedListWalks
from crawler.profiles import ColumnProfile
from crawler.quarantine import spider_date_problem
from crawler.spiders.base import SiteSpider


class DisclosureSpider(PagedListWalks, SiteSpider):
    name = "disclosure"
    site_kind = "disclosure"
    custom_settings = {  # noqa: RUF012 (Scrapy reads this class attribute as is)
        "ITEM_PIPELINES": {"crawler.disclosure.pipeline.DisclosureDocumentPipeline": 310},
    }

    stored_lookup = stored_documents
    list_callbacks: ClassVar[dict[str, str]] = {
        "trs": "parse_trs_list",
        "xxgk": "parse_xxgk_list",
        "jpaas": "parse_jpaas_column",
        "jpage": "parse_jpage_column",
        "generic": "parse_generic_list",
    }

    def seen_item(
        self, canonical: str, column: ColumnProfile, entry: ListEntry, stored: Stored | None
    ) -> SeenDocumentItem:
        """A document already stored: only its last sighting is updated."""
        return SeenDocumentItem(canonical, column.key, stored.id if stored else None)

    def first_list_request(self, column: ColumnProfile) -> Any:
        if column.list_kind == "xxgk":
            return self._xxgk_request(column, 1)
        return super().first_list_request(column)

    # ---------------------------------------------------------------- lists
    def _xxgk_request(self, column: ColumnProfile, page: int, count: int | None = None) -> Any:
        return self.column_request(
            column,
            column.url,
            self.parse_xxgk_list,
            formdata=xxgk.form_for(column.options, page),
            headers=xxgk.headers_for(column.options),
            meta={"list_index": page, "page_count": count},
            dont_filter=True,  # the same URL with another form body is another page
        )

    def parse_xxgk_list(self, response: Response) -> Iterator[Any]:
        column = self.profile.column(response.meta["column"])
        page = response.meta["list_index"]
        count = response.meta.get("page_count") or xxgk.page_count(response.text)
        entries = xxgk.parse_list(response.text, response.url, column.options, self.now())
        out, go_on = self.list_entries(column, entries, response)
        yield from out
        if not go_on:
            return
        # Without a page count, walk on until a page comes back empty.
        if not entries or (count is not None and page >= count):
            self.coverage(column.key).finished_walk = True
            return
        yield self._xxgk_request(column, page + 1, count)

    # ---------------------------------------------------------------- details
    def parse_detail(self, response: Response) -> Iterator[Any]:
        column_key = response.meta["column"]
        entry: ListEntry = response.meta["entry"]
        if not isinstance(response, TextResponse):
            yield from self.quarantine_page(response, "detail page is not an HTML page")
            return
        if self.soft_404(response):  # the site's error page: gone, never a post
            return
        if response.status >= 400:
            yield from self.quarantine_page(
                response, f"detail page answered HTTP {response.status}"
            )
            return
        meta = parse_metadata(response.text)
        title = meta.title or entry.title
        if not meta.has_table or not title:
            missing = "metadata table (索引号/文号/日期)" if not meta.has_table else "title"
            yield from self.quarantine_page(response, f"no {missing} on the detail page")
            return
        published, from_list = meta.published_on, False
        if published is None and entry.listed_on is not None:
            published, from_list = entry.listed_on, True
            self.crawler.stats.inc_value("egov/disclosure/published_from_list")
        for label, day in (("发布日期", published), ("成文日期", meta.signed_on)):
            if day is not None and (problem := spider_date_problem(self, day)):
                yield from self.quarantine_page(response, f"{label} {problem}")
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
            signed_on_source=meta.signed_source,
            department_hint=self.profile.catalogue.get(xxgk.link_column(entry.url) or ""),
        )
