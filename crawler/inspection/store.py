"""Write probe results and link checks: the one path every stored row goes through.

Writes are idempotent: a probe of a target at one instant, and a link in one link-check run,
are stored once however often they are written (unique constraints, conflict ignored).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from crawler.inspection.items import LinkCheckItem, ProbeItem
from db.models import CheckRunStatus, LinkCheck, LinkCheckRun, ProbeResult
from db.store import insert_or_ignore


def store_probe(session: Session, site_id: int, item: ProbeItem, page_id: int | None) -> bool:
    """Store one probe; True if it was new."""
    return insert_or_ignore(
        session,
        ProbeResult,
        {
            "site_id": site_id,
            "target": item.target[:64],
            "url": item.url[:1024],
            "probed_at": item.probed_at,
            "http_status": item.http_status,
            "latency_seconds": item.latency_seconds,
            "error": item.error,
            "error_kind": item.error_kind,
            "newest_item_on": item.newest_item_on,
            "page_id": page_id,
        },
        ["site_id", "target", "probed_at"],
    )


def open_link_check_run(session: Session, site_id: int, started_at: dt.datetime) -> LinkCheckRun:
    run = LinkCheckRun(
        site_id=site_id, started_at=started_at, status=CheckRunStatus.RUNNING, stats={}
    )
    session.add(run)
    session.flush()
    return run


def store_link_check(
    session: Session, run: LinkCheckRun, item: LinkCheckItem, page_id: int | None
) -> bool:
    """Store one checked link of ``run``; True if it was new."""
    return insert_or_ignore(
        session,
        LinkCheck,
        {
            "run_id": run.id,
            "site_id": run.site_id,
            "url": item.url[:1024],
            "kind": item.kind,
            "internal": item.internal,
            "on_home": item.on_home,
            "found_on": item.found_on[:1024],
            "found_on_page_id": page_id,
            "checked_at": item.checked_at,
            "method": item.method,
            "http_status": item.http_status,
            "error": item.error,
            "error_kind": item.error_kind,
            "outcome": item.outcome,
        },
        ["run_id", "url"],
    )


def finish_link_check_run(
    run: LinkCheckRun,
    finished_at: dt.datetime,
    reason: str,
    pages: int,
    links: int,
    stats: dict[str, Any],
) -> None:
    """Close ``run``: ``finished`` only when Scrapy finished normally and a page was scanned."""
    run.finished_at = finished_at
    run.finish_reason = reason[:128]
    run.status = (
        CheckRunStatus.FINISHED if reason == "finished" and pages else CheckRunStatus.FAILED
    )
    run.pages_scanned, run.links_checked, run.stats = pages, links, stats
