"""The ``schedules`` command line: run the scheduler, list its jobs, run one now, run the demo."""

from __future__ import annotations

import datetime as dt
import logging
import signal
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from apscheduler.events import EVENT_SCHEDULER_STARTED, SchedulerEvent
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.util import ref_to_obj
from sqlalchemy import inspect

from db.config import load_settings
from db.engine import make_engine
from db.errors import UPGRADE_HINT, one_line, shown_url
from schedules.config import (
    DEFAULT_SCHEDULES_FILE,
    Lane,
    ScheduleError,
    Schedules,
    load_schedules,
)
from schedules.crawl import SHUTTING_DOWN
from schedules.hosted import close_shared_pool
from schedules.scheduler import (
    JOBS_TABLE,
    make_scheduler,
    paused_scheduler,
    shutdown_lanes,
    sync_jobs,
)
from scoring.cli.errors import PRODUCT_ERRORS, OneLineErrors, UserError
from scoring.cli.output import emit, output_options

log = logging.getLogger("schedules")


class SchedulesErrors(OneLineErrors):
    """The ``schedules`` group: a wrong schedules file is one line too."""

    known_errors = (*PRODUCT_ERRORS, ScheduleError)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("apscheduler").setLevel(logging.INFO if verbose else logging.WARNING)


def _schedules(ctx: click.Context) -> Schedules:
    try:
        return load_schedules(ctx.obj["file"])
    except ScheduleError as error:
        raise UserError(str(error)) from error


@click.group(cls=SchedulesErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version("egov-watch"), "-V", "--version", prog_name="schedules")
@click.option(
    "--file",
    "schedules_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_SCHEDULES_FILE,
    show_default=True,
    help="The schedules file (jobs as data).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log APScheduler's own messages too.")
@click.pass_context
def cli(ctx: click.Context, schedules_file: Path, verbose: bool) -> None:
    """Run the nightly crawls and the scheduled reports, or the one-command demo.

    Jobs (a crawl per site profile at 02:00 Asia/Shanghai, the monthly report on the 1st, the
    quarterly bulletin) are defined in schedules/schedules.toml and stored in the evidence
    database named by EGOV_DATABASE_URL, so a restart keeps each job's next run time.

    Example:

        schedules list && schedules run
    """
    ctx.obj = {"file": schedules_file}
    _setup_logging(verbose)


@cli.command("list")
@output_options
@click.pass_context
def list_jobs(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """List the jobs with their schedule and next run time (Asia/Shanghai).

    "stored" says whether the running scheduler already holds the job; a job not yet stored
    gets its first run time when `schedules run` starts.

    Example:

        schedules list --format json
    """
    schedules = _schedules(ctx)
    stored = _stored_next_runs(schedules)
    now = dt.datetime.now(dt.UTC)
    rows = []
    for spec in schedules.jobs:
        in_store = spec.id in stored
        next_run = stored.pop(spec.id) if in_store else spec.trigger().get_next_fire_time(None, now)
        rows.append(
            {
                "job": spec.id,
                "lane": spec.lane.value,
                "schedule": f"{spec.cron} ({spec.timezone})",
                "next_run": _local(next_run, schedules.timezone),
                "stored": in_store,
                "what": spec.description,
            }
        )
    for job_id, next_run in stored.items():
        rows.append(
            {
                "job": job_id,
                "lane": "",
                "schedule": "",
                "next_run": _local(next_run, schedules.timezone),
                "stored": True,
                "what": "no longer in the schedules file: removed when `schedules run` starts",
            }
        )
    emit(rows, ("job", "lane", "schedule", "next_run", "stored", "what"), fmt, output)


def _stored_next_runs(schedules: Schedules) -> dict[str, dt.datetime | None]:
    """Next run times held in the job store, without creating it if it is not there yet."""
    url = load_settings().database_url
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table(JOBS_TABLE):
            return {}
        with paused_scheduler(engine, schedules.timezone) as scheduler:
            stored = {job.id: job.next_run_time for job in scheduler.get_jobs()}
    except Exception as error:
        raise UserError(
            f"cannot read the job store in {shown_url(url)}: {one_line(error)}"
        ) from error
    finally:
        engine.dispose()
    return stored


def _require_schema(url: str) -> None:
    """Refuse before any job runs on a database the jobs cannot use (no schema, unreachable)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            migrated = inspect(connection).has_table("alembic_version")
    finally:
        engine.dispose()
    if not migrated:
        raise UserError(f"the evidence database {shown_url(url)} has no schema yet; {UPGRADE_HINT}")


def _local(moment: dt.datetime | None, timezone: str) -> str:
    if moment is None:
        return "paused"
    return f"{moment.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M %Z}"


@cli.command("run")
@click.pass_context
def run(ctx: click.Context) -> None:
    """Run the scheduler until stopped (Ctrl-C or SIGTERM), as the deployment's service.

    On start the stored jobs are brought in line with the schedules file; a run missed while
    the machine was down is made up once (coalesced) if it is within its misfire grace time.
    On SIGTERM, running crawls are stopped and recorded as killed before exiting.

    Example:

        EGOV_DATABASE_URL=postgresql+psycopg://egov:secret@db/egov schedules run
    """
    schedules = _schedules(ctx)
    settings = load_settings()
    _require_schema(settings.database_url)
    engine = make_engine(settings.database_url)
    shown = shown_url(settings.database_url)
    try:
        with paused_scheduler(engine, schedules.timezone) as paused:
            report = sync_jobs(paused, schedules.jobs)
    except Exception as error:
        raise UserError(f"cannot prepare the job store in {shown}: {one_line(error)}") from error
    log.info("job store in %s: %s", shown, report)
    scheduler = make_scheduler(
        engine,
        schedules.timezone,
        scheduler_class=BlockingScheduler,
        lanes=schedules.lanes,
        settings=settings,
    )

    def stop(signum: int, _frame: Any) -> None:
        log.info("received signal %d: stopping running crawls and the scheduler", signum)
        SHUTTING_DOWN.set()
        if scheduler.running:
            scheduler.shutdown(wait=False)

    def started(_event: SchedulerEvent) -> None:
        if SHUTTING_DOWN.is_set():  # the signal came while starting up
            scheduler.shutdown(wait=False)
        else:
            log.info("scheduler running with %d jobs", len(scheduler.get_jobs()))

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler.add_listener(started, EVENT_SCHEDULER_STARTED)
    for job in schedules.jobs:
        log.info("scheduled %s: %s (%s)", job.id, job.cron, job.description)
    scheduler.start()  # returns after shutdown
    # Let running jobs see SHUTTING_DOWN, stop their crawls and record them.
    shutdown_lanes(scheduler)
    close_shared_pool(wait=60)
    engine.dispose()
    log.info("scheduler stopped")


@cli.command("run-once")
@click.argument("job_id", metavar="JOB")
@click.pass_context
def run_once(ctx: click.Context, job_id: str) -> None:
    """Run one job now, in the foreground, whatever its schedule (see `schedules list`).

    A crawl still takes the site's lock: if the site is being crawled, it is skipped. Exits
    with status 1 if the job failed or its crawl did not finish healthy.

    Example:

        schedules run-once crawl-sx-portal
    """
    schedules = _schedules(ctx)
    try:
        spec = schedules.job(job_id)
    except ScheduleError as error:
        raise UserError(str(error)) from error
    _require_schema(load_settings().database_url)
    function = ref_to_obj(spec.func)
    started = time.monotonic()
    log.info("running %s now: %s", spec.id, spec.description)
    try:
        result = function(**spec.kwargs)
    except Exception as error:
        raise UserError(f"{spec.id} failed: {one_line(error)}") from error
    finally:
        close_shared_pool(wait=60)
    click.echo(f"{spec.id} done in {time.monotonic() - started:.1f}s: {result}")
    if isinstance(result, dict) and (
        result.get("status") not in ("finished", "skipped") or result.get("healthy") is False
    ):
        run = f"crawl run {result.get('crawl_run_id')}"
        reason = result.get("problem") or result.get("finish_reason")
        why = f": {reason}" if reason else ""
        raise UserError(
            f"{spec.id}: {run} {result.get('status')}, healthy={result.get('healthy')}{why}"
        )


@cli.command("status")
@output_options
@click.pass_context
def status(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """Show what is queued, what runs where (host and process), and what is late.

    Queued: site crawls waiting on the broker (with EGOV_BROKER_URL). Running: every crawl and
    link check holding its site's lock, with the machine and process holding it. Late: jobs past
    their run time that no scheduler started, and sites with no finished crawl for 26 hours.

    Example:

        schedules status --format json
    """
    from schedules.status import COLUMNS, status_rows

    schedules = _schedules(ctx)
    settings = load_settings()
    _require_schema(settings.database_url)
    next_runs = _stored_next_runs(schedules)
    engine = make_engine(settings.database_url)
    try:
        rows = status_rows(engine, settings, next_runs)
    finally:
        engine.dispose()
    emit(rows, COLUMNS, fmt, output)


@cli.command("worker")
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=None,
    help="Site crawls in flight on this machine (default: [lanes] crawls, or sized from its "
    "memory and CPU).",
)
@click.option("--name", default=None, help="This worker's name in `schedules status`.")
@click.pass_context
def worker(ctx: click.Context, concurrency: int | None, name: str | None) -> None:
    """Take site crawls from the queue (EGOV_BROKER_URL) and run them on this machine.

    Start one on each crawl machine; `schedules run` (one is enough, a second one queues
    nothing twice) puts each night's crawls on the queue. A crawl is acknowledged only once
    its run is recorded: a worker killed mid-crawl gives it back to another worker.

    Example:

        export EGOV_BROKER_URL=amqp://egov:${PASSWORD}@broker:5672//
        schedules worker --concurrency 40
    """
    from schedules.queue import configure, worker_argv
    from schedules.scheduler import lane_sizes

    settings = load_settings()
    if not settings.broker_url:
        raise UserError("no broker: set EGOV_BROKER_URL (see docs/deployment.md)")
    _require_schema(settings.database_url)
    size = concurrency or lane_sizes(_schedules(ctx).lanes)[Lane.CRAWLS]
    app = configure(settings)
    try:
        app.worker_main(worker_argv(size, name))
    finally:
        close_shared_pool(wait=60)


@cli.command("demo")
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Crawl the bundled sample sites end to end and print the monthly report.

    Starts the sample portal and disclosure platform on 127.0.0.1, creates the schema, loads
    the departments and the register of signed documents, crawls both sites into the evidence
    database (var/evidence.sqlite unless EGOV_DATABASE_URL says otherwise) and prints the
    report for the last month of the sample year. Needs no internet. Safe to run again.

    Example:

        schedules demo > report.txt
    """
    from schedules.demo import DemoError, run_demo
    from schedules.reports import ReportError

    logging.getLogger("schedules").setLevel(logging.WARNING)  # the demo prints its own progress
    schedules = _schedules(ctx)
    try:
        problems = run_demo(load_settings(), schedules.demo)
    except (DemoError, ReportError, ScheduleError) as error:
        raise UserError(str(error)) from error
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    if problems:
        raise UserError(f"{len(problems)} crawl(s) did not finish healthy; see the warnings")


def main() -> None:
    cli(prog_name="schedules")
