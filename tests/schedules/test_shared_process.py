"""Many sites in one crawl process: each with its own run; a crashing site takes no other down."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.engine import make_engine, session_scope
from db.models import CrawlRun, PortalPost, Site
from samplesites import sample_profile
from samplesites.portal import SamplePortal
from samplesites.server import serving
from schedules import hosted, jobs

SAMPLE = Path(sample_profile("sample-portal"))
SITES = ("sample-a", "sample-b", "crash-me")


@pytest.fixture
def three_sites(configured, tmp_path, monkeypatch) -> str:
    folder = tmp_path / "sites"
    folder.mkdir()
    for key in SITES:
        shutil.copy(SAMPLE, folder / f"{key}.toml")
    monkeypatch.setenv("EGOV_SITES_DIR", str(folder))
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "tests.schedules.crash_settings")
    return configured


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_site_whose_crawler_crashes_is_recorded_failed_and_the_others_finish(three_sites):
    portal = SamplePortal(year=2012, seed=7, months=1, departments=4)
    results: dict[str, dict] = {}
    with serving(portal) as server:

        def crawl(key: str) -> None:
            results[key] = jobs.crawl_site(
                key, time_limit_seconds=240, base_url=server.url, shared_process=True
            )

        threads = {key: threading.Thread(target=crawl, args=(key,)) for key in SITES}
        threads["sample-a"].start()
        threads["sample-b"].start()
        _wait_until_in_flight(2)  # the crash comes while the two others crawl
        threads["crash-me"].start()
        for thread in threads.values():
            thread.join(timeout=280)
        pool = hosted._SHARED
        hosted.close_shared_pool(wait=30)
    assert pool is not None and pool.started == 1  # one process for the three sites
    assert results["sample-a"]["status"] == "finished", results["sample-a"]
    assert results["sample-b"]["status"] == "finished", results["sample-b"]
    assert results["crash-me"]["status"] == "failed", results["crash-me"]
    assert "boom: a component of this crawler failed" in results["crash-me"]["finish_reason"]
    engine = make_engine(three_sites)
    with session_scope(engine) as session:
        runs = dict(
            session.execute(
                select(Site.key, func.count(CrawlRun.id))
                .join(CrawlRun, CrawlRun.site_id == Site.id)
                .group_by(Site.key)
            ).all()
        )
        posts = dict(
            session.execute(
                select(Site.key, func.count(PortalPost.id))
                .join(PortalPost, PortalPost.site_id == Site.id)
                .group_by(Site.key)
            ).all()
        )
    engine.dispose()
    assert runs == {"sample-a": 1, "sample-b": 1, "crash-me": 1}
    assert posts["sample-a"] == posts["sample-b"] > 0
    assert "crash-me" not in posts


def _wait_until_in_flight(count: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pool = hosted._SHARED
        if pool is not None and sum(host.in_flight() for host in pool.hosts) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{count} crawls were not in flight within {seconds}s")
