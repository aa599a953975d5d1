"""Missed runs, coalescing and syncing with the schedules file, on a controlled clock."""

from __future__ import annotations

import dataclasses
import datetime as dt

from schedules.config import DEFAULT_SCHEDULES_FILE, JobSpec, load_schedules
from schedules.scheduler import sync_jobs
from tests.schedules import recorder
from tests.schedules.conftest import SHANGHAI
from tests.schedules.profiles import site_profile

RECORD = "tests.schedules.recorder:record"


def _at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=SHANGHAI)


def nightly_crawl_spec() -> JobSpec:
    """The real schedules file's nightly crawl job, pointed at a recorder instead of Scrapy."""
    profile = site_profile("sx-portal", name="中国绍兴", base_url="http://www.sx.gov.cn")
    schedules = load_schedules(DEFAULT_SCHEDULES_FILE, profiles={"sx-portal": profile})
    spec = schedules.job("crawl-sx-portal")
    return dataclasses.replace(spec, func=RECORD)


def test_machine_down_for_three_nights_runs_the_missed_crawl_once(clock, start_scheduler):
    spec = nightly_crawl_spec()
    clock.set(_at(2012, 3, 1, 1, 0))
    scheduler = start_scheduler()
    assert sync_jobs(scheduler, [spec]).added == [spec.id]
    scheduler.tick()
    assert recorder.CALLS == []
    scheduler.shutdown(wait=False)  # the machine goes down before 02:00 and stays down

    clock.set(_at(2012, 3, 4, 9, 30))  # back up: the runs of 1, 2, 3 and 4 March were missed
    scheduler = start_scheduler()
    report = sync_jobs(scheduler, [spec])
    assert report.kept == [spec.id] and not report.added and not report.rescheduled
    scheduler.tick()
    scheduler.tick()

    assert len(recorder.CALLS) == 1
    assert recorder.CALLS[0] == spec.kwargs
    assert scheduler.get_job(spec.id).next_run_time == _at(2012, 3, 5, 2, 0)


def test_missed_crawl_beyond_grace_time_waits_for_the_next_night(clock, start_scheduler):
    spec = nightly_crawl_spec()
    clock.set(_at(2012, 3, 1, 1, 0))
    scheduler = start_scheduler()
    sync_jobs(scheduler, [spec])
    scheduler.shutdown(wait=False)

    # Back at 01:30 next day: the missed 02:00 run is 23.5 h old, beyond the 23 h grace, and
    # tonight's run is half an hour away, so the missed one is dropped rather than doubled.
    clock.set(_at(2012, 3, 2, 1, 30))
    scheduler = start_scheduler()
    sync_jobs(scheduler, [spec])
    scheduler.tick()
    assert recorder.CALLS == []
    assert scheduler.get_job(spec.id).next_run_time == _at(2012, 3, 2, 2, 0)

    clock.set(_at(2012, 3, 2, 2, 0, 5))
    scheduler.tick()
    assert len(recorder.CALLS) == 1


def test_crawl_runs_on_time_every_night_while_the_machine_is_up(clock, start_scheduler):
    spec = nightly_crawl_spec()
    clock.set(_at(2012, 3, 1, 1, 0))
    scheduler = start_scheduler()
    sync_jobs(scheduler, [spec])
    for day in (1, 2, 3):
        clock.set(_at(2012, 3, day, 2, 0, 1))
        scheduler.tick()
    assert len(recorder.CALLS) == 3


def test_sync_keeps_unchanged_reschedules_changed_and_removes_dropped_jobs(clock, start_scheduler):
    first = JobSpec("a", RECORD, "0 2 * * *", "Asia/Shanghai", 60, {"n": 1})
    second = JobSpec("b", RECORD, "0 3 * * *", "Asia/Shanghai", 60, {"n": 2})
    clock.set(_at(2012, 3, 1, 1, 0))
    scheduler = start_scheduler()
    assert sync_jobs(scheduler, [first, second]).added == ["a", "b"]

    moved = dataclasses.replace(second, cron="30 4 * * *", kwargs={"n": 3})
    report = sync_jobs(scheduler, [moved])
    assert report.removed == ["a"]
    assert report.changed == ["b"] and report.rescheduled == ["b"]
    job = scheduler.get_job("b")
    assert job.kwargs == {"n": 3}
    assert job.next_run_time == _at(2012, 3, 1, 4, 30)
    assert [j.id for j in scheduler.get_jobs()] == ["b"]
    assert sync_jobs(scheduler, [moved]).kept == ["b"]


def test_missed_runs_within_a_long_grace_time_collapse_into_one(clock, start_scheduler):
    # A site configured with a grace time longer than the outage: every missed night is still
    # within grace, and coalescing must turn them into a single crawl.
    spec = dataclasses.replace(nightly_crawl_spec(), misfire_grace_seconds=5 * 86400)
    clock.set(_at(2012, 3, 1, 1, 0))
    scheduler = start_scheduler()
    sync_jobs(scheduler, [spec])
    scheduler.shutdown(wait=False)

    clock.set(_at(2012, 3, 4, 9, 30))
    scheduler = start_scheduler()
    sync_jobs(scheduler, [spec])
    scheduler.tick()
    assert len(recorder.CALLS) == 1
