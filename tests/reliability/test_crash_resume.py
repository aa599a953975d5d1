"""Crash and resume: a crawl killed with SIGKILL mid-run loses nothing and counts nothing twice."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from db.engine import make_engine
from db.models import CrawlRun, PortalPost
from samplesites import SAMPLE_PROFILES_DIR
from samplesites.portal import SamplePortal
from samplesites.server import serving
from schedules.config import load_profiles
from schedules.crawl import CrawlOutcome, run_crawl
from tests.evidence_queries import counted, scalar
from tests.reliability.conftest import Faulty, crawl_command

DETAIL_DELAY = 0.04  # seconds per detail page: the kill lands mid-crawl
# Details fetched in list order, newest first, as a breadth-first crawl does: the kill then
# leaves the newest list pages wholly stored and the older ones not at all.
NEWEST_FIRST = ("-s", "SCHEDULER_MEMORY_QUEUE=scrapy.squeues.FifoMemoryQueue")
KILL_AFTER_POSTS = 100


def _crawler_children() -> list[int]:
    """Return the pids of this process's ``scrapy crawl`` children (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"scrapy" in command and b"crawl" in command:
            found.append(int(entry.name))
    return found


def _supervised(url: str, base_url: str, *extra: str) -> CrawlOutcome:
    engine = make_engine(url)
    try:
        return run_crawl(
            engine,
            url,
            load_profiles(SAMPLE_PROFILES_DIR)["sample-portal"],
            time_limit=120,
            stop_grace=5,
            lock_ttl=30,
            command=crawl_command("portal", "sample-portal", base_url, *extra),
        )
    finally:
        engine.dispose()


def test_crawl_killed_mid_run_is_resumed_by_the_next_run_without_loss_or_double_count(
    evidence_url: str,
) -> None:
    site = SamplePortal(months=3, departments=12, seed=7)
    slowed = Faulty(
        site, delay=lambda path: DETAIL_DELAY if "/art/" in path or "/t2" in path else 0
    )
    posts = select(func.count(PortalPost.id))
    with serving(slowed) as server:
        outcome: list[CrawlOutcome] = []
        first = threading.Thread(
            target=lambda: outcome.append(
                _supervised(evidence_url, server.url, *NEWEST_FIRST, "-s", "EGOV_COMMIT_EVERY=5")
            )
        )
        first.start()
        deadline = time.monotonic() + 60
        while int(scalar(evidence_url, posts) or 0) < KILL_AFTER_POSTS:  # type: ignore[arg-type]
            assert time.monotonic() < deadline and first.is_alive(), "crawl never got going"
            time.sleep(0.05)
        children = _crawler_children()
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)
        first.join(timeout=60)
        killed = outcome[0]
        stored_after_kill = int(scalar(evidence_url, select(func.count(PortalPost.id))) or 0)
        assert 0 < stored_after_kill < len(site.posts), "the kill was not mid-crawl"

        resumed = _supervised(evidence_url, server.url)

    assert killed.status == "killed" and killed.healthy is False
    assert "signal 9" in (killed.finish_reason or "")
    assert resumed.status == "finished" and resumed.healthy, resumed.summary()
    engine = make_engine(evidence_url)
    with engine.connect() as connection:
        statuses = dict(connection.execute(select(CrawlRun.id, CrawlRun.status)).all())
        rows = connection.scalar(select(func.count(PortalPost.id)))
        distinct = connection.scalar(select(func.count(func.distinct(PortalPost.canonical_url))))
    engine.dispose()
    assert statuses == {killed.crawl_run_id: "killed", resumed.crawl_run_id: "finished"}
    urls = len(site.posts) + sum(len(p.also_in) for p in site.posts)  # 图片新闻 copies
    assert rows == distinct == urls
    assert counted(evidence_url) == dict(site.truth)
