"""A crawl process that hangs, crashes or dies leaves a crawl run that says so, never "no posts"."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.models import CrawlRun, Site
from schedules import locks
from schedules.crawl import run_crawl
from tests.schedules.profiles import site_profile

FAKE = str(Path(__file__).with_name("fake_crawler.py"))
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
PROFILE = site_profile("sx-portal", name="中国绍兴")


def supervise(engine, url, mode, tmp_path, **options):
    defaults = {"time_limit": 30.0, "stop_grace": 5.0, "lock_renew": 1.0}
    return run_crawl(
        engine,
        url,
        PROFILE,
        command=[sys.executable, FAKE, PROFILE.key, mode],
        log_dir=tmp_path / "logs",
        **{**defaults, **options},
    )


def runs(engine) -> list[CrawlRun]:
    with session_scope(engine) as session:
        return list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))


def test_crawl_past_its_time_limit_is_stopped_and_recorded_as_killed(
    scheduler_engine, database_url, tmp_path
):
    started = time.monotonic()
    outcome = supervise(scheduler_engine, database_url, "hang", tmp_path, time_limit=1.5)
    assert time.monotonic() - started < 15
    assert outcome.status == "killed"
    [run] = runs(scheduler_engine)
    assert run.status == "killed" and run.healthy is False and run.finished_at is not None
    assert "time limit of 1.5s exceeded" in run.finish_reason
    assert any("time limit" in problem for problem in run.health_problems)
    assert "crawl run written" in outcome.log_file.read_text()


@SQLITE_ONLY
def test_crawl_ignoring_sigterm_is_killed_after_the_grace_time(
    scheduler_engine, database_url, tmp_path
):
    outcome = supervise(
        scheduler_engine, database_url, "stubborn", tmp_path, time_limit=1.0, stop_grace=0.5
    )
    assert outcome.exit_code == -9
    assert runs(scheduler_engine)[0].status == "killed"


@SQLITE_ONLY
def test_crawler_that_exits_with_its_run_open_is_recorded_as_failed(
    scheduler_engine, database_url, tmp_path
):
    outcome = supervise(scheduler_engine, database_url, "crash", tmp_path)
    [run] = runs(scheduler_engine)
    assert (run.status, outcome.exit_code) == ("failed", 3)
    assert run.finish_reason == "crawler process exited with status 3 before finishing"


def test_crawler_that_dies_before_writing_a_run_still_leaves_a_failed_run(
    scheduler_engine, database_url, tmp_path
):
    supervise(scheduler_engine, database_url, "silent", tmp_path)
    [run] = runs(scheduler_engine)
    assert run.status == "failed" and run.healthy is False
    assert "the crawler process wrote no crawl run" in run.health_problems
    with session_scope(scheduler_engine) as session:
        assert session.scalar(select(Site.kind).where(Site.id == run.site_id)) == "portal"


@SQLITE_ONLY
def test_finished_crawl_is_left_as_the_crawler_wrote_it_and_the_lock_released(
    scheduler_engine, database_url, tmp_path
):
    outcome = supervise(scheduler_engine, database_url, "ok", tmp_path)
    assert (outcome.status, outcome.items, outcome.healthy) == ("finished", 7, True)
    assert "finished" in outcome.summary() and "7 items" in outcome.summary()
    locks.acquire(scheduler_engine, PROFILE.key, dt.timedelta(minutes=1))  # free again


@SQLITE_ONLY
def test_crawl_of_a_locked_site_is_refused_without_starting_a_process(
    scheduler_engine, database_url, tmp_path
):
    locks.acquire(scheduler_engine, PROFILE.key, dt.timedelta(minutes=5), holder="other:1")
    with pytest.raises(locks.LockHeldError):
        supervise(scheduler_engine, database_url, "ok", tmp_path)
    assert runs(scheduler_engine) == []


def test_run_left_open_by_a_dead_holder_is_closed_when_its_lock_is_taken_over(
    scheduler_engine, database_url, tmp_path
):
    supervise(scheduler_engine, database_url, "crash", tmp_path)  # a first run, then
    with session_scope(scheduler_engine) as session:  # pretend its supervisor died mid-crawl
        session.scalars(select(CrawlRun)).one().status = "running"
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    locks.acquire(scheduler_engine, PROFILE.key, dt.timedelta(minutes=5), holder="dead:1", now=past)

    supervise(scheduler_engine, database_url, "ok", tmp_path)
    orphan, fresh = runs(scheduler_engine)
    assert orphan.status == "killed" and "vanished" in orphan.finish_reason
    assert fresh.status == "finished"
