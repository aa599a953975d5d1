"""A crawl whose process is gone never stays ``running``, and coverage never reads it as fine.

A crawl writes its host, its process id and a heartbeat; the next crawl of the site closes as
``killed`` a run whose process is dead on this host, or which has not beaten for
EGOV_HEARTBEAT_LIMIT_SECONDS anywhere. Until then, coverage counts a run silent past the limit
as failed.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import time

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from crawler.liveness import close_gone_runs, this_host
from db.engine import make_engine, session_scope
from db.models import CrawlRun, FetchedPage, Site, utcnow
from samplesites.portal import SamplePortal
from samplesites.server import serving
from scoring.assessment.coverage import month_coverage
from scoring.assessment.periods import SHANGHAI
from tests.evidence_queries import query
from tests.reliability.conftest import REPO, Faulty, crawl_command, crawl_env, run_scrapy
from tests.scoring import factories as f

LIMIT = dt.timedelta(seconds=900)  # the default EGOV_HEARTBEAT_LIMIT_SECONDS


def test_crawl_killed_outside_the_scheduler_is_closed_as_killed_by_the_next_crawl(
    evidence_url: str,
) -> None:
    site = SamplePortal(months=3, departments=12, seed=7)
    slowed = Faulty(site, delay=lambda path: 0.05 if "/art/" in path or "/t2" in path else 0)
    with serving(slowed) as server:
        # No batch is committed before the end: every beat seen comes from the timer.
        fast_beats = ("-s", "EGOV_HEARTBEAT_SECONDS=0.2", "-s", "EGOV_COMMIT_SECONDS=3600")
        fast_beats += ("-s", "EGOV_COMMIT_EVERY=1000000")
        first = subprocess.Popen(
            crawl_command("portal", "sample-portal", server.url, *fast_beats),
            cwd=REPO,
            env=crawl_env(evidence_url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        beats: set[dt.datetime] = set()
        deadline = time.monotonic() + 90
        while len(beats) < 3:  # its run is open and alive: it has beaten three times
            assert time.monotonic() < deadline and first.poll() is None, "crawl never got going"
            rows = query(evidence_url, select(CrawlRun.heartbeat_at, CrawlRun.host, CrawlRun.pid))
            if rows:
                beats.add(rows[0][0])
                assert rows[0][1:] == (socket.gethostname(), first.pid)
            time.sleep(0.1)
        assert query(evidence_url, select(func.count(FetchedPage.id))) == [(0,)]  # no batch yet
        os.kill(first.pid, signal.SIGKILL)  # not reaped yet: a zombie, as under a busy parent
        try:
            run_scrapy(evidence_url, server.url)
        finally:
            first.wait()

    killed, normal = query(
        evidence_url,
        select(CrawlRun.id, CrawlRun.status, CrawlRun.healthy, CrawlRun.finish_reason).order_by(
            CrawlRun.id
        ),
    )
    gone = f"crawl process {first.pid} on {socket.gethostname()} is gone (found by the next crawl)"
    assert killed[1:] == ("killed", False, gone[:128])
    assert normal[1] == "finished"
    month = f"{dt.datetime.now(SHANGHAI):%Y-%m}"
    engine = make_engine(evidence_url)
    with session_scope(engine) as session:
        coverage = month_coverage(session, "portal", (month,), utcnow())[month]
    engine.dispose()
    assert any(f"run {killed[0]} killed" in reason for reason in coverage.reasons)


def _running(session: Session, site: Site, *, host: str | None, pid: int | None, **when) -> int:
    run = CrawlRun(site_id=site.id, spider="portal", status="running", host=host, pid=pid, **when)
    run.stats = {}
    session.add(run)
    session.flush()
    return run.id


def test_runs_are_closed_when_their_process_is_gone_and_left_alone_while_it_lives(
    session: Session,
) -> None:
    site = f.site(session)
    now = utcnow()
    dead_pid = subprocess.Popen(["true"])  # a process of this host that has ended
    dead_pid.wait()
    recent, old = now - dt.timedelta(minutes=1), now - dt.timedelta(minutes=20)
    here = this_host()
    live_elsewhere = _running(
        session, site, host="crawler-2", pid=4242, started_at=old, heartbeat_at=recent
    )
    stale_elsewhere = _running(
        session, site, host="crawler-2", pid=4242, started_at=old, heartbeat_at=old
    )
    dead_here = _running(
        session, site, host=here, pid=dead_pid.pid, started_at=recent, heartbeat_at=recent
    )
    live_here = _running(
        session, site, host=here, pid=os.getppid(), started_at=old, heartbeat_at=recent
    )
    never_beat = _running(session, site, host=None, pid=None, started_at=old)

    closed = close_gone_runs(session, site.id, now, LIMIT)
    session.commit()

    assert sorted(closed) == sorted([stale_elsewhere, dead_here, never_beat])
    status = dict(session.execute(select(CrawlRun.id, CrawlRun.status)).all())
    assert status[live_elsewhere] == status[live_here] == "running"
    reasons = dict(session.execute(select(CrawlRun.id, CrawlRun.finish_reason)).all())
    assert reasons[stale_elsewhere].startswith("no heartbeat from crawl process 4242 on crawler-2")
    assert (
        reasons[dead_here]
        == f"crawl process {dead_pid.pid} on {here} is gone (found by the next crawl)"
    )


def test_run_left_running_without_a_heartbeat_counts_as_failed_in_coverage_and_the_view(
    session: Session,
) -> None:
    portal = f.site(session)
    f.run(session, portal, f.shanghai(2012, 2, 3))
    silent = _running(
        session,
        portal,
        host="crawler-2",
        pid=4242,
        started_at=f.shanghai(2012, 2, 10, 2),
        heartbeat_at=f.shanghai(2012, 2, 10, 3),
    )
    f.run(session, portal, f.shanghai(2012, 3, 2))  # a healthy whole crawl after February
    alive = _running(session, portal, host=this_host(), pid=os.getpid(), started_at=utcnow())
    session.execute(
        CrawlRun.__table__.update().where(CrawlRun.id == alive).values(heartbeat_at=utcnow())
    )
    session.commit()

    february = month_coverage(session, "portal", ("2012-02",), utcnow())["2012-02"]
    assert february.reasons == (f"sx-portal run {silent} silent on 2012-02-10",)
    this_month = f"{dt.datetime.now(SHANGHAI):%Y-%m}"
    now = month_coverage(session, "portal", (this_month,), utcnow())[this_month]
    assert not any(f"run {alive} " in reason for reason in now.reasons)  # alive: not failed
    view = session.execute(
        text(
            "SELECT month, failed_runs, covered FROM analyst_site_coverage "
            "WHERE month IN ('2012-02', :month) ORDER BY month"
        ),
        {"month": this_month},
    ).all()
    assert [tuple(row) for row in view] == [("2012-02", 1, 0), (this_month, 0, 0)]
