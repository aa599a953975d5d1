"""Every request a crawl loses is a row with a readable reason, and its column is not complete.

One crawl of the sample portal meets a redirect loop on a list page, endless redirects, a body
streamed past the size cap without Content-Length, a gzip bomb and a column page slower than
the timeout: Scrapy drops the loop silently, cancels the streamed body with an empty message and
refuses the bomb as ``IgnoreRequest``; each must still end as a ``request_failures`` row that a
reader understands, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.spidermiddlewares.httperror import HttpError
from sqlalchemy import select
from twisted.python.failure import Failure

from crawler.lost_requests import dropped_reason, failure_reason
from db.models import CrawlColumnResult, QuarantinedItem, RequestFailure, SiteColumn
from samplesites import faults
from samplesites.portal import SamplePortal
from samplesites.server import Request as SiteRequest
from samplesites.server import Response, serving
from tests.evidence_queries import last_run, query
from tests.reliability.conftest import Faulty, run_scrapy

CAP = 1024 * 1024
LOOP_PAGE = "/zwgk/bmdt/index_1.html"  # the second page of the TRS list 政务动态
SLOW_COLUMN = "/col/col1231/index.html"  # 图片新闻's column page
LIMITS = [
    *("-s", f"DOWNLOAD_MAXSIZE={CAP}", "-s", f"DOWNLOAD_WARNSIZE={CAP // 2}"),
    *("-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1", "-s", "REDIRECT_MAX_TIMES=3"),
]


def test_lost_requests_are_rows_with_readable_reasons_and_their_columns_incomplete(
    evidence_url: str,
) -> None:
    site = SamplePortal(months=3, departments=12, seed=3)
    assert len(site.lists["trs"]) > 20, "the TRS list needs a second page"
    streamed, bomb, endless = (p.path("bmdt") for p in site.lists["bmdt"][1:4])

    def fault(request: SiteRequest) -> Response | None:
        if request.path == LOOP_PAGE:  # index_1.html -> index_1.html?loop=1 -> index_1.html
            return faults.redirect_to(LOOP_PAGE if request.query else f"{LOOP_PAGE}?loop=1")
        if request.path == streamed:
            return faults.streamed_body(2 * CAP)
        if request.path == bomb:
            return faults.gzip_bomb(4 * CAP)
        if request.path == endless:
            return faults.endless_redirects(request)
        return None

    faulty = Faulty(site, delay=faults.slow({SLOW_COLUMN}, 3.0), override=fault)
    with serving(faulty) as server:
        log = run_scrapy(evidence_url, server.url, *LIMITS)
        base = server.url
    run = last_run(evidence_url)
    assert run.status == "finished" and run.healthy is False, log[-3000:]

    lost = {
        (kind, url.removeprefix(base)): reason
        for kind, url, reason in query(
            evidence_url,
            select(RequestFailure.page_kind, RequestFailure.url, RequestFailure.reason).where(
                RequestFailure.crawl_run_id == run.id
            ),
        )
    }
    loop = f"{base}{LOOP_PAGE}"
    hops = " → ".join(f"{base}{endless}{q}" for q in ("", "?hop=1", "?hop=2", "?hop=3"))
    assert lost == {
        ("list", LOOP_PAGE): f"redirect loop: {loop} → {loop}?loop=1 → {loop}",
        ("list", SLOW_COLUMN): "timed out after 1 s (2 attempts)",
        ("detail", streamed): "body over the 1 MiB cap (streamed without Content-Length)",
        ("detail", bomb): "decompressed body over the 1 MiB cap (gzip bomb?)",
        ("detail", endless): f"too many redirects (over 3): {hops} → …",
    }, log[-3000:]

    columns = dict(
        query(
            evidence_url,
            select(SiteColumn.key, CrawlColumnResult.status)
            .join(SiteColumn, SiteColumn.id == CrawlColumnResult.column_id)
            .where(CrawlColumnResult.crawl_run_id == run.id),
        )
    )
    assert columns == {"bmdt": "partial", "zwdt": "partial", "tpxw": "failed"}
    kept = dict(query(evidence_url, select(QuarantinedItem.url, QuarantinedItem.reason)))
    assert {url.removeprefix(base) for url in kept} == {streamed, bomb}
    assert kept[f"{base}{streamed}"] == (
        "dropped at the size cap, never parsed: "
        "body over the 1 MiB cap (streamed without Content-Length)"
    )


# ---------------------------------------------------------------- the reasons, one by one
def _failure(exception: Exception, meta: dict | None = None) -> Failure:
    request = Request("http://127.0.0.1:8999/col/col1229/index.html", meta=meta or {})
    failure = Failure(exception)
    failure.request = request  # type: ignore[attr-defined]
    return failure


@pytest.mark.parametrize(
    ("exception", "meta", "reason"),
    [
        (DownloadConnectionRefusedError("refused"), {}, "connection refused by 127.0.0.1:8999"),
        (CannotResolveHostError("x"), {"retry_times": 2}, "DNS lookup failed for 127.0.0.1"),
    ],
)
def test_connection_failures_read_as_sentences(
    exception: Exception, meta: dict, reason: str
) -> None:
    assert failure_reason(_failure(exception, meta), Settings()).startswith(reason)


def test_http_error_after_retries_names_the_status_and_the_attempts() -> None:
    request = Request("http://127.0.0.1:8999/x.html", meta={"retry_times": 3})
    response = HtmlResponse(request.url, status=503, body=b"", request=request)
    failure = _failure(HttpError(response, "Ignoring non-200 response"), {"retry_times": 3})
    assert failure_reason(failure, Settings()) == "HTTP 503 Service Unavailable (4 attempts)"


def test_a_duplicate_that_is_neither_a_redirect_nor_a_list_page_loses_nothing() -> None:
    assert dropped_reason(Request("http://x.test/a.html", meta={"page_kind": "detail"})) is None
    redirected = Request(
        "http://x.test/b.html", meta={"redirect_urls": ["http://x.test/a.html"], "page_kind": "x"}
    )
    assert dropped_reason(redirected) == (
        "redirected to a URL already requested by this run (dropped as a duplicate): "
        "http://x.test/a.html → http://x.test/b.html"
    )
