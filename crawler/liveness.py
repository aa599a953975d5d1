"""A crawl's signs of life, and closing the runs whose process is gone.

A crawl writes its host and process id into its ``crawl_runs`` row at start and refreshes
``heartbeat_at`` while it works (with every batch the evidence writer commits, and every
EGOV_HEARTBEAT_SECONDS on a timer). When a crawl of a site starts, each run of that site still
``running`` is judged (:func:`why_gone`):

- on this host, a process id that no longer runs (or is a zombie, or is this very process):
  gone now, whatever its heartbeat says;
- anywhere, no heartbeat (else no start) for EGOV_HEARTBEAT_LIMIT_SECONDS: gone; a run on
  another host can only be judged this way, since its process cannot be looked at from here.

A gone run is closed as ``killed`` with the reason, so a crawl killed outside the scheduler
(SIGKILL, out of memory, power cut) is never left ``running``; coverage counts it failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CrawlRun, RunStatus

logger = logging.getLogger(__name__)


def this_host() -> str:
    return socket.gethostname()[:128]


def process_runs(pid: int) -> bool:
    """Return True when process ``pid`` of this host exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    try:  # a killed child its parent has not reaped yet still answers kill(0)
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


def why_gone(
    run: CrawlRun,
    now: dt.datetime,
    limit: dt.timedelta,
    host: str,
    runs: Callable[[int], bool] = process_runs,
) -> str | None:
    """Return why ``run`` (still ``running``) has no live process behind it, or None."""
    if run.host == host and run.pid is not None and (run.pid == os.getpid() or not runs(run.pid)):
        return f"crawl process {run.pid} on {host} is gone (found by the next crawl)"
    last = run.heartbeat_at or run.started_at
    if now - last > limit:
        where = f" {run.pid} on {run.host}" if run.host else ""
        return (
            f"no heartbeat from crawl process{where} since {last:%Y-%m-%d %H:%M:%S}Z, "
            f"over the {limit.total_seconds():g}s limit (found by the next crawl)"
        )
    return None


def close_gone_runs(
    session: Session,
    site_id: int,
    now: dt.datetime,
    limit: dt.timedelta,
    host: str | None = None,
) -> list[int]:
    """Close as ``killed`` every run of the site left ``running`` by a gone process."""
    host = host or this_host()
    closed = []
    running = session.scalars(
        select(CrawlRun).where(CrawlRun.site_id == site_id, CrawlRun.status == RunStatus.RUNNING)
    )
    for run in running:
        reason = why_gone(run, now, limit, host)
        if reason is None:
            continue
        run.status, run.finish_reason, run.healthy = RunStatus.KILLED, reason[:128], False
        run.health_problems = [*(run.health_problems or []), reason]
        run.finished_at = run.finished_at or now
        closed.append(run.id)
        logger.error("crawl run %s closed as killed: %s", run.id, reason)
    return closed
