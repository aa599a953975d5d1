"""Store what the ``letters`` spider read: letter columns, letters and walks, with their pages.

Like the probe and link-check pipelines, it opens its own session, mirrors the profile's site
(and here its letter columns) and keeps every page it stores a row about as evidence.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from crawler.inspection.pipelines import _SitePipeline
from crawler.interaction.items import LetterItem, LetterWalkItem
from crawler.interaction.store import store_letter, store_walk, sync_letter_columns
from db.models import LetterColumn


class LettersPipeline(_SitePipeline):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.columns: dict[str, LetterColumn] = {}
        self.pages: dict[str, int] = {}  # URL → page id: a list page is stored once

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LettersPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        super().open_spider()
        assert self.session is not None
        spider = self.crawler.spider
        self.columns = sync_letter_columns(self.session, self.site_id, spider.columns)  # type: ignore[union-attr]
        self.session.commit()

    def _page(self, response: Any) -> int | None:
        if response is None or self.evidence is None:
            return None
        if response.url not in self.pages:
            self.pages[response.url] = self.evidence.record(response)
        return self.pages[response.url]

    def process_item(self, item: Any) -> Any:
        if self.session is None:
            return item
        if isinstance(item, LetterItem):
            column = self.columns[item.column]
            detail = self._page(item.detail_response)
            store_letter(self.session, column, item, detail, self._page(item.list_response))
            self.session.commit()
        elif isinstance(item, LetterWalkItem):
            column = self.columns[item.column]
            listed, form = self._page(item.list_response), self._page(item.form_response)
            store_walk(self.session, column, item, listed, form)
            self.session.commit()
        return item

    def close_spider(self) -> None:
        self.close_session()
