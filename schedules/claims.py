"""Exactly one scheduler starts each run of a job, even with two ``schedules run`` on one database.

Two schedulers sharing the job store both see a job due. Before a run is handed to an executor
(or to the queue), its scheduler claims it: a row ``run:<job>@<scheduled minute>`` in the
``crawl_locks`` table, inserted in one statement, so of two contenders exactly one wins. A claim
is never released: it expires after the job's misfire grace time, when no scheduler would start
that run any more, and expired claims are swept by the next claim.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from sqlalchemy import Engine, delete

from db.models import CrawlLock, utcnow
from schedules import locks

log = logging.getLogger(__name__)

PREFIX = "run:"
KEY_LENGTH = 64


def claim_key(job_id: str, run_time: dt.datetime) -> str:
    """The claim's lock key: readable when it fits, the job id hashed when it does not."""
    stamp = f"@{run_time.astimezone(dt.UTC):%Y%m%d%H%M}"
    key = f"{PREFIX}{job_id}{stamp}"
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha1(job_id.encode()).hexdigest()[:10]
    room = KEY_LENGTH - len(PREFIX) - len(stamp) - len(digest) - 1
    return f"{PREFIX}{job_id[:room]}~{digest}{stamp}"


def claim_run(
    engine: Engine, job_id: str, run_time: dt.datetime, grace: dt.timedelta, holder: str
) -> bool:
    """Claim the run of ``job_id`` scheduled at ``run_time``; False if another scheduler has."""
    _sweep(engine)
    expires = max(run_time.astimezone(dt.UTC), utcnow()) + grace
    try:
        locks.acquire(engine, claim_key(job_id, run_time), expires - utcnow(), holder=holder)
    except locks.LockHeldError as held:
        log.info("run of %s at %s already started by %s", job_id, run_time, held.holder)
        return False
    return True


def _sweep(engine: Engine) -> None:
    table = CrawlLock.__table__
    with engine.begin() as connection:
        connection.execute(
            delete(table).where(table.c.site_key.startswith(PREFIX), table.c.expires_at < utcnow())
        )
