"""The job functions the scheduler stores by reference (``schedules.jobs:crawl_site``…).

Each takes plain, picklable arguments, reads the configuration itself (so a job stored months
ago runs against today's settings) and logs what ran, how long it took and what it found.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from crawler.profiles import ProfileError, SiteProfile, load_profile
from db.config import load_settings
from db.engine import make_engine
from db.models import utcnow
from schedules import reports
from schedules.crawl import CrawlOutcome, Limits, run_crawl
from schedules.environment import child_environment
from schedules.hosted import shared_pool
from schedules.jobspec import ScheduleError
from schedules.locks import LockHeldError
from schedules.shared_crawl import run_shared_crawl
from schedules.wording_jobs import scan_wording

log = logging.getLogger(__name__)


def crawl_site(
    site_key: str,
    time_limit_seconds: int = 14400,
    stop_grace_seconds: int = 30,
    lock_ttl_seconds: int = 300,
    lock_renew_seconds: int = 60,
    base_url: str | None = None,
    full_walk_weekday: int | None = None,
    timezone: str = "Asia/Shanghai",
    shared_process: bool = False,
    sites_per_process: int = 30,
) -> dict[str, Any]:
    """Crawl one site under its lock; skip (and say so) if it is already being crawled.

    ``base_url`` replaces the profile's (a mirror, or a sample site on 127.0.0.1). On
    ``full_walk_weekday`` (0 = Monday, in ``timezone``) the crawl walks every list page: the
    nightly incremental walk stops at known posts and would never reach a post inserted deep in
    a list with an old date, which is exactly what a backdated post looks like.
    With ``shared_process`` the crawl runs in one of this process's shared crawl processes
    (:mod:`schedules.hosted`, up to ``sites_per_process`` sites each) instead of its own.
    """
    full = full_walk_weekday is not None and is_weekday(utcnow(), full_walk_weekday, timezone)
    profile = site_profile(site_key)
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        if shared_process:
            pool = shared_pool(
                child_environment(settings), sites_per_process, settings.var_dir / "logs" / "crawls"
            )
            limits = Limits(
                time_limit_seconds, stop_grace_seconds, lock_ttl_seconds, lock_renew_seconds
            )
            outcome = run_shared_crawl(engine, pool, profile, limits, base_url=base_url, full=full)
        else:
            outcome = run_crawl(
                engine,
                settings.database_url,
                profile,
                time_limit=time_limit_seconds,
                stop_grace=stop_grace_seconds,
                lock_ttl=lock_ttl_seconds,
                lock_renew=lock_renew_seconds,
                base_url=base_url,
                full=full,
                log_dir=settings.var_dir / "logs" / "crawls",
                env=child_environment(settings),
            )
    except LockHeldError as held:
        log.warning("skipped crawl of %s: %s", site_key, held)
        return {"site": site_key, "status": "skipped", "reason": str(held)}
    finally:
        engine.dispose()
    wording = scan_wording(site_key)  # the crawl's new pages, for 严重错误 candidates
    return _crawl_result(site_key, wording, full, outcome)


def _crawl_result(
    site_key: str, wording: dict[str, Any], full: bool, outcome: CrawlOutcome
) -> dict[str, Any]:
    """What the job returns (and the scheduler logs) about one crawl."""
    return {
        "site": site_key,
        "wording": wording,
        "full_walk": full,
        "status": outcome.status,
        "finish_reason": outcome.finish_reason,
        "problem": outcome.problem,
        "crawl_run_id": outcome.crawl_run_id,
        "items": outcome.items,
        "responses": outcome.responses,
        "pages": outcome.pages,
        "healthy": outcome.healthy,
        "seconds": round(outcome.seconds, 1),
    }


def site_profile(site_key: str) -> SiteProfile:
    """The profile of ``site_key`` in the profile directory, read by the crawler's reader."""
    try:
        return load_profile(site_key)
    except ProfileError as error:
        raise ScheduleError(str(error)) from error


def is_weekday(moment: dt.datetime, weekday: int, timezone: str) -> bool:
    """Whether ``moment`` falls on ``weekday`` (0 = Monday) in ``timezone``."""
    return moment.astimezone(ZoneInfo(timezone)).weekday() == weekday


def monthly_report(formats: Sequence[str] = ("html",), month: str | None = None) -> list[str]:
    """Write the monthly report (月报) for ``month``, by default the month just ended."""
    return _report(reports.MONTHLY, month, formats)


def quarterly_bulletin(formats: Sequence[str] = ("html",), quarter: str | None = None) -> list[str]:
    """Write the quarterly bulletin (季度通报) for ``quarter``, by default the one just ended."""
    return _report(reports.QUARTERLY, quarter, formats)


def _report(spec: reports.ReportSpec, period: str | None, formats: Sequence[str]) -> list[str]:
    """Publish the report in this process (the scoring library, no subprocess)."""
    started = time.monotonic()
    run = reports.write_report(spec, period, formats, load_settings())
    log.info(
        "%s %s: score run %d, %d files in %.1fs",
        spec.command,
        run.period,
        run.run_id,
        len(run.files),
        time.monotonic() - started,
    )
    return [str(p) for p in run.files]
