"""Two crawl workers on the real RabbitMQ; one is SIGKILLed mid-crawl.

Each site must end the night with exactly one finished run, the killed worker's runs closed as
killed, no two runs of a site overlapping, and every site holding the same posts (each is a copy
of one sample portal): none lost, none doubled.
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.config import load_settings
from db.engine import make_engine, session_scope
from db.models import CrawlLock, CrawlRun, PortalPost, Site
from samplesites import sample_profile
from samplesites.portal import SamplePortal
from samplesites.server import serving
from schedules import queue

BROKER = os.environ.get("EGOV_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
SAMPLE = Path(sample_profile("sample-portal"))
SITES = ("night-a", "night-b", "night-c")


def _broker_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=2).close()
        return True
    except OSError:
        return False


def write_polite_profiles(folder: Path, keys: tuple[str, ...], delay: float) -> None:
    """Copies of the sample portal's profile, each with its own politeness delay."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text(encoding="utf-8")
    polite = text.replace("concurrency = 8", "concurrency = 1").replace(
        "delay = 0.0", f"delay = {delay}"
    )
    for key in keys:
        (folder / f"{key}.toml").write_text(polite, encoding="utf-8")


def start_worker(env: dict[str, str], name: str, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "schedules", "worker", "--concurrency", "3", "--name", name]
    with open(log, "ab") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def _rows(url: str, query) -> list:
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return list(session.execute(query).all())
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.skipif(not _broker_up(), reason="RabbitMQ unreachable at 127.0.0.1:5672")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_worker_killed_mid_crawl_leaves_its_runs_killed_and_another_worker_crawls_again(
    configured, tmp_path, monkeypatch
):
    write_polite_profiles(tmp_path / "sites", SITES, delay=0.5)
    monkeypatch.setenv("EGOV_SITES_DIR", str(tmp_path / "sites"))
    monkeypatch.setenv("EGOV_BROKER_URL", BROKER)
    monkeypatch.setenv("EGOV_CRAWL_QUEUE", f"egov-test-{uuid.uuid4().hex[:8]}")
    env = dict(os.environ)
    settings = load_settings()
    workers: list[subprocess.Popen[bytes]] = []
    portal = SamplePortal(year=2012, seed=7, months=1, departments=6)
    with serving(portal) as server:
        try:
            workers = [start_worker(env, f"{name}@test", tmp_path / f"{name}.log") for name in "ab"]
            for key in SITES:
                queue.enqueue(
                    {
                        "site_key": key,
                        "base_url": server.url,
                        "time_limit_seconds": 300,
                        "lock_ttl_seconds": 6,
                        "lock_renew_seconds": 1,
                        "shared_process": True,
                    },
                    settings,
                )
            site, holder = _wait_mid_crawl(configured, seconds=90)
            victim = next(w for w in workers if w.pid == int(holder.split(":")[1]))
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            _wait_for_finished_runs(configured, SITES, seconds=240)
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGTERM)
            for worker in workers:
                try:
                    worker.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    worker.kill()
            _delete_queue(settings)
    runs = _rows(
        configured,
        select(Site.key, CrawlRun.status, CrawlRun.started_at, CrawlRun.finished_at)
        .join(Site, Site.id == CrawlRun.site_id)
        .order_by(CrawlRun.id),
    )
    by_site: dict[str, list] = {key: [r for r in runs if r.key == key] for key in SITES}
    for key, site_runs in by_site.items():
        assert [r.status for r in site_runs].count("finished") == 1, (key, site_runs)
        assert all(r.status in ("finished", "killed") for r in site_runs), site_runs
        for earlier, later in itertools.pairwise(site_runs):
            assert earlier.finished_at <= later.started_at  # never two crawls of a site at once
    killed = [r for r in runs if r.status == "killed"]
    assert site in {r.key for r in killed}, runs  # the victim's crawl, closed as killed
    posts = dict(
        _rows(
            configured,
            select(Site.key, func.count(PortalPost.id))
            .join(PortalPost, PortalPost.site_id == Site.id)
            .group_by(Site.key),
        )
    )
    assert len(set(posts.values())) == 1 and set(posts) == set(SITES), posts


def _wait_mid_crawl(url: str, seconds: float) -> tuple[str, str]:
    """A site being crawled with some of its posts stored: (its key, its lock's holder)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = _rows(
            url,
            select(CrawlLock.site_key, CrawlLock.holder, func.count(PortalPost.id))
            .join(Site, Site.key == CrawlLock.site_key)
            .join(PortalPost, PortalPost.site_id == Site.id)
            .where(CrawlLock.site_key.in_(SITES))
            .group_by(CrawlLock.site_key, CrawlLock.holder),
        )
        if rows:
            return rows[0][0], rows[0][1]
        time.sleep(0.2)
    raise AssertionError(f"no crawl stored a post within {seconds}s")


def _wait_for_finished_runs(url: str, keys: tuple[str, ...], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        finished = {
            row.key
            for row in _rows(
                url,
                select(Site.key)
                .join(CrawlRun, CrawlRun.site_id == Site.id)
                .where(CrawlRun.status == "finished"),
            )
        }
        locked = _rows(url, select(CrawlLock.site_key).where(CrawlLock.site_key.in_(keys)))
        if finished >= set(keys) and not locked:
            return
        time.sleep(0.5)
    raise AssertionError(f"not every site finished within {seconds}s")


def _delete_queue(settings) -> None:
    app = queue.configure(settings)
    with app.connection_for_write() as connection:
        connection.default_channel.queue_delete(settings.crawl_queue)
