"""Resume after a crash: walk a column whole when the previous run did not read it whole.

The incremental stop (:class:`crawler.incremental.ListWalk`) ends a list walk once it reaches
posts already stored. That is only safe if everything older than them was stored too, which a
run killed mid-crawl (SIGKILL, out of memory, power cut), a failed run or a partly read column
does not guarantee: it may have stored the newest list pages and none of the older ones, and the
next run would then stop at once and never fetch the rest. So a column is walked whole (as with
``-a full=1``) unless the site's previous run finished and read that column ``complete``.
A run that could not start walked nothing and changes nothing: the run before it decides.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from crawler.startup import COULD_NOT_START
from db.models import ColumnStatus, CrawlColumnResult, CrawlRun, RunStatus


def columns_to_walk_whole(
    session: Session, site_id: int, current_run_id: int, column_ids: Mapping[str, int]
) -> set[str]:
    """Return the keys of ``column_ids`` whose walk must not stop early in this run."""
    previous = session.scalar(
        select(CrawlRun)
        .where(
            CrawlRun.site_id == site_id,
            CrawlRun.id != current_run_id,
            ~and_(
                CrawlRun.status == RunStatus.FAILED,
                CrawlRun.finish_reason.startswith(COULD_NOT_START, autoescape=True),
            ),
        )
        .order_by(CrawlRun.id.desc())
        .limit(1)
    )
    if previous is None:
        return set()  # first crawl of the site: every post is new, nothing stops a walk early
    if previous.status != RunStatus.FINISHED:
        return set(column_ids)
    complete = set(
        session.scalars(
            select(CrawlColumnResult.column_id).where(
                CrawlColumnResult.crawl_run_id == previous.id,
                CrawlColumnResult.status.in_((ColumnStatus.COMPLETE, ColumnStatus.SKIPPED)),
            )
        )
    )
    return {key for key, column_id in column_ids.items() if column_id not in complete}
