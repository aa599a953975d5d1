"""`scrapy crawl probe` against the sample: status, latency and error stored, the page kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Department, FetchedPage, ProbeResult, SiteColumn
from samplesites import sample_profile
from samplesites.inspection import HOME_NEWEST_AGE, SLOW_SECONDS
from tests.crawls import scrapy_crawl
from tests.evidence_queries import query, with_registry
from tests.inspection.conftest import FAST, at, scrapy

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


@pytest.mark.parametrize("spider", ["probe", "linkcheck"])
def test_probe_and_link_check_start_on_a_profile_naming_a_department_by_its_full_name(
    sqlite_url, servers, home, today, tmp_path, spider
):
    """As the portal crawl does: short name, full name or alias, never a failed start."""
    text = Path(sample_profile("sample-inspect")).read_text(encoding="utf-8")
    first_column = '[[column]]\nkey = "dyn-news"\n'
    assert first_column in text
    text = text.replace(first_column, first_column + 'department = "绍兴市人民防空办公室"\n', 1)
    profile = tmp_path / "named.toml"
    profile.write_text(text, encoding="utf-8")
    extra = ["-s", "EGOV_LINKCHECK_MAX_LINKS=5", "-s", f"EGOV_CLOCK={at(today, 10).isoformat()}"]
    done = scrapy_crawl(
        with_registry(sqlite_url), spider, str(profile), *FAST, *extra, base_url=servers.base_url
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "no department or county named" not in done.stderr
    department = query(
        sqlite_url,
        select(Department.short_name)
        .join(SiteColumn, SiteColumn.department_id == Department.id)
        .where(SiteColumn.key == "dyn-news"),
    )
    assert department == [("市人防办",)]


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
