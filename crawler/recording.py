"""Record each crawl: the site and its columns, one crawl_runs row, coverage, health, evidence.

:class:`CrawlRecording` is the crawl's one evidence writer, a Scrapy extension built in
``from_crawler``; it raises ``NotConfigured`` when there is nothing to record into (the spider
has no site profile, or EGOV_EVIDENCE is off), and then the evidence middleware and the
pipelines switch off too. They receive it explicitly: each asks
``crawler.get_extension(CrawlRecording)`` in its own ``from_crawler``. When a
:class:`~crawler.spiders.base.SiteSpider` opens, the recording connects to the database of
:func:`db.config.load_settings`, mirrors the profile into ``sites``/``site_columns``, opens a
``crawl_runs`` row (status running) and hands itself to the spider as ``spider.recorder``.
Spiders, middlewares and pipelines then use:

- ``recorder.writer``: the :class:`~crawler.writer.EvidenceWriter` (batched rows);
- ``recorder.session``: the one session of the run (the reactor thread is its only user);
- ``recorder.site``, ``recorder.run``, ``recorder.column_ids[key]``;
- ``recorder.coverage[key]``: the column's :class:`~crawler.coverage.ColumnCoverage`;
- ``recorder.quarantine(url, reason, body)``: keep what cannot become evidence.

When the spider closes (after the item pipelines) it writes the last batch, the run's stats,
one crawl_column_results row per column, the health verdict (:mod:`crawler.health`) and the
status: ``blocked`` when an anti-bot challenge answered, ``failed`` when the run ended
abnormally (a failed evidence write included) or no column could be read, else ``finished``.
The first finished run of a site sets ``sites.first_crawled_at`` (backdating is judged only
after it). It refreshes the review queue entries of the unresolved names this run stored.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crawler.coverage import ColumnCoverage
from crawler.evidence import sha256_of
from crawler.health import RunFacts, evaluate
from crawler.profiles import SiteProfile
from crawler.writer import EvidenceWriter
from db.attribution import find_department, refresh_review_queue
from db.config import load_settings
from db.engine import make_engine, session_factory
from db.models import CrawlColumnResult, CrawlRun, Site, SiteColumn, utcnow

logger = logging.getLogger(__name__)
BLOCKED_REASON = "blocked by anti-bot challenge"


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

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRecording:
        if not crawler.settings.getbool("EGOV_EVIDENCE", True):
            raise NotConfigured("EGOV_EVIDENCE is off: nothing is stored")
        if crawler.spider is not None and getattr(crawler.spider, "profile", None) is None:
            raise NotConfigured(f"spider {crawler.spider.name} crawls no site profile")
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        profile: SiteProfile | None = getattr(spider, "profile", None)
        if profile is None:
            return
        self.engine = make_engine(load_settings().database_url)
        self.session = session_factory(self.engine)()
        self.site, self.column_ids = sync_site(self.session, profile)
        self.run = CrawlRun(site_id=self.site.id, spider=spider.name, status="running")
        self.session.add(self.run)
        self.session.commit()
        self.writer = EvidenceWriter(
            self.session,
            self.site.id,
            self.run.id,
            self.crawler.stats,
            batch_rows=self.settings.getint("EGOV_COMMIT_EVERY", 200),
            batch_seconds=self.settings.getfloat("EGOV_COMMIT_SECONDS", 30.0),
            on_failure=self._write_failed,
        )
        self.coverage = {
            c.key: ColumnCoverage(c.key, expects_items=c.expects_items) for c in profile.columns
        }
        spider.recorder = self  # type: ignore[attr-defined]
        logger.info("crawl run %s of site %s opened", self.run.id, profile.key)

    def quarantine(self, url: str, reason: str, body: bytes | None = None) -> None:
        """Keep ``url`` out of the evidence counts with the reason (a quarantined_items row)."""
        assert self.writer is not None, "the crawl run is not open"
        self.crawler.stats.inc_value("egov/parse_failures")
        self.writer.quarantined(
            {
                "url": url[:1024],
                "reason": reason[:2000],
                "sha256": sha256_of(body) if body is not None else None,
                "crawl_run_id": self.run.id,
                "created_at": utcnow(),
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
        if self.session is None or self.writer is None:
            return
        session = self.session
        try:
            self.writer.close()
            self._finish(self.write_failure or reason)
            session.commit()
        except Exception:
            session.rollback()
            logger.exception("could not record the end of crawl run %s", self.run.id)
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
            max_error_rate=self.settings.getfloat("EGOV_HEALTH_MAX_ERROR_RATE", 0.05),
            max_parse_failure_rate=self.settings.getfloat(
                "EGOV_HEALTH_MAX_PARSE_FAILURE_RATE", 0.02
            ),
        )
        problems = evaluate(facts)
        statuses = {c.status() for c in self.coverage.values()}
        if "blocked" in statuses or reason == BLOCKED_REASON:
            status = "blocked"
        elif reason != "finished" or statuses == {"failed"}:
            status = "failed"
        else:
            status = "finished"
        now = utcnow()
        run = self.run
        run.finished_at, run.status, run.finish_reason = now, status, reason[:128]
        run.healthy, run.health_problems = not problems, problems
        run.stats = json_safe(stats.get_stats())
        for key, c in self.coverage.items():
            self.session.add(  # type: ignore[union-attr]
                CrawlColumnResult(
                    crawl_run_id=run.id,
                    column_id=self.column_ids[key],
                    status=c.status(),
                    items_seen=c.entries,
                    errors=c.errors,
                    oldest_seen=c.oldest,
                    newest_seen=c.newest,
                    message=c.message(),
                )
            )
        if status == "finished" and self.site.first_crawled_at is None:
            self.site.first_crawled_at = now
        refresh_review_queue(self.session, self.writer.unresolved_names)  # type: ignore[arg-type,union-attr]
        logger.info(
            "crawl run %s %s (%s), healthy=%s %s", run.id, status, reason, run.healthy, problems
        )
