"""Record each crawl: the site and its columns, one crawl_runs row, coverage, health, evidence.

:class:`CrawlRecording` is the crawl's one evidence writer, a Scrapy extension built in
``from_crawler``; it raises ``NotConfigured`` when there is nothing to record into (the spider
has no site profile, or EGOV_EVIDENCE is off), and then the evidence middleware and the
pipelines switch off too. They receive it explicitly: each asks
``crawler.get_extension(CrawlRecording)`` in its own ``from_crawler``. When a
:class:`~crawler.spiders.base.SiteSpider` opens, the recording connects to the database of
:func:`db.config.load_settings`, mirrors the profile into ``sites``/``site_columns``, opens a
``crawl_runs`` row (status running). Spiders find it the same way, through their crawler
(:attr:`crawler.spiders.base.SiteSpider.recording`), and then use:

- ``recorder.writer``: the :class:`~crawler.writer.EvidenceWriter` (batched rows);
- ``recorder.session``: the one session of the run (the reactor thread is its only user);
- ``recorder.site``, ``recorder.run``, ``recorder.column_ids[key]``;
- ``recorder.coverage[key]``: the column's :class:`~crawler.coverage.ColumnCoverage`;
- ``recorder.quarantine(url, reason, body)``: keep what cannot become evidence.

- ``recorder.request_lost(request, reason)``: a request the run lost, with a readable reason
  (:mod:`crawler.lost_requests`): a ``request_failures`` row, and its column is not complete;
- ``recorder.clock()``: the crawl's clock (EGOV_CLOCK in a replay, :mod:`crawler.clock`).

Before opening its run, the recording closes as ``killed`` the site's runs left ``running`` by a
process that is gone (:mod:`crawler.liveness`); its own run carries this host and process id,
and a heartbeat refreshed with each batch and every EGOV_HEARTBEAT_SECONDS. A request dropped by
the duplicate filter after a redirect (a loop, or a page reached twice) is a lost request too.

If ``spider_opened`` fails (the database refuses the run, say), the recording records a failed
run if it still can, and closes the spider with the reason "could not start: …"; ``scrapy
crawl`` then exits non-zero with that line (:attr:`outcome`).

When the spider closes (after the item pipelines) it writes the last batch, the run's stats,
one crawl_column_results row per column with its list pages (:mod:`crawler.walks`), the health
verdict (:mod:`crawler.health`) and the status: ``blocked`` when an anti-bot challenge answered,
``failed`` when the run ended abnormally (a failed evidence write included) or no column could
be read, else ``finished``. The first finished run of a site sets ``sites.first_crawled_at``. It
refreshes the review queue entries of the unresolved names this run stored.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crawler.clock import clock_from_settings
from crawler.coverage import ColumnCoverage
from crawler.evidence import PageId, sha256_of
from crawler.health import RunFacts, evaluate, every_column_failed
from crawler.liveness import close_gone_runs, this_host
from crawler.lost_requests import dropped_reason
from crawler.profiles import SiteProfile
from crawler.startup import COULD_NOT_START, record_failed_start
from crawler.walks import write_column_walks
from crawler.writer import EvidenceWriter
from db.attribution import find_department, refresh_review_queue
from db.config import load_settings
from db.engine import make_engine, session_factory
from db.errors import one_line
from db.models import ColumnStatus, CrawlRun, PageKind, RunStatus, Site, SiteColumn

logger = logging.getLogger(__name__)
BLOCKED_REASON = "blocked by anti-bot challenge"


@dataclass(frozen=True)
class RunOutcome:
    """How the run ended, for ``scrapy crawl``'s exit status and last line."""

    site_key: str
    run_id: int | None
    status: str
    reason: str

    def line(self) -> str:
        run = f"crawl run {self.run_id}" if self.run_id else "a crawl (no run could be recorded)"
        return f"{run} of {self.site_key} {self.status}: {self.reason}"


def sync_site(session: Session, profile: SiteProfile) -> tuple[Site, dict[str, int]]:
    """Create or update the site and its columns from the profile; return column ids by key."""
    site = session.scalar(select(Site).where(Site.key == profile.key))
    if site is None:
        site = Site(key=profile.key)
        session.add(site)
    site.name, site.kind, site.base_url = profile.name, profile.kind, profile.declared_base_url
    session.flush()
    existing = {
        c.key: c for c in session.scalars(select(SiteColumn).where(SiteColumn.site_id == site.id))
    }
    for column in profile.columns:
        row = existing.get(column.key) or SiteColumn(site_id=site.id, key=column.key)
        row.name, row.list_kind, row.url = column.name, column.list_kind, column.declared_url
        row.expects_items = column.expects_items
        row.category = column.category
        if column.department:
            row.department_id = find_department(session, column.department).id
        session.add(row)
        existing[column.key] = row
    session.flush()
    return site, {c.key: existing[c.key].id for c in profile.columns}


def json_safe(stats: dict[str, Any]) -> dict[str, Any]:
    """Return Scrapy stats with values JSON can hold (datetimes as ISO text)."""
    safe: dict[str, Any] = {}
    for key, value in stats.items():
        if isinstance(value, dt.datetime | dt.date):
            safe[key] = value.isoformat()
        elif isinstance(value, bool | int | float | str) or value is None:
            safe[key] = value
        else:
            safe[key] = str(value)
    return safe


class CrawlRecording:
    """Scrapy extension recording a site crawl and writing its evidence (see module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.settings = crawler.settings
        self.session: Session | None = None
        self.writer: EvidenceWriter | None = None
        self.coverage: dict[str, ColumnCoverage] = {}
        self.write_failure: str | None = None
        self.clock = clock_from_settings(crawler.settings)
        self.run: CrawlRun | None = None
        self.outcome: RunOutcome | None = None
        self._heartbeat: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRecording:
        if not crawler.settings.getbool("EGOV_EVIDENCE"):
            raise NotConfigured("EGOV_EVIDENCE is off: nothing is stored")
        if crawler.spider is not None and getattr(crawler.spider, "profile", None) is None:
            raise NotConfigured(f"spider {crawler.spider.name} crawls no site profile")
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.request_dropped, signal=signals.request_dropped)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        profile: SiteProfile | None = getattr(spider, "profile", None)
        if profile is None:
            return
        try:
            self._open(spider, profile)
        except Exception as error:
            reason = one_line(error)
            logger.exception("crawl of %s could not start: %s", profile.key, reason)
            self._record_start_failure(spider, profile, reason)
            raise CloseSpider(f"{COULD_NOT_START}{reason}"[:200]) from error

    def _open(self, spider: Spider, profile: SiteProfile) -> None:
        self.engine = make_engine(load_settings().database_url)
        self.session = session_factory(self.engine)()
        self.site, self.column_ids = sync_site(self.session, profile)
        now = self.clock()
        limit = dt.timedelta(seconds=load_settings().heartbeat_limit_seconds)
        close_gone_runs(self.session, self.site.id, now, limit)
        self.run = CrawlRun(
            site_id=self.site.id,
            spider=spider.name,
            status=RunStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            host=this_host(),
            pid=os.getpid(),
            stats={},
        )
        self.session.add(self.run)
        self.session.commit()
        self.writer = EvidenceWriter(
            self.session,
            self.site.id,
            self.run.id,
            self.crawler.stats,
            batch_rows=self.settings.getint("EGOV_COMMIT_EVERY"),
            batch_seconds=self.settings.getfloat("EGOV_COMMIT_SECONDS"),
            on_failure=self._write_failed,
            clock=self.clock,
        )
        self.coverage = {
            c.key: ColumnCoverage(c.key, expects_items=c.expects_items) for c in profile.columns
        }
        logger.info("crawl run %s of site %s opened", self.run.id, profile.key)

    def _record_start_failure(self, spider: Spider, profile: SiteProfile, reason: str) -> None:
        """Record the run as failed to start, in a fresh session if the open one is spoiled."""
        problem = f"{COULD_NOT_START}{reason}"
        run_id = self.run.id if self.run is not None else None
        self._close_session()
        engine = make_engine(load_settings().database_url)
        try:
            if run_id is None:
                run_id = record_failed_start(
                    engine, profile.key, profile, spider.name, reason, self.clock()
                )
            else:
                with session_factory(engine)() as session:
                    run = session.get(CrawlRun, run_id)
                    if run is not None:
                        run.status, run.finish_reason, run.healthy = (
                            RunStatus.FAILED,
                            problem[:128],
                            False,
                        )
                        run.health_problems, run.finished_at = [problem], self.clock()
                        session.commit()
        except Exception:  # the database that failed the start may fail this too
            logger.exception("could not record that crawl run %s failed to start", run_id)
        finally:
            engine.dispose()
        self.outcome = RunOutcome(profile.key, run_id, RunStatus.FAILED, problem)

    def _close_session(self) -> None:
        if self.session is not None:
            try:
                self.session.rollback()
                self.session.close()
            finally:
                self.engine.dispose()
        self.session, self.writer = None, None

    # ------------------------------------------------------------------ signs of life
    def engine_started(self) -> None:
        """Beat every EGOV_HEARTBEAT_SECONDS while the crawl runs (batches beat too)."""
        if self.writer is None:
            return
        self._heartbeat = create_looping_call(self.heartbeat)
        self._heartbeat.start(self.settings.getfloat("EGOV_HEARTBEAT_SECONDS"), now=False)

    def heartbeat(self) -> None:
        if self.writer is not None:
            self.writer.heartbeat()

    # ------------------------------------------------------------------ lost requests
    def request_lost(self, request: Request, reason: str, kind: str | None = None) -> None:
        """Record a lost request: its column is not complete; ``kind`` names the exception."""
        key = request.meta.get("column")
        page_kind = request.meta.get("page_kind")
        page_kind = page_kind if page_kind in (PageKind.LIST, PageKind.DETAIL) else PageKind.OTHER
        coverage = self.coverage.get(key) if key else None
        if coverage is not None and not coverage.blocked:
            coverage.lost(page_kind, f"{reason}{f' [{kind}]' if kind else ''}")
        if self.writer is None or self.run is None:
            return
        self.crawler.stats.inc_value("egov/requests_lost")
        first_url = (request.meta.get("redirect_urls") or [request.url])[0]  # as listed
        self.writer.request_failure(
            {
                "crawl_run_id": self.run.id,
                "column_id": self.column_ids.get(key) if key else None,
                "url": first_url[:1024],
                "page_kind": page_kind,
                "reason": reason[:2000],
                "created_at": self.clock(),
            }
        )

    def page_gone(
        self, request: Request, status: int, reason: str, page: PageId | None = None
    ) -> None:
        """Record a listed page the site says is gone (:mod:`crawler.gone`): not a lost request.

        The ``gone_pages`` row keeps the list entry that links it; the column stays complete.
        """
        key = request.meta.get("column")
        coverage = self.coverage.get(key) if key else None
        if coverage is not None:
            coverage.page_gone()
        if self.writer is None or self.run is None:
            return
        self.crawler.stats.inc_value("egov/pages_gone")
        entry = request.meta.get("entry")
        self.writer.gone(
            {
                "column_id": self.column_ids.get(key) if key else None,
                "url": (request.meta.get("canonical_url") or request.url)[:1024],
                "listed_url": (request.meta.get("redirect_urls") or [request.url])[0][:1024],
                "http_status": status,
                "reason": reason[:2000],
                "list_title": (getattr(entry, "title", "") or "")[:512],
                "list_date": getattr(entry, "listed_on", None),
                "list_page_id": request.meta.get("list_page"),
                "page_id": page,
            }
        )
        logger.info("page gone (%s): %s", reason, request.url)

    def still_gone(self, column_key: str, canonical_url: str) -> None:
        """A page gone on an earlier run, listed again and not asked for before the full walk."""
        coverage = self.coverage.get(column_key)
        if coverage is not None:
            coverage.page_gone()
        if self.writer is not None:
            self.writer.still_gone(canonical_url)

    def request_dropped(self, request: Request, spider: Spider) -> None:
        """A request the duplicate filter dropped: lost if it was a redirect or a list page."""
        reason = dropped_reason(request)
        if reason is not None:
            logger.warning("request lost (%s): %s", reason, request.url)
            self.request_lost(request, reason)

    def quarantine(self, url: str, reason: str, body: bytes | None = None) -> None:
        """Keep ``url`` out of the evidence counts with the reason (a quarantined_items row)."""
        assert self.writer is not None, "the crawl run is not open"
        self.crawler.stats.inc_value("egov/parse_failures")
        self.writer.quarantined(
            {
                "url": url[:1024],
                "reason": reason[:2000],
                "sha256": sha256_of(body) if body is not None else None,
                "crawl_run_id": self.run.id,  # type: ignore[union-attr]
                "created_at": self.clock(),
            }
        )
        logger.warning("quarantined %s: %s", url, reason)

    def commit(self) -> None:
        """Write and commit every buffered row now."""
        if self.writer is not None:
            self.writer.flush()

    def _write_failed(self, error: SQLAlchemyError) -> None:
        """End the run: evidence that cannot be written must not pass for a complete crawl."""
        self.write_failure = f"evidence write failed: {type(error).__name__}"
        try:
            engine = self.crawler.engine
        except RuntimeError:  # no engine: the recording is driven by hand, not crawling
            return
        deferred_from_coro(engine.close_spider_async(reason=self.write_failure))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        if self.session is None or self.writer is None or self.run is None:
            return
        session = self.session
        try:
            self.writer.close()
            self._finish(self.write_failure or reason)
            session.commit()
        except Exception as error:
            session.rollback()
            logger.exception("could not record the end of crawl run %s", self.run.id)
            self.outcome = RunOutcome(
                self.site.key,
                self.run.id,
                RunStatus.FAILED,
                f"could not record its end: {one_line(error)}",
            )
            raise
        finally:
            session.close()
            self.engine.dispose()
            self.session = None

    def _finish(self, reason: str) -> None:
        stats = self.crawler.stats
        for key, c in self.coverage.items():
            for name in ("list_pages", "list_failures", "entries", "new_entries", "details"):
                stats.set_value(f"egov/column/{key}/{name}", getattr(c, name))
            stats.set_value(f"egov/column/{key}/detail_failures", c.detail_failures)
        stats.set_value("egov/pages_stored", self.writer.pages_written)  # type: ignore[union-attr]
        facts = RunFacts(
            finish_reason=reason,
            stats=stats.get_stats(),
            columns=self.coverage,
            max_error_rate=self.settings.getfloat("EGOV_HEALTH_MAX_ERROR_RATE"),
            max_parse_failure_rate=self.settings.getfloat("EGOV_HEALTH_MAX_PARSE_FAILURE_RATE"),
        )
        problems = evaluate(facts)
        statuses = {c.status() for c in self.coverage.values()}
        if ColumnStatus.BLOCKED in statuses or reason == BLOCKED_REASON:
            status = RunStatus.BLOCKED
        elif reason != "finished" or statuses == {ColumnStatus.FAILED}:
            status = RunStatus.FAILED
        else:
            status = RunStatus.FINISHED
        now = self.clock()
        run = self.run
        assert run is not None and self.session is not None
        run.finished_at, run.status, run.finish_reason = now, status, reason[:128]
        run.heartbeat_at = now
        run.healthy, run.health_problems = not problems, problems
        run.stats = json_safe(stats.get_stats())
        write_column_walks(self.session, run.id, self.coverage, self.column_ids)
        shown = every_column_failed(self.coverage) if reason == "finished" != status else reason
        if status != RunStatus.FINISHED and shown not in problems:
            # The cause, last: the nightly job prints the last problem, as scrapy prints it.
            run.healthy, run.health_problems = False, [*problems, shown]
        self.outcome = RunOutcome(self.site.key, run.id, status, shown)
        if status == RunStatus.FINISHED and self.site.first_crawled_at is None:
            self.site.first_crawled_at = now
        refresh_review_queue(self.session, self.writer.unresolved_names)  # type: ignore[arg-type,union-attr]
        logger.info(
            "crawl run %s %s (%s), healthy=%s %s", run.id, status, reason, run.healthy, problems
        )
