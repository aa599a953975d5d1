"""Run one crawl in its own process, under the site's lock and a time limit, and record it.

Twisted's reactor cannot be restarted, so every crawl is a fresh ``python -m scrapy crawl``
process. The crawl writes its own crawl_runs row; this module makes sure that a process that was
killed, timed out or crashed leaves a row that says so (status ``killed`` or ``failed`` with a
finish reason), so that a dead crawl is never read as "no posts". A crawler that exits without
finishing its run says why in its last line (``Error: …``); that line joins the finish reason.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, select

from crawler.profiles import SiteProfile
from db.engine import session_scope
from db.models import CrawlRun, FetchedPage, RunStatus, Site, utcnow
from schedules import locks
from schedules.environment import REPO_ROOT, absolute_database_url

log = logging.getLogger(__name__)

Progress = Callable[[float, int], None]
"""Called about every second with (seconds elapsed, new pages stored so far)."""

SHUTTING_DOWN = threading.Event()
"""Set by ``schedules run`` on SIGTERM/Ctrl-C: running crawls are stopped and recorded."""


@dataclass(frozen=True)
class CrawlOutcome:
    """What one supervised crawl did, as the logs and the demo report it."""

    site_key: str
    spider: str
    crawl_run_id: int | None
    status: str
    finish_reason: str | None
    healthy: bool | None
    exit_code: int | None
    seconds: float
    items: int
    responses: int
    pages: int
    log_file: Path | None
    problem: str | None = None  # the run's last health problem, in full: why it went wrong

    def summary(self) -> str:
        health = {True: "healthy", False: "UNHEALTHY", None: "health unknown"}[self.healthy]
        return (
            f"crawl {self.site_key} ({self.spider}) {self.status} in {self.seconds:.1f}s: "
            f"{self.items} items, {self.responses} responses, {self.pages} new pages stored, "
            f"{health}, "
            f"finish reason {self.finish_reason or '-'}, exit status {self.exit_code}"
        )


def crawl_command(
    spider: str, site_key: str, base_url: str | None = None, full: bool = False
) -> list[str]:
    """The command a user would type, with this interpreter."""
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"site={site_key}"]
    if base_url:
        command += ["-a", f"base_url={base_url}"]
    if full:
        command += ["-a", "full=1"]
    return command


@dataclass(frozen=True)
class Limits:
    """How long a crawl may run and how its lock is held (seconds)."""

    time_limit: float
    stop_grace: float = 30.0
    lock_ttl: float = 300.0
    lock_renew: float = 60.0

    @property
    def ttl(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.lock_ttl)

    @property
    def oldest_live(self) -> dt.timedelta:
        """The age past which a run still marked running cannot have a live supervisor."""
        return dt.timedelta(seconds=self.time_limit + self.stop_grace) + self.ttl


def run_crawl(
    engine: Engine,
    database_url: str,
    profile: SiteProfile,
    *,
    time_limit: float,
    stop_grace: float = 30.0,
    lock_ttl: float = 300.0,
    lock_renew: float = 60.0,
    base_url: str | None = None,
    full: bool = False,
    command: Sequence[str] | None = None,
    log_dir: Path | None = None,
    progress: Progress | None = None,
    env: Mapping[str, str] | None = None,
) -> CrawlOutcome:
    """Crawl ``profile`` in a subprocess; raise :class:`locks.LockHeldError` if it is running.

    ``full`` walks every list page instead of stopping at known posts (still fetching only
    unknown detail pages). ``command`` replaces the scrapy command (tests use it to simulate a
    hanging crawler).
    """
    limits = Limits(time_limit, stop_grace, lock_ttl, lock_renew)
    lease = locks.acquire(engine, profile.key, limits.ttl)
    try:
        close_orphans_under_lock(engine, profile.key, lease, limits)
        command = list(command or crawl_command(profile.kind, profile.key, base_url, full))
        env = {
            **os.environ,
            **(env or {}),
            "EGOV_DATABASE_URL": absolute_database_url(database_url),
        }
        return _supervise(engine, profile, lease, command, limits, env, log_dir, progress)
    finally:
        locks.release(engine, lease)


def close_orphans_under_lock(
    engine: Engine, site_key: str, lease: locks.Lease, limits: Limits
) -> int:
    """Holding the lock, close the runs of ``site_key`` whose supervisor is gone.

    That is every run still marked running when we took the lock over from a dead holder, and
    otherwise those older than any supervised crawl can be.
    """
    cutoff = utcnow() if lease.taken_over_from else utcnow() - limits.oldest_live
    return close_orphaned_runs(engine, site_key, cutoff)


@dataclass
class Heartbeat:
    """Called about once a second while a crawl runs: renew the lock, report progress."""

    engine: Engine
    lease: locks.Lease
    limits: Limits
    launched_at: dt.datetime
    progress: Progress | None = None
    last_renewal: float = field(default_factory=time.monotonic)

    def __call__(self, elapsed: float) -> None:
        if time.monotonic() - self.last_renewal >= self.limits.lock_renew:
            locks.renew(self.engine, self.lease, self.limits.ttl)
            self.last_renewal = time.monotonic()
        if self.progress is not None:
            site_key = self.lease.site_key
            self.progress(elapsed, _pages_so_far(self.engine, site_key, self.launched_at))


def _supervise(
    engine: Engine,
    profile: SiteProfile,
    lease: locks.Lease,
    command: list[str],
    limits: Limits,
    env: Mapping[str, str],
    log_dir: Path | None,
    progress: Progress | None,
) -> CrawlOutcome:
    """Run the crawler process to its end under ``limits``, then make its run say how it ended."""
    launched_at = utcnow()
    log_file = _log_file(log_dir, profile.key, launched_at)
    heartbeat = Heartbeat(engine, lease, limits, launched_at, progress)
    log.info("starting crawl of %s: %s", profile.key, " ".join(command))
    with open(log_file or os.devnull, "ab") as output:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        watch = Watch(process, limits.time_limit, limits.stop_grace, f"crawl of {profile.key}")
        try:
            watch.run(heartbeat)
        except BaseException:
            # The scheduler itself is going down (Ctrl-C, SIGTERM, lost lock): the crawl went too.
            why = watch.stopped_by or "the scheduler stopped while the crawl ran"
            _record_end(engine, profile, launched_at, process.returncode, why)
            raise
    run = _record_end(
        engine, profile, launched_at, process.returncode, watch.stopped_by, _last_line(log_file)
    )
    seconds = time.monotonic() - watch.started
    return _outcome(engine, profile, run, launched_at, process.returncode, seconds, log_file)


def _log_file(log_dir: Path | None, site_key: str, launched_at: dt.datetime) -> Path | None:
    if log_dir is None:
        return None
    log_dir.mkdir(parents=True, exist_ok=True)
    return log_dir / f"{site_key}-{launched_at:%Y%m%dT%H%M%SZ}.log"


def _outcome(
    engine: Engine,
    profile: SiteProfile,
    run: CrawlRun,
    launched_at: dt.datetime,
    exit_code: int | None,
    seconds: float,
    log_file: Path | None,
) -> CrawlOutcome:
    """Summarise a recorded run for the logs, the job result and the demo."""
    stats = run.stats or {}
    outcome = CrawlOutcome(
        site_key=profile.key,
        spider=profile.kind,
        crawl_run_id=run.id,
        status=run.status,
        finish_reason=run.finish_reason,
        healthy=run.healthy,
        exit_code=exit_code,
        seconds=seconds,
        items=int(stats.get("item_scraped_count", 0) or 0),
        responses=int(stats.get("downloader/response_count", 0) or 0),
        pages=_pages_so_far(engine, profile.key, launched_at),
        log_file=log_file,
        problem=(run.health_problems or [None])[-1],
    )
    (log.info if outcome.status == RunStatus.FINISHED else log.error)("%s", outcome.summary())
    return outcome


@dataclass
class Watch:
    """Wait for a spider's process; stop it past its time limit or when the scheduler stops.

    ``stopped_by`` says why this supervisor stopped it (None when it ended by itself). An
    exception while waiting (Ctrl-C, a lost lock raised by a tick) stops the process too.
    """

    process: subprocess.Popen[bytes]
    time_limit: float
    stop_grace: float
    name: str
    started: float = field(default_factory=time.monotonic)
    stopped_by: str | None = None

    def run(self, tick: Callable[[float], None] | None = None) -> None:
        """Wait, calling ``tick(seconds elapsed)`` about once a second."""
        try:
            while True:
                try:
                    self.process.wait(timeout=1.0)
                    return
                except subprocess.TimeoutExpired:
                    pass
                if tick is not None:
                    tick(time.monotonic() - self.started)
                if self.stopped_by is None and time.monotonic() - self.started > self.time_limit:
                    self.stopped_by = f"time limit of {self.time_limit:g}s exceeded"
                elif self.stopped_by is None and SHUTTING_DOWN.is_set():
                    self.stopped_by = "the scheduler is shutting down"
                else:
                    continue
                log.warning("%s: %s, stopping it", self.name, self.stopped_by)
                _stop(self.process, self.stop_grace)
        except BaseException:
            _stop(self.process, self.stop_grace)
            raise


def _stop(process: subprocess.Popen[bytes], grace: float) -> None:
    """Ask Scrapy to close cleanly (SIGTERM), then kill it if it does not."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _runs_since(session, site_key: str, launched_at: dt.datetime):  # type: ignore[no-untyped-def]
    return (
        select(CrawlRun)
        .join(Site, Site.id == CrawlRun.site_id)
        .where(Site.key == site_key, CrawlRun.started_at >= launched_at)
        .order_by(CrawlRun.id)
    )


def _pages_so_far(engine: Engine, site_key: str, launched_at: dt.datetime) -> int:
    with session_scope(engine) as session:
        runs = _runs_since(session, site_key, launched_at).with_only_columns(CrawlRun.id)
        return int(
            session.scalar(
                select(func.count())
                .select_from(FetchedPage)
                .where(FetchedPage.crawl_run_id.in_(runs.scalar_subquery()))
            )
            or 0
        )


def _last_line(log_file: Path | None) -> str | None:
    """The crawler's last line of output, when it is its one-line error (``Error: …``)."""
    if log_file is None or not log_file.exists():
        return None
    with open(log_file, "rb") as log:
        log.seek(max(0, log.seek(0, os.SEEK_END) - 4096))
        lines = [line.strip() for line in log.read().decode("utf-8", "replace").splitlines()]
    last = next((line for line in reversed(lines) if line), "")
    return last[len("Error: ") :] if last.startswith("Error: ") else None


def _record_end(
    engine: Engine,
    profile: SiteProfile,
    launched_at: dt.datetime,
    exit_code: int | None,
    stopped_by_us: str | None,
    last_error: str | None = None,
) -> CrawlRun:
    """Make the crawl_runs row tell the truth about how the process ended."""
    with session_scope(engine) as session:
        run = session.scalars(_runs_since(session, profile.key, launched_at)).first()
        if run is None:
            run = CrawlRun(
                site_id=_site_id(session, profile), spider=profile.kind, status=RunStatus.RUNNING
            )
            run.stats = {}
            run.started_at = launched_at
            run.health_problems = ["the crawler process wrote no crawl run"]
            session.add(run)
        reason = _failure_reason(run.status, exit_code, stopped_by_us)
        if reason is not None:
            status, finish_reason = reason
            if last_error and stopped_by_us is None:
                finish_reason = f"{finish_reason}: {last_error}"
            run.status = status
            run.finish_reason = finish_reason[:128]
            run.healthy = False
            run.health_problems = [*(run.health_problems or []), finish_reason]
            run.finished_at = run.finished_at or utcnow()
            run.stats = {**(run.stats or {}), "scheduler_exit_code": exit_code}
        session.flush()
        session.refresh(run)
        return run


def close_orphaned_runs(engine: Engine, site_key: str, started_before: dt.datetime) -> int:
    """Mark runs of ``site_key`` still "running" but started before the cut-off as killed."""
    with session_scope(engine) as session:
        orphans = session.scalars(
            select(CrawlRun)
            .join(Site, Site.id == CrawlRun.site_id)
            .where(
                Site.key == site_key,
                CrawlRun.status == RunStatus.RUNNING,
                CrawlRun.started_at < started_before,
            )
        ).all()
        for run in orphans:
            reason = "crawl process vanished without closing its run (found by the next crawl)"
            run.status = RunStatus.KILLED
            run.finish_reason = reason
            run.healthy = False
            run.health_problems = [*(run.health_problems or []), reason]
            run.finished_at = run.finished_at or utcnow()
            log.error("crawl run %s of %s: %s", run.id, site_key, reason)
        return len(orphans)


def _failure_reason(
    status: str, exit_code: int | None, stopped_by_us: str | None
) -> tuple[str, str] | None:
    """Return (status, finish reason) when the process ending contradicts the row, else None."""
    if stopped_by_us is not None:
        return RunStatus.KILLED, f"killed by the scheduler: {stopped_by_us}"
    if exit_code is not None and exit_code < 0:
        return RunStatus.KILLED, f"crawler process killed by signal {-exit_code}"
    if status == RunStatus.RUNNING:
        return RunStatus.FAILED, f"crawler process exited with status {exit_code} before finishing"
    if exit_code not in (0, None) and status == RunStatus.FINISHED:
        return RunStatus.FAILED, f"crawler process exited with status {exit_code}"
    return None


def _site_id(session, profile: SiteProfile) -> int:  # type: ignore[no-untyped-def]
    """The site's row, created from its profile if the crawler died before creating it."""
    site = session.scalar(select(Site).where(Site.key == profile.key))
    if site is None:
        site = Site(
            key=profile.key,
            name=profile.name,
            kind=profile.kind,
            base_url=profile.declared_base_url,
        )
        session.add(site)
        session.flush()
    return site.id


@dataclass(frozen=True)
class ProcessOutcome:
    """How a spider process that records its own tables (no crawl run) ended."""

    exit_code: int | None
    stopped_by_us: str | None  # why the supervisor stopped it, if it did
    seconds: float


def run_spider_process(
    command: Sequence[str],
    *,
    time_limit: float,
    stop_grace: float = 30.0,
    log_file: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> ProcessOutcome:
    """Run a spider in its own process under a time limit, stopping it on shutdown.

    For the probe and link-check spiders, which write their own tables: their caller records
    how the process ended. Crawls of the nightly walk use :func:`run_crawl`.
    """
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file or os.devnull, "ab") as output:
        process = subprocess.Popen(
            list(command), cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        watch = Watch(process, time_limit, stop_grace, " ".join(command[2:5]))
        watch.run()
    return ProcessOutcome(process.returncode, watch.stopped_by, time.monotonic() - watch.started)
