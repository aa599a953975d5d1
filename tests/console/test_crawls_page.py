"""The crawl status page: each site's last runs with their health, the month's coverage, and
the next scheduled runs read from the scheduler's job store."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect, select

from db.engine import make_engine
from db.models import Site
from schedules import scheduler
from schedules.jobspec import JobSpec
from schedules.scheduler import paused_scheduler, sync_jobs
from scoring.assessment.periods import SHANGHAI
from scoring.console.next_runs import JOBS_TABLE
from tests.console.conftest import rows


def test_the_crawl_status_page_shows_each_site_and_the_coverage(open_console):
    html = open_console("view").client.get("/crawls").text
    assert "<h1>采集状态</h1>" in html and "2012年逐月采集覆盖" in html
    assert 'class="runs"' in html


def test_a_liaison_has_no_crawl_status_page(open_console):
    assert open_console("liaison").client.get("/crawls").status_code == 403


def _schedule(database_url: str, site_key: str) -> dt.datetime:
    """Store a site's nightly crawl and a paused probe as `schedules run` would; return the crawl's
    next run time."""
    engine = make_engine(database_url)
    try:
        with paused_scheduler(engine, "Asia/Shanghai") as scheduler:
            crawl, probe = (
                JobSpec(
                    id=f"{kind}-{site_key}",
                    func=func,
                    cron=cron,
                    timezone="Asia/Shanghai",
                    misfire_grace_seconds=3600,
                    kwargs={"site_key": site_key},
                )
                for kind, func, cron in (
                    ("crawl", "schedules.jobs:crawl_site", "0 2 * * *"),
                    ("probe", "schedules.inspection_jobs:probe_site", "15 */4 * * *"),
                )
            )
            assert sync_jobs(scheduler, [crawl, probe]).added == [crawl.id, probe.id]
            scheduler.pause_job(probe.id)
            return scheduler.get_job(crawl.id).next_run_time
    finally:
        engine.dispose()


def _next_runs_of(html: str, site_key: str) -> str:
    section = html.split(f"<code>{site_key}</code>", 1)[1]
    return section.split('<p class="next-runs">', 1)[1].split("</p>", 1)[0]


def test_the_page_shows_a_sites_next_crawl_from_the_schedulers_job_store(
    open_console, database_url
):
    portal = rows(database_url, select(Site).where(Site.kind == "portal"))[0]
    next_crawl = _schedule(database_url, portal.key)

    html = open_console("view").client.get("/crawls").text

    shown = next_crawl.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    assert next_crawl.astimezone(SHANGHAI).strftime("%H:%M") == "02:00"
    assert _next_runs_of(html, portal.key) == (
        f"下次采集: {shown} · 下次探测: 已暂停 · 下次链接检查: 未排程"
    )


def test_without_a_job_store_every_site_is_not_scheduled(open_console, database_url):
    engine = make_engine(database_url)
    try:
        assert not inspect(engine).has_table(JOBS_TABLE)  # no scheduler ever ran here
    finally:
        engine.dispose()
    html = open_console("view").client.get("/crawls").text
    for site in rows(database_url, select(Site)):
        assert _next_runs_of(html, site.key) == (
            "下次采集: 未排程 · 下次探测: 未排程 · 下次链接检查: 未排程"
        )


def test_the_console_reads_the_table_the_scheduler_writes():
    assert JOBS_TABLE == scheduler.JOBS_TABLE
