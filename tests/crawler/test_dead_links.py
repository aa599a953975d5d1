"""A dead link on the site is the site's failure, never the crawl's (`scrapy crawl portal`).

The sample portal lists posts whose article page is gone: 404, 410, a soft-404 page answered
with status 200, a 302 to the site's error page. The walk stays complete, the gone pages are
recorded with their list entries, and a page that comes back is stored on the next full walk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from db.models import CrawlColumnResult, GonePage, PortalPost, RequestFailure
from samplesites.portal import SamplePortal
from samplesites.server import LocalServer, Request, Response, serving
from tests.crawler.conftest import CrawlResult, crawl
from tests.evidence_queries import counted, query

pytestmark = pytest.mark.slow
EXPECTED = {  # how each kind of dead article is recorded: status, words of the reason
    "404": (404, "HTTP 404"),
    "410": (410, "HTTP 410"),
    "soft404": (200, "页面不存在"),
    "redirect": (302, "redirected to an error page"),
}


@dataclass
class DeadSite:
    url: str
    site: SamplePortal
    server: LocalServer
    first: CrawlResult


@pytest.fixture(scope="module")
def dead_site(module_database_url: str) -> Iterator[DeadSite]:
    """A sample portal with 4 dead articles (one of each kind), crawled once, still serving."""
    site = SamplePortal(months=2, departments=6, dead_articles=4)
    with serving(site) as server:
        first = crawl(module_database_url, server.url)
        assert first.returncode == 0, first.log[-3000:]
        yield DeadSite(module_database_url, site, server, first)


def _statuses(url: str, run_id: int) -> set[str]:
    walks = select(CrawlColumnResult.status).where(CrawlColumnResult.crawl_run_id == run_id)
    rows = query(url, walks)
    return {status for (status,) in rows}


def _gone(url: str) -> dict[str, tuple[int, str, str, object]]:
    rows = query(
        url,
        select(GonePage.url, GonePage.http_status, GonePage.reason, GonePage.list_title,
               GonePage.list_date),
    )  # fmt: skip
    return {u: (status, reason, title, day) for u, status, reason, title, day in rows}


def test_dead_articles_leave_the_columns_complete_and_the_run_healthy(dead_site: DeadSite) -> None:
    run = dead_site.first.run
    assert run.status == "finished" and run.healthy, run.health_problems
    assert _statuses(dead_site.url, run.id) == {"complete"}
    assert query(dead_site.url, select(RequestFailure.url)) == []
    assert counted(dead_site.url) == dict(dead_site.site.truth)


def test_each_gone_page_is_recorded_with_its_list_entry_and_what_the_site_answered(
    dead_site: DeadSite,
) -> None:
    site = dead_site.site
    gone = _gone(dead_site.url)
    assert len(gone) == 4
    by_title = {title: (status, reason, day) for status, reason, title, day in gone.values()}
    for post_id, kind in site.dead.items():
        post = site.by_id[post_id]
        status, reason, day = by_title[post.title]
        assert day == post.published.date()
        expected_status, expected_words = EXPECTED[kind]
        assert status == expected_status and expected_words in reason, (kind, reason)


def test_soft_404_pages_are_never_stored_as_posts(dead_site: DeadSite) -> None:
    titles = {t for (t,) in query(dead_site.url, select(PortalPost.title))}
    dead_titles = {dead_site.site.by_id[i].title for i in dead_site.site.dead}
    assert not titles & dead_titles
    assert not any("页面不存在" in t for t in titles)


def test_gone_page_is_asked_for_again_only_on_the_full_walk_and_stored_when_it_came_back(
    dead_site: DeadSite,
) -> None:
    site, server = dead_site.site, dead_site.server
    back = next(i for i, kind in site.dead.items() if kind == "404")
    site.revive(back)
    before = dict(site.requests)
    nightly = crawl(dead_site.url, server.url)
    assert nightly.returncode == 0 and _statuses(dead_site.url, nightly.run.id) == {"complete"}
    assert site.requests["detail"] == before.get("detail", 0)  # no gone page asked for again
    assert len(_gone(dead_site.url)) == 4  # still reported while it stays gone

    weekly = crawl(dead_site.url, server.url, "-a", "full=1")
    assert weekly.returncode == 0 and _statuses(dead_site.url, weekly.run.id) == {"complete"}
    titles = {t for (t,) in query(dead_site.url, select(PortalPost.title))}
    assert site.by_id[back].title in titles
    assert counted(dead_site.url) == dict(site.truth)


def test_a_503_on_an_article_still_makes_its_column_partial(module_database_url: str) -> None:
    site = SamplePortal(year=2013, seed=7, months=1, departments=3)  # posts not stored yet
    victim = site.lists["bmdt"][3].path()

    def answer(request: Request) -> Response:
        if request.path == victim:
            return Response(503, b"<html><body>Service Unavailable</body></html>")
        return site(request)

    with serving(answer) as server:
        result = crawl(module_database_url, server.url, "-s", "RETRY_TIMES=1")
    rows = query(
        module_database_url,
        select(CrawlColumnResult.status).where(CrawlColumnResult.crawl_run_id == result.run.id),
    )
    assert "partial" in {status for (status,) in rows}
