"""Write what each column walk of a run saw: the evidence a backdating proof rests on.

A post is backdated (倒填日期) only when a complete walk of its column, that reached back past
its claimed date and ran more than the margin after it, did not list it. So every walk is kept,
one ``crawl_column_results`` row per column per run: its status, whether it read the list down
to the last page (``reached_end``; a nightly walk stops at posts already stored), how far back
it reached (``oldest_seen``, see :class:`crawler.coverage.ColumnCoverage`), and the list pages it
fetched, in order, as ``column_walk_pages`` rows pointing at the stored pages (the bytes the
walk read). A walk with a lost list page is ``partial`` and never ``reached_end``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from crawler.coverage import ColumnCoverage
from db.models import ColumnWalkPage, CrawlColumnResult


def walk_page_rows(result_id: int, coverage: ColumnCoverage) -> list[dict[str, Any]]:
    """The ``column_walk_pages`` rows of a walk: its written list pages, each once, in order.

    A page whose batch was never written (the run's evidence write failed) has no id and is
    left out; such a run is failed anyway. The same stored page read twice in one walk (a
    server answering the same bytes to two page numbers) is kept at its first position.
    """
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for index, page in enumerate(coverage.list_page_ids):
        if page.value is None or page.value in seen:
            continue
        seen.add(page.value)
        rows.append({"column_result_id": result_id, "page_id": page.value, "list_index": index})
    return rows


def write_column_walks(
    session: Session,
    crawl_run_id: int,
    coverage: Mapping[str, ColumnCoverage],
    column_ids: Mapping[str, int],
) -> list[CrawlColumnResult]:
    """Add one ``crawl_column_results`` row per column and its list pages; return the rows."""
    results = {
        key: CrawlColumnResult(
            crawl_run_id=crawl_run_id,
            column_id=column_ids[key],
            status=c.status(),
            items_seen=c.entries,
            errors=c.errors,
            oldest_seen=c.reached_back,
            newest_seen=c.newest,
            message=c.message(),
            reached_end=c.reached_end,
        )
        for key, c in coverage.items()
    }
    session.add_all(results.values())
    session.flush()
    pages = [row for key, c in coverage.items() for row in walk_page_rows(results[key].id, c)]
    if pages:
        session.execute(insert(ColumnWalkPage.__table__), pages)
    return list(results.values())
