"""Scan stored pages for the lexicon's wrong forms and keep each hit as a finding for review.

The pages scanned are the evidence of posts, documents and column walks (``fetched_pages``
behind ``portal_posts``, ``disclosure_documents`` and ``column_walk_pages``). By default only
pages not scanned yet: run after each crawl, a scan reads that crawl's new pages. ``everything``
rescans the archive (after the lexicon changed): a finding already reviewed keeps its review;
a pending one the lexicon no longer finds is dropped.

Each scan is a ``wording_scans`` row, and each page it read is marked with it
(``fetched_pages.wording_scan_id``, one UPDATE per batch). Most pages hold no hit: the markup
is first checked cheaply (:meth:`Matcher.might_hit`), and only a page that may hold one is
turned into text and matched closely.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, delete, insert, literal, select, union_all, update
from sqlalchemy.orm import Session

from db.models import (
    ColumnWalkPage,
    CrawlColumnResult,
    CrawlRun,
    DisclosureDocument,
    FetchedPage,
    PageBody,
    PageSource,
    PortalPost,
    Site,
    WordingFinding,
    WordingReview,
    WordingScan,
    utcnow,
)
from scoring.inspection.page_text import decode, inflated, is_text, page_text
from scoring.inspection.wording_match import Hit, Matcher

BATCH = 2000
_PRIORITY = {PageSource.POST: 0, PageSource.DOCUMENT: 1, PageSource.COLUMN_PAGE: 2}


@dataclass(frozen=True)
class ScanSummary:
    pages: int
    hits: int
    new_findings: int
    seconds: float


@dataclass(frozen=True)
class _Page:
    page_id: int
    site_id: int
    source: str


def stored_pages(site_id: int | None = None) -> Select[tuple[int, int, str]]:
    """(page, site, source) of every page stored as a post's, a document's or a column's."""
    posts = select(PortalPost.page_id, PortalPost.site_id, literal(PageSource.POST.value))
    documents = select(
        DisclosureDocument.page_id, DisclosureDocument.site_id, literal(PageSource.DOCUMENT.value)
    )
    columns = (
        select(ColumnWalkPage.page_id, CrawlRun.site_id, literal(PageSource.COLUMN_PAGE.value))
        .join(CrawlColumnResult, CrawlColumnResult.id == ColumnWalkPage.column_result_id)
        .join(CrawlRun, CrawlRun.id == CrawlColumnResult.crawl_run_id)
    )
    if site_id is not None:
        posts = posts.where(PortalPost.site_id == site_id)
        documents = documents.where(DisclosureDocument.site_id == site_id)
        columns = columns.where(CrawlRun.site_id == site_id)
    every = union_all(posts, documents, columns).subquery()
    return select(every.c[0], every.c[1], every.c[2])


def pages_to_scan(session: Session, *, everything: bool, site_id: int | None) -> list[_Page]:
    """Each page once (a post's page before the same page as a column's), oldest first."""
    query = stored_pages(site_id)
    if not everything:
        page_id = query.selected_columns[0]
        query = query.join(FetchedPage, FetchedPage.id == page_id).where(
            FetchedPage.wording_scan_id.is_(None)
        )
    chosen: dict[int, _Page] = {}
    for page_id, site, source in session.execute(query):
        known = chosen.get(page_id)
        if known is None or _PRIORITY[PageSource(source)] < _PRIORITY[PageSource(known.source)]:
            chosen[page_id] = _Page(page_id, site, source)
    return [chosen[page_id] for page_id in sorted(chosen)]


def page_bodies(session: Session, page_ids: list[int]) -> Iterator[tuple[int, bytes, str | None]]:
    """(page, body as served, encoding) for each of ``page_ids`` whose body has text."""
    rows = session.execute(
        select(
            FetchedPage.id,
            FetchedPage.content_type,
            FetchedPage.encoding,
            PageBody.compression,
            PageBody.data,
        )
        .join(PageBody, PageBody.sha256 == FetchedPage.sha256)
        .where(FetchedPage.id.in_(page_ids))
    )
    for page_id, content_type, encoding, compression, data in rows:
        if is_text(content_type):
            yield page_id, inflated(data, compression), encoding


def scan(
    session: Session, matcher: Matcher, *, everything: bool = False, site_key: str | None = None
) -> ScanSummary:
    """Scan the pages (see the module docstring), committing every BATCH pages."""
    started = time.perf_counter()
    site_id = None
    if site_key is not None:
        site_id = session.scalar(select(Site.id).where(Site.key == site_key))
        if site_id is None:
            raise LookupError(f"no site {site_key!r} in the evidence database")
    run = WordingScan(
        site_id=site_id, everything=everything, lexicon_version=matcher.lexicon.version
    )
    session.add(run)
    session.flush()
    pages = pages_to_scan(session, everything=everything, site_id=site_id)
    hits = new = 0
    for start in range(0, len(pages), BATCH):
        batch = {page.page_id: page for page in pages[start : start + BATCH]}
        found = {
            page_id: matcher.hits(page_text(decode(body, encoding)))
            for page_id, body, encoding in page_bodies(session, list(batch))
            if matcher.might_hit(body, encoding)
        }
        hits += sum(len(h) for h in found.values())
        new += _store(session, batch, found, everything=everything)
        session.execute(
            update(FetchedPage)
            .where(FetchedPage.id.in_(list(batch)))
            .values(wording_scan_id=run.id)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    run.pages, run.hits, run.finished_at = len(pages), hits, utcnow()
    session.commit()
    return ScanSummary(len(pages), hits, new, time.perf_counter() - started)


def _store(
    session: Session,
    batch: dict[int, _Page],
    found: dict[int, list[Hit]],
    *,
    everything: bool,
) -> int:
    """Record the batch's new findings; return how many are new."""
    ids = list(batch)
    existing: set[tuple[int, str, int]] = set()
    if everything:
        kept = session.execute(
            select(
                WordingFinding.id,
                WordingFinding.page_id,
                WordingFinding.rule_key,
                WordingFinding.offset,
                WordingFinding.review,
            ).where(WordingFinding.page_id.in_(ids))
        ).all()
        now_found = {(p, h.rule.key, h.offset) for p, hs in found.items() for h in hs}
        stale = [
            row.id
            for row in kept
            if row.review == WordingReview.PENDING
            and (row.page_id, row.rule_key, row.offset) not in now_found
        ]
        if stale:
            session.execute(delete(WordingFinding).where(WordingFinding.id.in_(stale)))
        existing = {(r.page_id, r.rule_key, r.offset) for r in kept if r.id not in set(stale)}
    now = utcnow()
    rows = [
        dict(
            site_id=batch[page_id].site_id,
            page_id=page_id,
            source=batch[page_id].source,
            rule_key=hit.rule.key,
            found=hit.found[:128],
            right=hit.rule.right,
            offset=hit.offset,
            sentence=hit.sentence,
            review=WordingReview.PENDING,
            found_at=now,
        )
        for page_id, page_hits in found.items()
        for hit in page_hits
        if (page_id, hit.rule.key, hit.offset) not in existing
    ]
    if rows:
        session.execute(insert(WordingFinding), rows)
    return len(rows)
