"""Quarantine (隔离) what cannot become evidence, with its URL and reason, and crawl on.

Three ways a page is rejected rather than read, all ending in a ``quarantined_items`` row and
the ``egov/parse_failures`` stat that the health check (:mod:`crawler.health`) weighs:

- :class:`QuarantineMiddleware` (spider middleware): a callback raised on a page nobody foresaw
  (control characters, nested garbage, …). The page is quarantined with the exception as the
  reason, its column's coverage counts a failure (so the column is not read as complete), and
  the crawl goes on with the other pages.
- :func:`date_problem`: a post dated in the future or before the site could have existed is
  not counted for a month it cannot belong to (EGOV_DATE_EARLIEST_YEAR,
  EGOV_DATE_FUTURE_MARGIN_DAYS).
- :func:`quarantine_failure`: a body over DOWNLOAD_MAXSIZE, announced in Content-Length,
  streamed without it, or inflating past it (a gzip bomb): the body is dropped, never parsed;
  the URL and the reason are kept (:mod:`crawler.lost_requests`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DropItem, IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.lost_requests import is_decompression_bomb, is_over_cap
from crawler.recording import CrawlRecording
from db.models import PageKind, utcnow

logger = logging.getLogger(__name__)
PASS_THROUGH = (CloseSpider, HttpError, IgnoreRequest, DropItem)


def quarantine(
    recorder: CrawlRecording | None, url: str, reason: str, body: bytes | None = None
) -> bool:
    """Quarantine ``url`` in the run of ``recorder``; False when no run is recorded."""
    if recorder is None or recorder.writer is None:
        return False
    recorder.quarantine(url, reason, body)
    return True


def date_problem(
    published: dt.datetime | dt.date,
    *,
    now: dt.datetime | None = None,
    earliest_year: int,
    future_margin_days: float,
) -> str | None:
    """Return why ``published`` cannot be a real publication date, or None if it can be."""
    now = now or utcnow()
    if isinstance(published, dt.datetime):
        latest = now + dt.timedelta(days=future_margin_days)
        too_late = published > latest
    else:
        too_late = published > (now + dt.timedelta(days=future_margin_days)).date()
    if too_late:
        return f"date {published.isoformat()} is in the future"
    if published.year < earliest_year:
        return f"date {published.isoformat()} is before {earliest_year}"
    return None


def spider_date_problem(spider: Spider, published: dt.datetime | dt.date) -> str | None:
    """:func:`date_problem` with the spider's EGOV_DATE_* settings and crawl clock."""
    settings = spider.crawler.settings
    recording = spider.crawler.get_extension(CrawlRecording)
    return date_problem(
        published,
        now=recording.clock() if recording is not None else None,
        earliest_year=settings.getint("EGOV_DATE_EARLIEST_YEAR"),
        future_margin_days=settings.getfloat("EGOV_DATE_FUTURE_MARGIN_DAYS"),
    )


def quarantine_failure(recorder: CrawlRecording | None, failure: Failure, reason: str) -> bool:
    """Quarantine a download dropped for being over the size cap; True if it was one."""
    if not (is_over_cap(failure) or is_decompression_bomb(failure)):
        return False
    request = failure.request  # type: ignore[attr-defined]
    if recorder is not None:
        recorder.crawler.stats.inc_value("egov/body_over_cap")
    return quarantine(recorder, request.url, f"dropped at the size cap, never parsed: {reason}")


class QuarantineMiddleware:
    """Turn an exception in a callback into a quarantined page and a column failure."""

    def __init__(self, recording: CrawlRecording) -> None:
        self.recording = recording

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QuarantineMiddleware:
        recording = crawler.get_extension(CrawlRecording)
        if recording is None:
            raise NotConfigured("no crawl recording: nothing to quarantine into")
        return cls(recording)

    def process_spider_exception(
        self, response: Response, exception: Exception
    ) -> Iterable[Any] | None:
        if isinstance(exception, PASS_THROUGH):
            return None  # errbacks, coverage and the engine handle these
        reason = f"parser error {type(exception).__name__}: {exception}"[:500]
        if not quarantine(self.recording, response.url, reason, response.body):
            return None  # not a recorded site crawl: let Scrapy log it as usual
        key = response.meta.get("column")
        coverage = self.recording.coverage.get(key) if key else None
        if coverage is not None:
            if response.meta.get("page_kind") == PageKind.LIST:
                coverage.list_failures += 1
            else:
                coverage.detail_failures += 1
            coverage.note(f"quarantined after a parser error: {response.url}"[:200])
        logger.error("parser error on %s", response.url, exc_info=exception)
        return []  # handled: the crawl goes on
