"""Lanes: a probe runs on time while every crawl slot is busy; a run starts once per database."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

from schedules.jobspec import JobSpec, Lane
from schedules.scheduler import lane_sizes, make_scheduler, sync_jobs
from schedules.schedules_file import Lanes
from tests.schedules import lane_jobs
from tests.schedules.conftest import SteppedScheduler

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOLD = "tests.schedules.lane_jobs:hold"
NOTE = "tests.schedules.lane_jobs:note"


def _spec(job_id: str, func: str, cron: str, lane: Lane) -> JobSpec:
    return JobSpec(job_id, func, cron, "Asia/Shanghai", 3600, {"name": job_id}, job_id, lane)


def _wait_for(names: set[str], seconds: float = 10.0) -> set[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen = {name for name, _ in lane_jobs.STARTED}
        if names <= seen:
            return seen
        time.sleep(0.05)
    return {name for name, _ in lane_jobs.STARTED}


@pytest.fixture(autouse=True)
def _fresh_lane_jobs():
    lane_jobs.STARTED.clear()
    lane_jobs.RELEASE.clear()
    yield
    lane_jobs.RELEASE.set()


def _stepped(engine, lanes: Lanes) -> SteppedScheduler:
    scheduler = make_scheduler(engine, "Asia/Shanghai", SteppedScheduler, lanes=lanes)
    scheduler.start()
    return scheduler


def test_a_probe_runs_on_time_while_every_crawl_slot_is_busy(clock, scheduler_engine):
    crawls = [_spec(f"crawl-{n}", HOLD, "0 2 * * *", Lane.CRAWLS) for n in range(3)]
    probe = _spec("probe-site", NOTE, "10 2 * * *", Lane.INSPECTION)
    clock.set(dt.datetime(2012, 3, 1, 1, 0, tzinfo=SHANGHAI))
    scheduler = _stepped(scheduler_engine, Lanes(crawls=2, inspection=1, reports=1))
    try:
        sync_jobs(scheduler, [*crawls, probe])
        clock.set(dt.datetime(2012, 3, 1, 2, 0, 1, tzinfo=SHANGHAI))
        scheduler.tick()
        assert len(_wait_for({"crawl-0", "crawl-1"}) & {"crawl-0", "crawl-1", "crawl-2"}) == 2
        clock.set(dt.datetime(2012, 3, 1, 2, 10, 1, tzinfo=SHANGHAI))
        asked = time.monotonic()
        scheduler.tick()
        seen = _wait_for({"probe-site"}, seconds=5)
        assert "probe-site" in seen  # while both crawl slots are still held
        assert "crawl-2" not in seen  # the third crawl waits for a crawl slot, not the probe
        assert dict(lane_jobs.STARTED)["probe-site"] - asked < 2.0
    finally:
        lane_jobs.RELEASE.set()
        scheduler.shutdown(wait=True)


def test_two_schedulers_that_both_see_a_job_due_start_it_once(clock, scheduler_engine, monkeypatch):
    spec = _spec("probe-site", NOTE, "10 2 * * *", Lane.INSPECTION)
    clock.set(dt.datetime(2012, 3, 1, 1, 0, tzinfo=SHANGHAI))
    first = _stepped(scheduler_engine, Lanes(crawls=1))
    second = _stepped(scheduler_engine, Lanes(crawls=1))
    try:
        sync_jobs(first, [spec])
        clock.set(dt.datetime(2012, 3, 1, 2, 10, 1, tzinfo=SHANGHAI))
        # The second reads the store before the first writes the next run time back.
        monkeypatch.setattr(SQLAlchemyJobStore, "update_job", lambda self, job: None)
        first.tick()
        second.tick()
        _wait_for({"probe-site"})
        time.sleep(0.5)
        assert [name for name, _ in lane_jobs.STARTED] == ["probe-site"]
    finally:
        first.shutdown(wait=True)
        second.shutdown(wait=True)


def test_the_crawl_lane_is_sized_from_the_machine_unless_the_file_says():
    assert lane_sizes(Lanes(crawls=7))[Lane.CRAWLS] == 7
    assert lane_sizes(Lanes())[Lane.CRAWLS] >= 2


def test_two_schedulers_with_a_broker_queue_each_crawl_once(clock, scheduler_engine, monkeypatch):
    from db.config import load_settings
    from schedules import queue

    queued: list[dict] = []
    monkeypatch.setattr(queue, "enqueue", lambda kwargs, settings=None: queued.append(kwargs))
    settings = load_settings({"EGOV_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//"})
    spec = _spec("crawl-sx-portal", HOLD, "0 2 * * *", Lane.CRAWLS)
    clock.set(dt.datetime(2012, 3, 1, 1, 0, tzinfo=SHANGHAI))
    schedulers = [
        make_scheduler(scheduler_engine, "Asia/Shanghai", SteppedScheduler, settings=settings)
        for _ in range(2)
    ]
    for scheduler in schedulers:
        scheduler.start()
    try:
        sync_jobs(schedulers[0], [spec])
        clock.set(dt.datetime(2012, 3, 1, 2, 0, 1, tzinfo=SHANGHAI))
        monkeypatch.setattr(SQLAlchemyJobStore, "update_job", lambda self, job: None)
        for scheduler in schedulers:
            scheduler.tick()
        assert queued == [{"name": "crawl-sx-portal"}]  # queued once, run by no scheduler
        assert lane_jobs.STARTED == []
    finally:
        for scheduler in schedulers:
            scheduler.shutdown(wait=False)
