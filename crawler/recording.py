"""Record each crawl: the site and its columns, one crawl_runs row, coverage and health.

:class:`CrawlRecording` is a Scrapy extension. When a :class:`~crawler.spiders.base.SiteSpider`
opens it connects to the database of :func:`db.config.load_settings`, mirrors the profile into
``sites``/``site_columns``, opens a ``crawl_runs`` row (status running) and sets
``spider.recorder`` to itself. Spiders and pipelines then use:

- ``recorder.session``: the one session of the run (the reactor thread is its only user);
- ``recorder.site``, ``recorder.run``, ``recorder.column_ids[key]``;
- ``recorder.store``: the :class:`~crawler.evidence.EvidenceStore`;
- ``recorder.coverage[key]``: the column's :class:`~crawler.coverage.ColumnCoverage`;
- ``recorder.wrote(n)``: count written rows, committing every EGOV_COMMIT_EVERY.

When the spider closes (after the item pipelines) it writes the run's stats, one
crawl_column_results row per column, the health verdict (:mod:`crawler.health`) and the
status: ``blocked`` when an anti-bot challenge answered, ``failed`` when the run ended
abnormally or no column could be read, else ``finished``. The first finished run of a site
sets ``sites.first_crawled_at`` (backdating is judged only after it). It refreshes the review
queue of unresolved names.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.coverage import ColumnCoverage
from crawler.evidence import EvidenceStore
from crawler.health import RunFacts, evaluate
from crawler.profiles import SiteProfile
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
    """Scrapy extension writing crawl_runs and crawl_column_results (see module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.settings = crawler.settings
        self.session: Session | None = None
        self.coverage: dict[str, ColumnCoverage] = {}
        self._pending = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRecording:
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
        self.store = EvidenceStore(self.session, self.run.id)
        self.coverage = {
            c.key: ColumnCoverage(c.key, expects_items=c.expects_items) for c in profile.columns
        }
        spider.recorder = self  # type: ignore[attr-defined]
        logger.info("crawl run %s of site %s opened", self.run.id, profile.key)

    def wrote(self, rows: int = 1) -> None:
        """Count rows written; commit once EGOV_COMMIT_EVERY have accumulated."""
        self._pending += rows
        if self._pending >= self.settings.getint("EGOV_COMMIT_EVERY", 200):
            self.commit()

    def commit(self) -> None:
        if self.session is not None:
            self.session.commit()
        self._pending = 0

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.session is None:
            return
        session = self.session
        try:
            session.commit()
            self._finish(reason)
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
        stats.set_value("egov/pages_stored", self.store.pages_written)
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
        refresh_review_queue(self.session)  # type: ignore[arg-type]
        logger.info(
            "crawl run %s %s (%s), healthy=%s %s", run.id, status, reason, run.healthy, problems
        )
