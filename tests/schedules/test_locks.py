"""The per-site crawl lock: one holder at a time, taken over only after a dead holder's lease."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from db.models import CrawlLock
from schedules import locks

TTL = dt.timedelta(minutes=5)
T0 = dt.datetime(2012, 3, 1, 18, 0, tzinfo=dt.UTC)


def test_second_crawl_of_a_site_is_refused_while_the_first_holds_the_lock(scheduler_engine):
    first = locks.acquire(scheduler_engine, "sx-portal", TTL, holder="host-a:1", now=T0)
    with pytest.raises(locks.LockHeldError) as refused:
        locks.acquire(
            scheduler_engine, "sx-portal", TTL, holder="host-b:2", now=T0 + dt.timedelta(minutes=4)
        )
    assert refused.value.holder == "host-a:1"
    assert "host-a:1" in str(refused.value)
    assert first.taken_over_from is None


def test_lock_of_a_dead_holder_is_taken_over_once_its_lease_expires(scheduler_engine):
    dead = locks.acquire(scheduler_engine, "sx-portal", TTL, holder="host-a:1", now=T0)
    later = T0 + TTL + dt.timedelta(seconds=1)
    lease = locks.acquire(scheduler_engine, "sx-portal", TTL, holder="host-b:2", now=later)
    assert lease.taken_over_from == "host-a:1"

    # The old holder, if it was only stalled, finds out it lost the lock and cannot free it.
    with pytest.raises(locks.LockLostError):
        locks.renew(scheduler_engine, dead, TTL, now=later)
    locks.release(scheduler_engine, dead)
    with scheduler_engine.connect() as connection:
        holder = connection.scalar(
            select(CrawlLock.holder).where(CrawlLock.site_key == "sx-portal")
        )
    assert holder == "host-b:2"


def test_renewed_lock_is_not_taken_over(scheduler_engine):
    lease = locks.acquire(scheduler_engine, "sx-portal", TTL, holder="host-a:1", now=T0)
    locks.renew(scheduler_engine, lease, TTL, now=T0 + dt.timedelta(minutes=4))
    with pytest.raises(locks.LockHeldError):
        locks.acquire(
            scheduler_engine, "sx-portal", TTL, holder="host-b:2", now=T0 + dt.timedelta(minutes=6)
        )


def test_released_lock_is_free_at_once_and_sites_do_not_block_each_other(scheduler_engine):
    portal = locks.acquire(scheduler_engine, "sx-portal", TTL, now=T0)
    locks.acquire(scheduler_engine, "sx-xxgk", TTL, now=T0)
    locks.release(scheduler_engine, portal)
    again = locks.acquire(scheduler_engine, "sx-portal", TTL, now=T0)
    assert again.taken_over_from is None


def test_of_many_simultaneous_contenders_exactly_one_takes_an_expired_lock(scheduler_engine):
    locks.acquire(scheduler_engine, "sx-portal", TTL, holder="dead:1", now=T0)
    later = T0 + 2 * TTL
    start = threading.Barrier(6)
    winners: list[str] = []
    refusals: list[str] = []

    def contend(n: int) -> None:
        start.wait()
        try:
            locks.acquire(scheduler_engine, "sx-portal", TTL, holder=f"c:{n}", now=later)
            winners.append(f"c:{n}")
        except locks.LockHeldError as error:
            refusals.append(error.holder)

    threads = [threading.Thread(target=contend, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1
    assert refusals == [winners[0]] * 5
