"""Scrapy's log formatter, without building a DEBUG record per item nobody will read.

Scrapy logs every scraped item at DEBUG ("Scraped from <200 …>" with the item's repr). Its
root logger lets every record through to the handler, which drops it below LOG_LEVEL: the
record and the caller lookup are paid for each post (about 1% of a crawl's CPU).
:class:`ItemLogFormatter` (LOG_FORMATTER) skips that message unless the crawl logs at DEBUG;
every other message is Scrapy's.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


def logs_debug(level: Any) -> bool:
    """Return True when the LOG_LEVEL setting (a name or a number) lets DEBUG through."""
    number = level if isinstance(level, int) else logging.getLevelName(str(level).upper())
    return not isinstance(number, int) or number <= logging.DEBUG  # unknown: as Scrapy would


class ItemLogFormatter(LogFormatter):
    """Log scraped items only when the crawl logs at DEBUG."""

    items_logged = True

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ItemLogFormatter:
        formatter = cls()
        settings = crawler.settings
        formatter.items_logged = settings.getbool("LOG_ENABLED") and logs_debug(
            settings.get("LOG_LEVEL")
        )
        return formatter

    def scraped(  # type: ignore[override]
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult | None:
        if not self.items_logged:
            return None
        return super().scraped(item, response, spider)
