"""A database-backed lock per site: never two crawls of the same site at once.

The lock is a row in ``crawl_locks`` (site_key primary key). Its holder renews ``expires_at``
while the crawl runs; a holder that died stops renewing, and once the lease has expired the next
crawl takes it over. Every step is one statement, so two schedulers on two machines sharing one
PostgreSQL database cannot both win.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from db.models import CrawlLock, utcnow

log = logging.getLogger(__name__)


class LockHeldError(RuntimeError):
    """Another live holder has the site's lock."""

    def __init__(self, site_key: str, holder: str, expires_at: dt.datetime) -> None:
        super().__init__(
            f"{site_key} is being crawled by {holder} (lease until {expires_at:%Y-%m-%d %H:%M:%S}Z)"
        )
        self.site_key = site_key
        self.holder = holder
        self.expires_at = expires_at


class LockLostError(RuntimeError):
    """Our lease expired and someone else took the lock over."""


@dataclass
class Lease:
    site_key: str
    holder: str
    expires_at: dt.datetime
    taken_over_from: str | None = None


def new_holder() -> str:
    """Name this acquisition: host, process and a nonce (jobs share a process's threads)."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(
    engine: Engine,
    site_key: str,
    ttl: dt.timedelta,
    holder: str | None = None,
    now: dt.datetime | None = None,
) -> Lease:
    """Take the lock of ``site_key`` or raise :class:`LockHeldError`.

    A free lock is inserted; an expired one is taken over by a conditional update, so that of
    two contenders exactly one succeeds.
    """
    holder = holder or new_holder()
    now = now or utcnow()
    expires = now + ttl
    table = CrawlLock.__table__
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(table).values(
                    site_key=site_key, holder=holder, acquired_at=now, expires_at=expires
                )
            )
        return Lease(site_key, holder, expires)
    except IntegrityError:
        pass  # held, perhaps by a dead holder: look at the lease
    with engine.begin() as connection:
        current = connection.execute(
            select(table.c.holder, table.c.expires_at).where(table.c.site_key == site_key)
        ).one_or_none()
        taken = connection.execute(
            update(table)
            .where(table.c.site_key == site_key, table.c.expires_at < now)
            .values(holder=holder, acquired_at=now, expires_at=expires)
        ).rowcount
        if taken == 1:
            previous = current.holder if current else None
            log.warning("took over the expired crawl lock of %s from %s", site_key, previous)
            return Lease(site_key, holder, expires, taken_over_from=previous)
        current = connection.execute(
            select(table.c.holder, table.c.expires_at).where(table.c.site_key == site_key)
        ).one_or_none()
    if current is None:  # released between our statements: try once more
        return acquire(engine, site_key, ttl, holder, now)
    raise LockHeldError(site_key, current.holder, current.expires_at)


def renew(engine: Engine, lease: Lease, ttl: dt.timedelta, now: dt.datetime | None = None) -> None:
    """Extend our lease; raise :class:`LockLostError` if it is no longer ours."""
    expires = (now or utcnow()) + ttl
    table = CrawlLock.__table__
    with engine.begin() as connection:
        updated = connection.execute(
            update(table)
            .where(table.c.site_key == lease.site_key, table.c.holder == lease.holder)
            .values(expires_at=expires)
        ).rowcount
    if updated != 1:
        raise LockLostError(f"lost the crawl lock of {lease.site_key}")
    lease.expires_at = expires


def release(engine: Engine, lease: Lease) -> None:
    """Give the lock back, only if it is still ours."""
    table = CrawlLock.__table__
    with engine.begin() as connection:
        connection.execute(
            delete(table).where(table.c.site_key == lease.site_key, table.c.holder == lease.holder)
        )
