"""Tell a page the site says is gone from a page the crawl failed to read.

A definitive answer from the site about one listed page is evidence about the site, not a
failure of the crawl: HTTP 404 or 410 (reached directly or at the end of a redirect), or a
soft-404 page (status 200, or a redirect to an error page, saying 页面不存在 with no article
body). Such a page is recorded as gone (``gone_pages``) and its column's walk stays complete.
Timeouts, refused connections, 5xx, bodies over the cap and anti-bot challenges say nothing
about the page: they stay lost requests (:mod:`crawler.lost_requests`).

A soft 404 is recognised by the usual wording (:data:`SOFT_404_WORDS`) on a page whose visible
text is too short to hold an article (:data:`ARTICLE_BODY_CHARS`), or by the profile's own marker
of the site's error page (``[detail] error_page = "…"``), which is enough on its own.
"""

from __future__ import annotations

from scrapy.spidermiddlewares.httperror import HttpError
from sqlalchemy import Connection, select
from twisted.python.failure import Failure

from crawler.pagetext import visible_text
from db.models import GonePage

GONE_STATUSES = {404: "HTTP 404 Not Found", 410: "HTTP 410 Gone"}
SOFT_404_WORDS = (
    "您访问的页面不存在",
    "页面不存在",
    "页面已删除",
    "信息已删除",
    "页面未找到",
    "页面已失效",
    "找不到该页面",
)
ARTICLE_BODY_CHARS = 300  # visible characters: fewer cannot hold an article beside the wording


def gone_status(failure: Failure) -> int | None:
    """The status of a failure that says the page is gone (404, 410), else None."""
    if failure.check(HttpError):
        status = int(failure.value.response.status)
        return status if status in GONE_STATUSES else None
    return None


def soft_404(html: str, marker: str | None = None) -> str | None:
    """The error wording of a soft-404 page (``html``), or None for a page with an article."""
    if marker and marker in html:
        return marker
    if not any(word in html for word in SOFT_404_WORDS):  # most pages: no parsing at all
        return None
    text = visible_text(html)
    word = next((w for w in SOFT_404_WORDS if w in text), None)
    if word is None:
        return None
    return word if len("".join(text.split())) < ARTICLE_BODY_CHARS else None


def gone_reason(status: int, redirects: list[str], wording: str | None = None) -> str:
    """One readable line: what the site answered for a gone page."""
    answer = GONE_STATUSES.get(status) or f"HTTP {status}"
    if wording:
        answer = f"error page saying {wording} (HTTP {status})"
    if redirects:
        return f"redirected to an error page: {answer} at the end of {' → '.join(redirects)}"
    return answer


def gone_urls(connection: Connection, site_id: int, urls: list[str]) -> set[str]:
    """Which of ``urls`` (canonical) a run of the site recorded as gone: one indexed query."""
    found: set[str] = set()
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        rows = connection.execute(
            select(GonePage.url).where(GonePage.site_id == site_id, GonePage.url.in_(chunk))
        )
        found.update(url for (url,) in rows)
    return found
