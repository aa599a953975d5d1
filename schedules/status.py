"""What the scheduler and the crawl workers are doing: queued, running where, late.

Read from the places that hold the truth, so that one status serves one machine and several:
the broker's queue (crawls waiting for a worker), the site locks (every running crawl and link
check, with the ``host:pid`` holding it) and the job store (runs whose time has passed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, func, inspect, select

from db.config import Settings
from db.engine import session_scope
from db.models import CrawlLock, CrawlRun, RunStatus, Site, utcnow
from schedules.claims import PREFIX as CLAIM_PREFIX

COLUMNS = ("state", "what", "where", "since", "detail")
#: A stored job this long past its run time, with no scheduler running it, is late.
LATE_AFTER = dt.timedelta(minutes=5)
#: A site whose last finished crawl is older than this missed its night.
NIGHT = dt.timedelta(hours=26)


def status_rows(
    engine: Engine, settings: Settings, next_runs: dict[str, dt.datetime | None]
) -> list[dict[str, Any]]:
    """One row per queued, running or late thing; ``next_runs`` from the job store."""
    now = utcnow()
    return [
        *_queued(settings),
        *_running(engine, now),
        *_late_jobs(next_runs, now),
        *_late_sites(engine, now),
    ]


def _queued(settings: Settings) -> list[dict[str, Any]]:
    if not settings.broker_url:
        return []
    from schedules.queue import queued_count

    count = queued_count(settings)
    detail = "the broker cannot say" if count is None else f"{count} site crawls waiting"
    return [_row("queued", settings.crawl_queue, "broker", None, detail)]


def _running(engine: Engine, now: dt.datetime) -> list[dict[str, Any]]:
    with session_scope(engine) as session:
        held = session.scalars(
            select(CrawlLock)
            .where(~CrawlLock.site_key.startswith(CLAIM_PREFIX))
            .order_by(CrawlLock.acquired_at)
        ).all()
        rows = []
        for lock in held:
            alive = lock.expires_at >= now
            what = lock.site_key if ":" in lock.site_key else f"crawl {lock.site_key}"
            detail = f"lease until {lock.expires_at:%H:%M:%S}Z" + ("" if alive else ", EXPIRED")
            host, _, pid = lock.holder.partition(":")
            rows.append(
                _row("running", what, f"{host} pid {pid.split(':')[0]}", lock.acquired_at, detail)
            )
        return rows


def _late_jobs(next_runs: dict[str, dt.datetime | None], now: dt.datetime) -> list[dict[str, Any]]:
    return [
        _row("late", job_id, "scheduler", due, "due, and no scheduler has started it")
        for job_id, due in sorted(next_runs.items())
        if due is not None and due < now - LATE_AFTER
    ]


def _late_sites(engine: Engine, now: dt.datetime) -> list[dict[str, Any]]:
    if not inspect(engine).has_table(CrawlRun.__tablename__):
        return []
    with session_scope(engine) as session:
        last = session.execute(
            select(Site.key, func.max(CrawlRun.finished_at))
            .outerjoin(
                CrawlRun, (CrawlRun.site_id == Site.id) & (CrawlRun.status == RunStatus.FINISHED)
            )
            .group_by(Site.key)
            .order_by(Site.key)
        ).all()
    return [
        _row("late", f"crawl {key}", "", finished, "no finished crawl in the last 26 hours")
        for key, finished in last
        if finished is None or finished < now - NIGHT
    ]


def _row(state: str, what: str, where: str, since: dt.datetime | None, detail: str) -> dict:
    when = f"{since.astimezone(dt.UTC):%Y-%m-%d %H:%M}Z" if since is not None else ""
    return {"state": state, "what": what, "where": where, "since": when, "detail": detail}
