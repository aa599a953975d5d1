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


def test_a_probe_stores_status_whole_load_time_newest_home_item_and_the_page(
    sqlite_url, servers, home, today
):
    home.home_state = "slow"
    scrapy(sqlite_url, "probe", servers.base_url, clock=at(today, 9))
    probes = _probes(sqlite_url)
    assert set(probes) == {"home", "dyn-news", "tzgg"}  # the profile's probe_columns
    first = probes["home"]
    assert first.http_status == 200 and first.error is None
    assert SLOW_SECONDS <= first.latency_seconds < SLOW_SECONDS + 5
    assert probes["tzgg"].latency_seconds < SLOW_SECONDS  # not queued behind the slow one
    assert first.newest_item_on == today - dt.timedelta(days=HOME_NEWEST_AGE)
    # EGOV_CLOCK starts the clock at 09:00 when the spider opens; the request follows.
    assert at(today, 9) <= first.probed_at < at(today, 9) + dt.timedelta(seconds=60)
    page = query(sqlite_url, select(FetchedPage).where(FetchedPage.id == first.page_id))[0][0]
    assert page.url == servers.base_url + "/" and page.http_status == 200


def test_a_home_page_down_is_stored_with_its_status_and_one_past_the_timeout_as_a_timeout(
    sqlite_url, servers, home, today
):
    home.home_state = "error"
    scrapy(sqlite_url, "probe", servers.base_url, clock=at(today, 12))
    down = _probes(sqlite_url)["home"]
    assert (down.http_status, down.error, down.newest_item_on) == (503, None, None)
    assert down.page_id is not None  # the error page is evidence too

    home.home_state = "slow"
    timeout = ["-s", "EGOV_PROBE_TIMEOUT=0.4"]
    scrapy(sqlite_url, "probe", servers.base_url, *timeout, clock=at(today, 15))
    late = _probes(sqlite_url)["home"]
    assert late.probed_at >= at(today, 15)
    assert late.http_status is None and late.error_kind == "timeout"
    assert late.error == "timed out after 0.4 s"


def test_a_refused_probe_logs_one_readable_line_and_no_disabled_evidence_middleware(
    sqlite_url, today
):
    done = scrapy(sqlite_url, "probe", "http://127.0.0.1:9", clock=at(today, 9))
    refused = [line for line in done.stderr.splitlines() if "probe of" in line]
    assert len(refused) == 3 and all(
        line.endswith("failed: connection refused by 127.0.0.1:9") for line in refused
    ), refused
    assert "Failure" not in done.stderr and "Disabled" not in done.stderr
    assert {p.error for p in _probes(sqlite_url).values()} == {"connection refused by 127.0.0.1:9"}
