"""Telling a page the site says is gone from one the crawl failed to read (crawler.gone)."""

from __future__ import annotations

import datetime as dt

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError as TwistedTimeout
from twisted.python.failure import Failure

from crawler.gone import gone_reason, gone_status, soft_404
from samplesites.pages.portal import detail_meta, error_page
from samplesites.portal import SHANGHAI


def _http_failure(status: int) -> Failure:
    url = "http://127.0.0.1:9/art/1.html"
    response = HtmlResponse(url=url, status=status, body=b"", request=Request(url))
    return Failure(HttpError(response, "ignored"))


def test_404_and_410_are_gone_but_5xx_and_timeouts_are_crawl_failures() -> None:
    assert gone_status(_http_failure(404)) == 404
    assert gone_status(_http_failure(410)) == 410
    assert gone_status(_http_failure(503)) is None
    assert gone_status(Failure(TwistedTimeout())) is None


def test_error_page_with_status_200_is_a_soft_404_and_an_article_is_not() -> None:
    assert soft_404(error_page()) == "您访问的页面不存在"
    when = dt.datetime(2012, 12, 3, 9, tzinfo=SHANGHAI)
    article = detail_meta("市发改委召开会议", when, "市发改委", "部门动态")
    assert soft_404(article) is None
    long_article = article.replace("部署相关工作。", "部署相关工作。" * 80 + "页面不存在")
    assert soft_404(long_article) is None  # the wording inside a real article body


def test_a_profiles_own_error_page_marker_is_enough_whatever_the_page_length() -> None:
    page = "<html><body>" + "导航" * 400 + "<p>您要访问的信息已被删除</p></body></html>"
    assert soft_404(page) is None
    assert soft_404(page, "您要访问的信息已被删除") == "您要访问的信息已被删除"


def test_gone_reason_says_what_the_site_answered() -> None:
    assert gone_reason(404, []) == "HTTP 404 Not Found"
    chain = ["http://x/art/1.html", "http://x/error.html"]
    assert gone_reason(200, chain, "页面不存在") == (
        "redirected to an error page: error page saying 页面不存在 (HTTP 200) at the end of "
        "http://x/art/1.html → http://x/error.html"
    )
