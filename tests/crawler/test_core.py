"""The core pieces on their own: profiles, health checks, list walks, redirects."""

from __future__ import annotations

import datetime as dt

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.coverage import ColumnCoverage
from crawler.health import RunFacts, evaluate
from crawler.incremental import Listed, ListWalk
from crawler.middlewares import (
    OffsiteRedirectMiddleware,
    OffsiteRedirectRefused,
    RetryBackoffMiddleware,
)
from crawler.profiles import ProfileError, load_profile, parse_profile
from crawler.spiders.portal import PortalSpider
from samplesites import sample_profile
from tests.crawls import project_crawler


def test_every_shipped_profile_loads_and_base_url_override_moves_columns() -> None:
    real = load_profile("sx-portal")
    sample = load_profile(sample_profile("sample-portal"), base_url="http://127.0.0.1:5000")
    assert real.declared_base_url == "https://www.sx.gov.cn/"
    assert sample.column("bmdt").url == "http://127.0.0.1:5000/col/col1229/index.html"
    assert sample.column("bmdt").declared_url.startswith("http://sample-portal.invalid/")
    assert "127.0.0.1" in sample.allowed_domains
    assert real.scrapy_settings()["DOWNLOAD_DELAY"] >= 1


def test_malformed_profile_names_the_problem() -> None:
    with pytest.raises(ProfileError, match="list_kind"):
        parse_profile(
            "x",
            {"name": "x", "kind": "portal", "base_url": "http://a/", "column": [
                {"key": "c", "name": "c", "list_kind": "rss", "url": "/"}
            ]},
        )  # fmt: skip
    with pytest.raises(ProfileError, match="no site profile"):
        load_profile("no-such-site")


def _facts(reason: str = "finished", **columns: ColumnCoverage) -> RunFacts:
    stats = {"downloader/request_count": 100}
    return RunFacts(reason, stats, columns, max_error_rate=0.05, max_parse_failure_rate=0.02)


def test_column_that_normally_has_items_but_returned_none_makes_run_unhealthy() -> None:
    empty = ColumnCoverage("bmdt", list_pages=1, finished_walk=True)
    full = ColumnCoverage("zwdt", list_pages=2, entries=30, finished_walk=True)
    problems = evaluate(_facts(bmdt=empty, zwdt=full))
    assert problems == [
        "columns that normally have items returned some: "
        "column bmdt normally has items but returned none"
    ]
    assert evaluate(_facts(zwdt=full)) == []


def test_error_rate_and_abnormal_finish_are_reported_by_name() -> None:
    noisy = ColumnCoverage("bmdt", list_pages=3, entries=40, detail_failures=9, finished_walk=True)
    problems = evaluate(_facts("shutdown", bmdt=noisy))
    assert any(p.startswith("finished normally:") for p in problems)
    assert any(p.startswith("request error rate under the threshold:") for p in problems)
    assert noisy.status() == "partial"
    assert ColumnCoverage("x", list_failures=1).status() == "failed"
    assert ColumnCoverage("x", blocked=True).status() == "blocked"


def _page(*entries: str) -> list[Listed]:
    """List entries as "state:YYYY-MM-DD" (or "state" for an undated entry), in list order."""
    out = []
    for text in entries:
        state, _, day = text.partition(":")
        out.append(Listed(state, dt.date.fromisoformat(day) if day else None))  # type: ignore[arg-type]
    return out


def test_list_walk_stops_after_the_page_showing_a_stored_item_unless_full() -> None:
    walk = ListWalk()
    assert walk.next_page_wanted(_page("new:2012-03-05", "new:2012-03-04"))
    assert not walk.next_page_wanted(_page("new:2012-03-03", "stored:2012-03-02", "stored"))
    assert ListWalk(overlap=1).next_page_wanted(_page("stored:2012-03-02"))
    full = ListWalk(full=True)
    assert all(full.next_page_wanted(_page("stored:2012-03-02")) for _ in range(5))


def test_pinned_stored_item_above_new_ones_does_not_stop_the_walk() -> None:
    pinned = _page("stored:2012-01-09", "new:2012-03-05", "new:2012-03-04", "new:2012-03-03")
    assert ListWalk().next_page_wanted(pinned)
    pinned_then_stored = [*pinned, *_page("stored:2012-03-01", "stored:2012-02-28")]
    assert not ListWalk().next_page_wanted(pinned_then_stored)


def test_new_item_listed_below_every_stored_one_keeps_the_walk_going() -> None:
    assert ListWalk().next_page_wanted(_page("stored:2012-03-05", "new:2012-03-04"))
    assert ListWalk().next_page_wanted(_page("stored", "new"))  # undated: nothing proven
    assert not ListWalk().next_page_wanted(_page("stored", "requested"))  # nothing new at all
    assert ListWalk().next_page_wanted(_page("requested", "requested"))  # no stored item


def test_redirect_leaving_the_site_is_refused_and_one_inside_is_kept() -> None:
    crawler = project_crawler(PortalSpider)
    crawler.spider = PortalSpider(
        site=sample_profile("sample-portal"), base_url="http://127.0.0.1:5000"
    )
    crawler.stats.open_spider()
    middleware = OffsiteRedirectMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1:5000/col/col1229/index.html")
    inside = Response(request.url, status=302, headers={"Location": "/col/col1229/index_1.html"})
    outside = Response(request.url, status=302, headers={"Location": "http://ad.example.com/"})
    assert middleware.process_response(request, inside) is inside
    with pytest.raises(OffsiteRedirectRefused):
        middleware.process_response(request, outside)
    assert crawler.stats.get_value("egov/offsite_redirect_refused") == 1


@pytest.mark.parametrize("settings", [{"RETRY_ENABLED": False}, {"RETRY_TIMES": 0}])
def test_retry_backoff_switches_off_when_nothing_is_retried(settings: dict[str, object]) -> None:
    with pytest.raises(NotConfigured):
        RetryBackoffMiddleware.from_crawler(project_crawler(settings=settings))
    backoff = RetryBackoffMiddleware.from_crawler(project_crawler())
    assert (backoff.base, backoff.maximum) == (0.5, 30.0)  # crawler/settings.py's defaults
