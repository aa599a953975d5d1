"""Next scheduled runs (下次运行) of each site's crawl, probe and link check.

The scheduler (``schedules``) keeps its APScheduler jobs in the evidence database, one row a job
with its id (``crawl-<site>``, ``probe-<site>``, ``linkcheck-<site>``…) and its next run time as
seconds since the epoch. The console reads that table directly: it must not import the scheduler
(scoring never depends on schedules), and the table is there only once a scheduler has run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import Float, String, column, inspect, select, table
from sqlalchemy.orm import Session

# The table schedules.scheduler.JOBS_TABLE names (a test keeps the two in step).
JOBS_TABLE = "apscheduler_jobs"

jobs = table(JOBS_TABLE, column("id", String), column("next_run_time", Float))


class JobKind(StrEnum):
    """The per-site jobs whose next run the crawl status page shows; the value prefixes job ids."""

    CRAWL = "crawl"
    PROBE = "probe"
    LINK_CHECK = "linkcheck"


def next_runs(
    session: Session, site_keys: Iterable[str]
) -> dict[tuple[str, JobKind], dt.datetime | None]:
    """Return each scheduled job's next run (UTC) by (site key, kind); ``None`` when paused.

    A site and kind missing from the result has no job: not scheduled (未排程). So has every
    site when no scheduler ever ran on this database and the table does not exist.
    """
    wanted = {f"{kind}-{key}": (key, kind) for key in site_keys for kind in JobKind}
    if not wanted or not inspect(session.connection()).has_table(JOBS_TABLE):
        return {}
    rows = session.execute(select(jobs.c.id, jobs.c.next_run_time).where(jobs.c.id.in_(wanted)))
    return {
        # APScheduler stores a paused job without a next run time.
        wanted[job_id]: None if epoch is None else dt.datetime.fromtimestamp(epoch, dt.UTC)
        for job_id, epoch in rows
    }
