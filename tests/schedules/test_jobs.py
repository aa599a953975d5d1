"""The job functions, called directly as the scheduler calls them, against real processes."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.engine import make_engine, session_scope
from db.models import CrawlRun, PortalPost, ScoreRun
from samplesites.portal import SamplePortal
from samplesites.server import Request, Response, serving
from schedules import jobs, locks
from scoring.assessment.periods import last_complete_month, last_complete_quarter


def count(url: str, query) -> int:
    engine = make_engine(url)
    with session_scope(engine) as session:
        value = session.scalar(query)
    engine.dispose()
    return int(value or 0)


@pytest.fixture(scope="module")
def small_portal() -> SamplePortal:
    return SamplePortal(year=2012, seed=7, months=1, departments=6)


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_nightly_crawl_job_crawls_the_site_and_reports_what_it_found(configured, small_portal):
    with serving(small_portal) as server:
        result = jobs.crawl_site("sample-portal", time_limit_seconds=300, base_url=server.url)
    assert result["status"] == "finished", result
    stored = count(configured, select(func.count()).select_from(PortalPost))
    assert stored > 0
    assert result["items"] >= stored and result["pages"] >= stored
    assert count(configured, select(func.count()).select_from(CrawlRun)) == 1
    assert list((Path(_var_dir()) / "logs" / "crawls").glob("sample-portal-*.log"))


def _var_dir() -> str:
    from db.config import load_settings

    return str(load_settings().var_dir)


def test_nightly_crawl_job_skips_a_site_that_is_already_being_crawled(configured):
    engine = make_engine(configured)
    locks.acquire(engine, "sample-portal", dt.timedelta(minutes=10), holder="other-host:42")
    engine.dispose()
    result = jobs.crawl_site("sample-portal", base_url="http://127.0.0.1:9")
    assert result["status"] == "skipped"
    assert "other-host:42" in result["reason"]
    assert count(configured, select(func.count()).select_from(CrawlRun)) == 0


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_real_crawl_that_overruns_its_time_limit_is_killed_and_recorded(configured, small_portal):
    def slow(request: Request) -> Response:
        time.sleep(0.5)
        return small_portal(request)

    with serving(slow) as server:
        started = time.monotonic()
        result = jobs.crawl_site(
            "sample-portal", time_limit_seconds=3, stop_grace_seconds=15, base_url=server.url
        )
    assert time.monotonic() - started < 25
    assert result["status"] == "killed" and result["healthy"] is False
    engine = make_engine(configured)
    with session_scope(engine) as session:
        run = session.scalars(select(CrawlRun)).one()
        assert run.status == "killed"
        assert run.finish_reason == "killed by the scheduler: time limit of 3s exceeded"
    engine.dispose()


def test_monthly_report_job_writes_every_format_from_one_stored_score_run(configured):
    paths = [Path(p) for p in jobs.monthly_report(formats=["json", "csv"], month="2012-12")]
    assert [p.name for p in paths] == ["2012-12.json", "2012-12.csv"]
    assert all(p.parent.name == "monthly" and p.stat().st_size > 0 for p in paths)
    assert count(configured, select(func.count()).select_from(ScoreRun)) == 1
    report = json.loads(paths[0].read_text(encoding="utf-8"))
    assert report["kind"] == "monthly" and report["period"] == "2012-12"
    departments = next(s for s in report["sections"] if s["key"] == "departments")
    assert len(departments["rows"]) == 66
    assert "市发改委" in paths[1].read_text(encoding="utf-8-sig")


def test_report_jobs_run_in_this_process_without_a_subprocess(configured, monkeypatch):
    """The scheduler calls the scoring library: no child process, no reading of printed text."""
    import subprocess

    def refuse(*args, **kwargs):
        raise AssertionError(f"a report job started a process: {args}")

    monkeypatch.setattr(subprocess, "run", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    [path] = jobs.quarterly_bulletin(formats=["json"], quarter="2012Q4")
    report = json.loads(Path(path).read_text(encoding="utf-8"))
    engine = make_engine(configured)
    with session_scope(engine) as session:
        run = session.scalars(select(ScoreRun)).one()
        assert (run.kind, run.period, run.created_by) == ("quarterly", "2012Q4", "schedules")
        assert dict(report["meta"])["评分记录 score run"].startswith(f"{run.id} ")
    engine.dispose()


def test_quarterly_bulletin_job_writes_the_bulletin(configured):
    [path] = jobs.quarterly_bulletin(formats=["json"], quarter="2012Q4")
    report = json.loads(Path(path).read_text(encoding="utf-8"))
    assert report["period"] == "2012Q4"
    assert report["provisional"] is True  # nothing entered yet: no prize in a scheduled bulletin
    assert count(configured, select(func.count()).select_from(ScoreRun)) == 1


def test_report_job_without_a_period_takes_the_one_just_ended(configured, monkeypatch):
    monkeypatch.setattr("scoring.api.utcnow", lambda: dt.datetime(2012, 4, 2, tzinfo=dt.UTC))
    [path] = jobs.monthly_report(formats=["json"])
    assert Path(path).name == "2012-03.json"


@pytest.mark.parametrize(
    ("utc", "month", "quarter"),
    [
        # 00:30 on 1 April in Shanghai is still 31 March in UTC: the month that ended is March.
        (dt.datetime(2012, 3, 31, 16, 30, tzinfo=dt.UTC), "2012-03", "2012Q1"),
        (dt.datetime(2012, 3, 31, 15, 30, tzinfo=dt.UTC), "2012-02", "2011Q4"),
        (dt.datetime(2012, 12, 31, 22, 0, tzinfo=dt.UTC), "2012-12", "2012Q4"),
        (dt.datetime(2012, 7, 15, 0, 0, tzinfo=dt.UTC), "2012-06", "2012Q2"),
    ],
)
def test_reports_cover_the_period_just_ended_in_shanghai_time(utc, month, quarter):
    assert last_complete_month(utc).label == month
    assert last_complete_quarter(utc).label == quarter
