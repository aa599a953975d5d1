"""When a crawl run left ``running`` counts as dead: no heartbeat for the limit.

A crawl refreshes ``crawl_runs.heartbeat_at`` while it works (with each batch it commits and on
a timer). A run still ``running`` whose last sign of life (its heartbeat, else its start) is
older than ``EGOV_HEARTBEAT_LIMIT_SECONDS`` has no process behind it any more: the next crawl of
the site closes it as killed (:mod:`crawler.liveness`), and coverage counts it as failed in the
meantime, so a crawl that vanished never passes for a night that went well.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, func

from db.models import CrawlRun, RunStatus

SILENT_STATUS = "silent"  # how coverage names a run left running without a heartbeat


def last_sign_of_life() -> ColumnElement[dt.datetime]:
    """The run's heartbeat, or its start when it never beat (older crawlers, placeholders)."""
    return func.coalesce(CrawlRun.heartbeat_at, CrawlRun.started_at)


def silent_run(now: dt.datetime, limit: dt.timedelta) -> ColumnElement[bool]:
    """True for a run still ``running`` whose last sign of life is older than ``limit``."""
    return and_(CrawlRun.status == RunStatus.RUNNING, last_sign_of_life() < now - limit)
