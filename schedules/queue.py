"""Site crawls on a queue, for crawl workers on other machines (Celery; docs/deployment.md).

With ``EGOV_BROKER_URL`` set, the scheduler's crawl lane puts each nightly crawl on the queue
(``EGOV_CRAWL_QUEUE``) instead of running it, and ``schedules worker`` on any number of machines
takes crawls from it. A message is acknowledged only when its crawl has been recorded
(``acks_late``, one message prefetched per worker thread), and a worker that dies mid-crawl
gives its messages back (``reject_on_worker_lost``): another worker takes the site, waits for
the dead worker's lock to expire, closes its run as killed and crawls the site again. The
site's lock in the database keeps two crawls of it from ever overlapping.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import Celery, Task
from sqlalchemy import select

from db.config import Settings, load_settings
from db.engine import make_engine, session_scope
from db.models import CrawlRun, RunStatus, Site, utcnow

log = logging.getLogger(__name__)

CRAWL_TASK = "egov.crawl_site"
#: Retries of a crawl whose site is locked: enough to outlive a dead worker's lease.
LOCKED_RETRY_SECONDS = 15
LOCKED_RETRIES = 200

app = Celery("egov-watch", set_as_current=False)


def configure(settings: Settings) -> Celery:
    """Point the app at the broker and queue of ``settings``; return it."""
    app.conf.update(
        broker_url=settings.broker_url,
        task_default_queue=settings.crawl_queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # A crawl can run for hours: RabbitMQ must not take its unacknowledged message back.
        broker_transport_options={"visibility_timeout": 6 * 3600},
    )
    return app


def enqueue(kwargs: dict[str, Any], settings: Settings | None = None) -> str:
    """Put one site crawl (``schedules.jobs.crawl_site``'s arguments) on the queue."""
    configure(settings or load_settings())
    result = app.send_task(CRAWL_TASK, kwargs={**kwargs, "queued_at": utcnow().isoformat()})
    log.info("queued crawl of %s (%s)", kwargs.get("site_key"), result.id)
    return str(result.id)


@app.task(bind=True, name=CRAWL_TASK, max_retries=LOCKED_RETRIES)
def crawl_site_task(self: Task, queued_at: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """Crawl one site on this worker; retry later while another holder has its lock."""
    from schedules.jobs import crawl_site

    site_key = str(kwargs["site_key"])
    if queued_at is not None:
        recorded = recorded_run(site_key, dt.datetime.fromisoformat(queued_at))
        if recorded is not None:
            # Given back after its run was recorded (the worker died before acknowledging):
            # the site was crawled for this message already.
            log.info("crawl of %s already recorded as run %d", site_key, recorded)
            return {"site": site_key, "status": "already recorded", "crawl_run_id": recorded}
    result = crawl_site(**kwargs)
    if result.get("status") == "skipped":
        # A live crawl of the site, or a dead worker's lease that has not expired yet: come back
        # and crawl it then, never at the same time.
        log.info("crawl of %s waits for its lock: %s", kwargs.get("site_key"), result["reason"])
        raise self.retry(countdown=LOCKED_RETRY_SECONDS)
    result["worker"] = self.request.hostname
    result["recorded_at"] = utcnow().isoformat()
    return result


def recorded_run(site_key: str, since: dt.datetime) -> int | None:
    """A run of ``site_key`` started since ``since`` that ended by itself (not killed), if any."""
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            return session.scalar(
                select(CrawlRun.id)
                .join(Site, Site.id == CrawlRun.site_id)
                .where(
                    Site.key == site_key,
                    CrawlRun.started_at >= since,
                    CrawlRun.status.not_in((RunStatus.RUNNING, RunStatus.KILLED)),
                )
                .limit(1)
            )
    finally:
        engine.dispose()


def queued_count(settings: Settings) -> int | None:
    """Messages waiting on the crawl queue (None when the broker cannot say)."""
    configure(settings)
    try:
        with app.connection_for_read() as connection:
            channel = connection.default_channel
            declared = channel.queue_declare(settings.crawl_queue, passive=True)
            return int(declared.message_count)
    except Exception as error:  # unreachable broker, or the queue not declared yet
        log.debug("cannot count the crawl queue: %s", error)
        return None


def worker_argv(concurrency: int, hostname: str | None = None) -> list[str]:
    """The Celery worker command line ``schedules worker`` runs."""
    argv = ["worker", "--pool=threads", f"--concurrency={concurrency}", "--loglevel=INFO"]
    argv += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    if hostname:
        argv.append(f"--hostname={hostname}")
    return argv
