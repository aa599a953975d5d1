"""Scraped items are logged only when the crawl logs at DEBUG."""

from __future__ import annotations

from scrapy import Spider
from scrapy.utils.test import get_crawler

from crawler.logformatter import ItemLogFormatter, logs_debug


def test_items_are_logged_at_debug_only() -> None:
    spider = Spider("any")
    quiet = ItemLogFormatter.from_crawler(get_crawler(settings_dict={"LOG_LEVEL": "INFO"}))
    loud = ItemLogFormatter.from_crawler(get_crawler(settings_dict={"LOG_LEVEL": "DEBUG"}))
    assert quiet.scraped({"a": 1}, None, spider) is None
    assert loud.scraped({"a": 1}, None, spider) is not None
    assert logs_debug(10) and not logs_debug("warning")
