"""`scrapy crawl probe` against the sample: status, latency and error stored, the page kept."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.models import FetchedPage, ProbeResult
from samplesites.inspection import HOME_NEWEST_AGE, SLOW_SECONDS
from tests.evidence_queries import query
from tests.inspection.conftest import at, scrapy

pytestmark = pytest.mark.slow


def _probes(url: str) -> dict[str, ProbeResult]:
    rows = query(url, select(ProbeResult).order_by(ProbeResult.id))
    return {row[0].target: row[0] for row in rows}


@pytest.fixture
def home(servers):
    yield servers.site
    servers.site.home_state = "up"


def test_a_probe_stores_status_load_time_newest_home_item_and_the_page(
    sqlite_url, servers, home, today
):
    scrapy(sqlite_url, "probe", servers.base_url, clock=at(today, 9))
    probes = _probes(sqlite_url)
    assert set(probes) == {"home", "dyn-news", "tzgg"}  # the profile's probe_columns
    first = probes["home"]
    assert first.http_status == 200 and first.error is None
    assert 0 < first.latency_seconds < 5
    assert first.newest_item_on == today - dt.timedelta(days=HOME_NEWEST_AGE)
    # EGOV_CLOCK starts the clock at 09:00 when the spider opens; the request follows.
    assert at(today, 9) <= first.probed_at < at(today, 9) + dt.timedelta(seconds=60)
    page = query(sqlite_url, select(FetchedPage).where(FetchedPage.id == first.page_id))[0][0]
    assert page.url == servers.base_url + "/" and page.http_status == 200


def test_a_home_page_down_is_stored_with_its_error_status_or_the_refused_connection(
    sqlite_url, servers, home, today
):
    home.home_state = "error"
    scrapy(sqlite_url, "probe", servers.base_url, clock=at(today, 12))
    down = _probes(sqlite_url)["home"]
    assert (down.http_status, down.error, down.newest_item_on) == (503, None, None)
    assert down.page_id is not None  # the error page is evidence too

    nowhere = "http://127.0.0.4:" + servers.base_url.rsplit(":", 1)[1]
    scrapy(sqlite_url, "probe", nowhere, clock=at(today, 15))
    refused = query(sqlite_url, select(ProbeResult).where(ProbeResult.url.startswith(nowhere)))
    home_probe = next(row[0] for row in refused if row[0].target == "home")
    assert home_probe.http_status is None and home_probe.error_kind == "connection"
    assert "refused" in home_probe.error.lower()


def test_a_slow_load_is_timed_whole_and_one_past_the_probe_timeout_is_a_timeout(
    sqlite_url, servers, home, today
):
    home.home_state = "slow"
    scrapy(sqlite_url, "probe", servers.base_url, clock=at(today, 18))
    slow = _probes(sqlite_url)["home"]
    assert slow.http_status == 200 and slow.latency_seconds >= SLOW_SECONDS
    assert _probes(sqlite_url)["tzgg"].latency_seconds < SLOW_SECONDS  # not queued behind it

    timeout = ["-s", "EGOV_PROBE_TIMEOUT=0.4"]
    scrapy(sqlite_url, "probe", servers.base_url, *timeout, clock=at(today, 21))
    rows = query(sqlite_url, select(ProbeResult).where(ProbeResult.target == "home"))
    late = max((row[0] for row in rows), key=lambda r: r.probed_at)
    assert late.http_status is None and late.error_kind == "timeout"
