"""Build the APScheduler scheduler on the evidence database and keep its jobs in step with the file.

Jobs live in the ``apscheduler_jobs`` table of the evidence database (SQLAlchemyJobStore), so a
restart keeps each job's next run time. That is what makes a missed run detectable: a job whose
stored next run time has passed while the machine was down is run once (``coalesce``) if it is
still within its ``misfire_grace_time``. Syncing with the schedules file therefore never re-adds
an unchanged job (that would recompute its next run time from "now" and forget the missed run).

Jobs run in lanes (:class:`schedules.jobspec.Lane`), one thread pool each with its own limit
(``[lanes]`` in the schedules file): a probe never waits for a crawl to free a thread, a report
never waits for either. Each run is claimed in the database before it starts
(:mod:`schedules.claims`), so a second scheduler on the same database starts nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.executors.base import BaseExecutor
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import Engine

from db.config import Settings
from schedules import claims, locks
from schedules.jobspec import JobSpec, Lane
from schedules.schedules_file import Lanes
from schedules.sizing import sites_in_flight

log = logging.getLogger(__name__)

JOBS_TABLE = "apscheduler_jobs"
# Crawls of different sites may overlap; the same job never runs twice at once.
JOB_DEFAULTS: dict[str, Any] = {"coalesce": True, "max_instances": 1}


class ClaimingExecutor(ThreadPoolExecutor):
    """A lane's thread pool that starts a run only once its claim in the database is won."""

    def __init__(self, max_workers: int, engine: Engine, holder: str) -> None:
        super().__init__(max_workers)
        self.engine = engine
        self.holder = holder

    def submit_job(self, job: Job, run_times: list[Any]) -> None:
        grace = dt.timedelta(seconds=job.misfire_grace_time or 0) + CLAIM_MARGIN
        if claims.claim_run(self.engine, job.id, run_times[-1], grace, self.holder):
            super().submit_job(job, run_times)


CLAIM_MARGIN = dt.timedelta(hours=1)


class QueueExecutor(BaseExecutor):
    """The crawl lane when crawl workers take crawls from a broker: a won run is queued."""

    def __init__(self, engine: Engine, holder: str, settings: Settings) -> None:
        super().__init__()
        self.engine = engine
        self.holder = holder
        self.settings = settings

    def _do_submit_job(self, job: Job, run_times: list[Any]) -> None:
        grace = dt.timedelta(seconds=job.misfire_grace_time or 0) + CLAIM_MARGIN
        if not claims.claim_run(self.engine, job.id, run_times[-1], grace, self.holder):
            self._run_job_success(job.id, [])
            return
        from schedules import queue  # Celery only where crawls are queued

        try:
            task_id = queue.enqueue(dict(job.kwargs), self.settings)
        except Exception as error:
            self._run_job_error(job.id, error, error.__traceback__)
            return
        self._run_job_success(job.id, [_queued(job, run_times[-1], task_id)])


def _queued(job: Job, run_time: Any, task_id: str) -> JobExecutionEvent:
    return JobExecutionEvent(
        EVENT_JOB_EXECUTED, job.id, job._jobstore_alias, run_time, f"queued {task_id}"
    )


def lane_sizes(lanes: Lanes | None = None) -> dict[Lane, int]:
    """Threads of each lane: the file's numbers, the crawl lane sized from the machine if 0."""
    lanes = lanes or Lanes()
    return {
        Lane.CRAWLS: lanes.crawls or sites_in_flight(),
        Lane.INSPECTION: lanes.inspection,
        Lane.REPORTS: lanes.reports,
    }


def make_scheduler(
    engine: Engine,
    timezone: str,
    scheduler_class: type[BaseScheduler] = BackgroundScheduler,
    executor: Any = None,
    lanes: Lanes | None = None,
    settings: Settings | None = None,
) -> BaseScheduler:
    """Return an unstarted scheduler whose jobs are stored in the evidence database.

    ``executor`` replaces every lane's pool (tests run jobs in their own thread with it). With
    a broker in ``settings``, the crawl lane queues crawls for the crawl workers.
    """
    holder = locks.new_holder()
    executors: dict[str, Any] = {
        lane.value: executor or ClaimingExecutor(size, engine, holder)
        for lane, size in lane_sizes(lanes).items()
    }
    if executor is None and settings is not None and settings.broker_url:
        executors[Lane.CRAWLS.value] = QueueExecutor(engine, holder, settings)
    # Jobs stored before there were lanes, until `schedules run` moves them to theirs.
    executors["default"] = executor or ClaimingExecutor(1, engine, holder)
    scheduler = scheduler_class(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
        executors=executors,
        job_defaults=JOB_DEFAULTS,
        timezone=timezone,
    )
    scheduler.add_listener(_log_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    return scheduler


def shutdown_lanes(scheduler: BaseScheduler) -> None:
    """Wait for the running jobs of every lane (they stop their crawls on SHUTTING_DOWN)."""
    for alias in [*(lane.value for lane in Lane), "default"]:
        scheduler._lookup_executor(alias).shutdown(wait=True)


@contextmanager
def paused_scheduler(engine: Engine, timezone: str) -> Iterator[BaseScheduler]:
    """A started but paused scheduler: its job store can be read and edited, nothing runs."""
    scheduler = make_scheduler(engine, timezone)
    scheduler.start(paused=True)
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=False)


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    rescheduled: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [
            f"{name} {', '.join(ids)}" for name, ids in vars(self).items() if ids and name != "kept"
        ]
        return "; ".join(parts) or f"{len(self.kept)} jobs unchanged"


def sync_jobs(scheduler: BaseScheduler, specs: Sequence[JobSpec]) -> SyncReport:
    """Make the stored jobs match ``specs``, keeping the next run time of unchanged jobs."""
    report = SyncReport()
    stored = {job.id: job for job in scheduler.get_jobs()}
    for spec in specs:
        job = stored.pop(spec.id, None)
        trigger = spec.trigger()
        if job is None:
            scheduler.add_job(
                spec.func,
                trigger,
                id=spec.id,
                name=spec.description or spec.id,
                kwargs=spec.kwargs,
                misfire_grace_time=spec.misfire_grace_seconds,
                executor=spec.lane.value,
                replace_existing=True,
            )
            report.added.append(spec.id)
            continue
        changes = _changes(job, spec)
        if changes:
            scheduler.modify_job(spec.id, **changes)
            report.changed.append(spec.id)
        if repr(job.trigger) != repr(trigger):
            scheduler.reschedule_job(spec.id, trigger=trigger)
            report.rescheduled.append(spec.id)
        if not changes and repr(job.trigger) == repr(trigger):
            report.kept.append(spec.id)
    for job_id in stored:
        scheduler.remove_job(job_id)
        report.removed.append(job_id)
    return report


def _changes(job: Job, spec: JobSpec) -> dict[str, Any]:
    wanted = {
        "func": spec.func,
        "kwargs": spec.kwargs,
        "name": spec.description or spec.id,
        "misfire_grace_time": spec.misfire_grace_seconds,
        "coalesce": JOB_DEFAULTS["coalesce"],
        "max_instances": JOB_DEFAULTS["max_instances"],
        "executor": spec.lane.value,
    }
    current = {
        "func": job.func_ref,
        "kwargs": dict(job.kwargs),
        "name": job.name,
        "misfire_grace_time": job.misfire_grace_time,
        "coalesce": job.coalesce,
        "max_instances": job.max_instances,
        "executor": job.executor,
    }
    return {key: value for key, value in wanted.items() if current[key] != value}


def _log_event(event: JobExecutionEvent) -> None:
    if event.code == EVENT_JOB_MISSED:
        log.warning(
            "job %s missed its run of %s (beyond its misfire grace time)",
            event.job_id,
            event.scheduled_run_time,
        )
    elif event.code == EVENT_JOB_ERROR:
        log.error(
            "job %s (run of %s) failed: %r", event.job_id, event.scheduled_run_time, event.exception
        )
    else:
        log.info(
            "job %s (run of %s) done: %s", event.job_id, event.scheduled_run_time, event.retval
        )
