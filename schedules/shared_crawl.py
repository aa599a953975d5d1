"""Supervise one site's crawl in a shared crawl process, as :func:`schedules.crawl.run_crawl`
supervises a crawl in its own: under the site's lock and time limit, its run made to tell the
truth about how it ended. Only the process is shared; the lock, run record, coverage and walk
evidence are the site's own.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import Engine

from crawler.profiles import SiteProfile
from db.models import utcnow
from schedules import locks
from schedules.crawl import (
    SHUTTING_DOWN,
    CrawlOutcome,
    Heartbeat,
    Limits,
    Progress,
    _outcome,
    _record_end,
    close_orphans_under_lock,
)
from schedules.hosted import HostPool, Ticket

log = logging.getLogger(__name__)


def run_shared_crawl(
    engine: Engine,
    pool: HostPool,
    profile: SiteProfile,
    limits: Limits,
    *,
    base_url: str | None = None,
    full: bool = False,
    progress: Progress | None = None,
) -> CrawlOutcome:
    """Crawl ``profile`` in one of ``pool``'s processes; :class:`locks.LockHeldError` if running."""
    lease = locks.acquire(engine, profile.key, limits.ttl)
    try:
        close_orphans_under_lock(engine, profile.key, lease, limits)
        launched_at = utcnow()
        heartbeat = Heartbeat(engine, lease, limits, launched_at, progress)
        log.info("starting crawl of %s in a shared crawl process", profile.key)
        ticket = pool.crawl(profile.key, profile.kind, base_url, full)
        started = time.monotonic()
        try:
            stopped_by = _wait(ticket, limits, heartbeat, started)
        except BaseException:
            ticket.stop()
            why = "the scheduler stopped while the crawl ran"
            _record_end(engine, profile, launched_at, ticket.exit_code, why)
            raise
        exit_code = ticket.exit_code
        if exit_code is None:
            exit_code = 0 if ticket.error is None else 1
        pool.close_idle()
        run = _record_end(engine, profile, launched_at, exit_code, stopped_by, ticket.error)
        seconds = time.monotonic() - started
        return _outcome(engine, profile, run, launched_at, exit_code, seconds, None)
    finally:
        locks.release(engine, lease)


def _wait(ticket: Ticket, limits: Limits, heartbeat: Heartbeat, started: float) -> str | None:
    """Wait for the crawl, stopping it past its time limit or on shutdown; say why if we did."""
    stopped_by: str | None = None
    stopped_at = 0.0
    while not ticket.wait(1.0):
        elapsed = time.monotonic() - started
        heartbeat(elapsed)
        if stopped_by is None:
            if elapsed > limits.time_limit:
                stopped_by = f"time limit of {limits.time_limit:g}s exceeded"
            elif SHUTTING_DOWN.is_set():
                stopped_by = "the scheduler is shutting down"
            if stopped_by is not None:
                log.warning("crawl of %s: %s, stopping it", ticket.site_key, stopped_by)
                ticket.stop()
                stopped_at = time.monotonic()
        elif time.monotonic() - stopped_at > limits.stop_grace:
            log.error("crawl of %s did not stop within %gs", ticket.site_key, limits.stop_grace)
            break
    return stopped_by
