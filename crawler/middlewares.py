"""Downloader and spider middlewares: anti-bot detection, redirects, backoff, evidence.

- :class:`AntiBotChallengeMiddleware` recognises the JavaScript cookie challenge of
  Chinese WAFs (加速乐/知道创宇: HTTP 521, ``__jsluid`` cookies, a script that sets
  ``document.cookie``) and fails the request with :class:`AntiBotBlocked`. The page is never
  handed to a parser, so a challenge is never read as an empty list.
- :class:`OffsiteRedirectMiddleware` refuses redirects that leave the allowed domains (a
  column redirected to a portal elsewhere is a fault to report, not a site to crawl).
- :class:`RetryBackoffMiddleware` waits before a retried request, doubling each time.
- :class:`EvidenceMiddleware` stores every response that reaches a spider (error pages
  included) through the crawl's evidence writer (:class:`crawler.recording.CrawlRecording`) and
  puts its :class:`~crawler.evidence.PageId` in ``response.meta["evidence_page_id"]``.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from crawler.recording import CrawlRecording

logger = logging.getLogger(__name__)
EVIDENCE_META = "evidence_page_id"


class AntiBotBlocked(IgnoreRequest):
    """The site answered with an anti-bot challenge instead of the page."""


class OffsiteRedirectRefused(IgnoreRequest):
    """A redirect pointed outside the allowed domains."""


def is_antibot_challenge(response: Response) -> bool:
    """Return True when ``response`` is a JavaScript cookie challenge, not the page asked for."""
    if response.status == 521:
        return True
    cookies = b" ".join(response.headers.getlist(b"Set-Cookie"))
    head = response.body[:4096]
    challenge_script = b"<script" in head and b"document.cookie" in head
    return (b"__jsluid" in cookies or b"__jsl_clearance" in head) and (
        challenge_script or response.status in (403, 412)
    )


class AntiBotChallengeMiddleware:
    """Fail challenged requests with :class:`AntiBotBlocked` and count them."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AntiBotChallengeMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if is_antibot_challenge(response):
            self.stats.inc_value("egov/antibot/blocked")
            logger.warning(
                "blocked by anti-bot challenge (HTTP %s) at %s", response.status, request.url
            )
            raise AntiBotBlocked(f"blocked by anti-bot challenge (HTTP {response.status})")
        return response


class OffsiteRedirectMiddleware:
    """Refuse 3xx responses whose Location leaves the spider's allowed domains."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OffsiteRedirectMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400 and location):
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        host = urlsplit(target).hostname or ""
        allowed = getattr(self.crawler.spider, "allowed_domains", None) or []
        if allowed and not any(host == d or host.endswith("." + d) for d in allowed):
            self.stats.inc_value("egov/offsite_redirect_refused")
            logger.warning("refused off-site redirect %s -> %s", request.url, target)
            raise OffsiteRedirectRefused(f"off-site redirect refused: {target}")
        return response


class RetryBackoffMiddleware:
    """Wait ``base * 2**(n-1)`` seconds (at most ``max``) before the n-th retry of a request."""

    def __init__(self, base: float, maximum: float) -> None:
        self.base, self.maximum = base, maximum

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryBackoffMiddleware:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED") or settings.getint("RETRY_TIMES") < 1:
            raise NotConfigured  # nothing is retried (probes, link checks): nothing to wait for
        return cls(
            settings.getfloat("EGOV_RETRY_BACKOFF_BASE"),
            settings.getfloat("EGOV_RETRY_BACKOFF_MAX"),
        )

    async def process_request(self, request: Request) -> None:
        retries = int(request.meta.get("retry_times", 0))
        if retries and self.base > 0:
            await asyncio.sleep(min(self.base * 2 ** (retries - 1), self.maximum))


class EvidenceMiddleware:
    """Store each response reaching the spider; see ``crawler.evidence``."""

    def __init__(self, recording: CrawlRecording) -> None:
        self.recording = recording

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EvidenceMiddleware:
        recording = crawler.get_extension(CrawlRecording)
        if recording is None:
            raise NotConfigured("no crawl recording: responses are not stored")
        return cls(recording)

    def process_spider_input(self, response: Response) -> None:
        writer = self.recording.writer
        if writer is None or EVIDENCE_META in response.meta:
            return
        response.meta[EVIDENCE_META] = writer.page(response)
