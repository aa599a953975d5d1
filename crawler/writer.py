"""The one evidence writer of a crawl run: every row the crawler stores goes through it.

Pages, posts, listings, documents, quarantined items and lost requests are buffered and
written per batch, each table with one multi-row ``INSERT … ON CONFLICT DO NOTHING``
(:class:`db.store.BatchInsert`), in dependency order: page bodies, fetched pages (whose ids the
posts and documents take), posts (whose ids the listings take), listings, documents,
``last_seen_at`` moves, quarantine, request failures. A batch is committed whole, with the run's
heartbeat, once EGOV_COMMIT_EVERY rows wait or the oldest has waited EGOV_COMMIT_SECONDS: a crash
loses at most the last uncommitted batch, and the next run fetches it again
(:mod:`crawler.resume` walks the columns of an unfinished run whole). A batch that cannot be
written takes its page ids back: a :class:`~crawler.evidence.PageId` holds a number only once
its row is committed.

The rows themselves are built by the pipelines (one function per table); the writer only knows
how rows refer to each other.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crawler.evidence import PageBatch, PageId, PageWriter
from db.models import (
    Attribution,
    CrawlRun,
    DisclosureDocument,
    GonePage,
    PortalPost,
    PostListing,
    QuarantinedItem,
    RequestFailure,
    utcnow,
)
from db.store import BatchInsert, upsert

logger = logging.getLogger(__name__)
CHUNK = 500  # ids or URLs per IN (…) list


@dataclass
class _NewRow:
    """A post or document row, the stats to count if it is new, and the post's own listing."""

    row: dict[str, Any]
    stats: tuple[str, ...]
    listing: dict[str, Any] | None = None


def _written(page: PageId | None) -> int | None:
    """The id of a page written by now (in this batch or an earlier one), else None."""
    return page.value if page is not None else None


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class EvidenceWriter:
    """Buffer the evidence rows of one crawl run and write them per batch."""

    def __init__(
        self,
        session: Session,
        site_id: int,
        crawl_run_id: int | None,
        stats: StatsCollector,
        *,
        batch_rows: int = 200,
        batch_seconds: float = 30.0,
        batch_bytes: int = 8 * 1024 * 1024,
        on_failure: Callable[[SQLAlchemyError], None] | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        dialect = session.get_bind().dialect.name
        self.session, self.stats, self.clock = session, stats, clock
        self.batch_rows, self.batch_seconds, self.batch_bytes = (
            batch_rows,
            batch_seconds,
            batch_bytes,
        )
        self._pages = PageWriter(dialect)
        self._insert_posts = BatchInsert(
            dialect, PortalPost.__table__, ["site_id", "canonical_url"], ["id", "canonical_url"]
        )
        self._insert_listings = BatchInsert(
            dialect, PostListing.__table__, ["post_id", "column_id"]
        )
        self._insert_documents = BatchInsert(
            dialect, DisclosureDocument.__table__, ["site_id", "url"], ["id", "url"]
        )
        self._insert_quarantined = insert(QuarantinedItem.__table__)
        self._insert_failures = insert(RequestFailure.__table__)
        self._upsert_gone = upsert(
            dialect,
            GonePage.__table__,
            ("site_id", "url"),
            keep=("first_seen_at",),  # the first sighting stays; the rest is the latest
        )
        self.site_id, self.crawl_run_id = site_id, crawl_run_id
        self.on_failure = on_failure
        self.failure: SQLAlchemyError | None = None
        self.unresolved_names: set[str | None] = set()  # names to refresh in the review queue
        self._reset()
        self._awaiting: dict[str, list[dict[str, Any]]] = {}  # listings waiting for a post id

    def _reset(self) -> None:
        self.page_batch = PageBatch(self.crawl_run_id, self.clock)
        self._posts: list[_NewRow] = []
        self._listings: list[dict[str, Any]] = []
        self._seen_posts: set[int] = set()
        self._documents: list[_NewRow] = []
        self._seen_documents: set[int] = set()
        self._quarantined: list[dict[str, Any]] = []
        self._failures: list[dict[str, Any]] = []
        self._gone: dict[str, dict[str, Any]] = {}
        self._still_gone: set[str] = set()
        self._rows = 0
        self._since = time.monotonic()

    # ------------------------------------------------------------------ buffering
    def page(self, response: Response) -> PageId:
        """Buffer ``response`` as evidence; return the id its ``fetched_pages`` row will have."""
        page = self.page_batch.add(response)
        self._added()
        return page

    def post(
        self, row: dict[str, Any], stats: tuple[str, ...], column_id: int, listed_url: str
    ) -> None:
        """Buffer a new post (its ``page_id`` a :class:`PageId`) and its listing in its column."""
        listing = {"column_id": column_id, "listed_url": listed_url[:1024]}
        self._posts.append(_NewRow(row, stats, listing))
        self._added()

    def listing(
        self, post_id: int | None, canonical_url: str, column_id: int, listed_url: str
    ) -> None:
        """Record that a post was listed in a column; ``post_id`` None: stored by this run."""
        row = {"post_id": post_id, "column_id": column_id, "listed_url": listed_url[:1024]}
        if post_id is None:
            self._awaiting.setdefault(canonical_url, []).append(row)
            return
        self._listings.append(row)
        self._added()

    def post_seen(self, post_id: int) -> None:
        """Move ``last_seen_at`` of a stored post listed again."""
        self._seen_posts.add(post_id)
        self._added()

    def document(self, row: dict[str, Any], stats: tuple[str, ...]) -> None:
        """Buffer a new disclosure document (its ``page_id`` a :class:`PageId`)."""
        self._documents.append(_NewRow(row, stats))
        self._added()

    def document_seen(self, document_id: int) -> None:
        """Move ``last_seen_at`` of a stored document listed again."""
        self._seen_documents.add(document_id)
        self._added()

    def quarantined(self, row: dict[str, Any]) -> None:
        self._quarantined.append(row)
        self._added()

    def request_failure(self, row: dict[str, Any]) -> None:
        """Buffer a ``request_failures`` row: a request the run lost, with the reason."""
        self._failures.append(row)
        self._added()

    def gone(self, row: dict[str, Any]) -> None:
        """Buffer a ``gone_pages`` row (its ``list_page_id``/``page_id`` :class:`PageId`s)."""
        self._gone[row["url"]] = row
        self._added()

    def still_gone(self, url: str) -> None:
        """Move ``last_seen_at`` of a gone page listed again but not asked for tonight."""
        self._still_gone.add(url)
        self._added()

    def _added(self) -> None:
        self._rows += 1
        if self._rows == 1:
            self._since = time.monotonic()  # the batch's oldest row
        if self.failure is None and (
            self._rows >= self.batch_rows
            or self.page_batch.body_bytes >= self.batch_bytes
            or time.monotonic() - self._since >= self.batch_seconds
        ):
            self.flush()

    @property
    def pages_written(self) -> int:
        return self._pages.pages_written

    # ------------------------------------------------------------------ writing
    def flush(self) -> None:
        """Write and commit every buffered row; after a failed write, write nothing more."""
        if not self._rows or self.failure is not None:
            return
        try:
            self._write_batch()
        except SQLAlchemyError as error:
            self._failed(error)

    def _failed(self, error: SQLAlchemyError) -> None:
        self.session.rollback()
        for _row, pages in self.page_batch.pages.values():
            for page in pages:  # the ids this batch was given were rolled back with it
                page.value = None
        self.failure = error
        self.stats.inc_value("egov/evidence_write_failures")
        logger.exception("could not write a batch of %s evidence rows", self._rows)
        if self.on_failure is not None:
            self.on_failure(error)

    def _write_batch(self) -> None:
        connection = self.session.connection()
        self._pages.write(connection, self.page_batch)
        self._write_posts(connection)
        self._write_documents(connection)
        self._insert_listings(connection, self._listings)
        now = self.clock()
        seen = ((PortalPost, self._seen_posts), (DisclosureDocument, self._seen_documents))
        for model, ids in seen:
            for chunk in _chunks(sorted(ids)):
                connection.execute(
                    update(model.__table__)  # type: ignore[attr-defined]
                    .where(model.__table__.c.id.in_(chunk))  # type: ignore[attr-defined]
                    .values(last_seen_at=now)
                )
        if self._quarantined:
            connection.execute(self._insert_quarantined, self._quarantined)
        if self._failures:
            connection.execute(self._insert_failures, self._failures)
        self._write_gone(connection, now)
        self._beat(connection, now)
        self.session.commit()
        self._reset()

    def _write_gone(self, connection: Connection, now: dt.datetime) -> None:
        if self._gone:
            rows = [
                {
                    **row,
                    "list_page_id": _written(row.get("list_page_id")),
                    "page_id": _written(row.get("page_id")),
                    "site_id": self.site_id,
                    "last_crawl_run_id": self.crawl_run_id,
                    "first_seen_at": now,
                    "last_seen_at": now,
                }
                for row in self._gone.values()
            ]
            connection.execute(self._upsert_gone, rows)
        table = GonePage.__table__
        for chunk in _chunks(sorted(self._still_gone)):
            connection.execute(
                update(table)
                .where(table.c.site_id == self.site_id, table.c.url.in_(chunk))
                .values(last_seen_at=now, last_crawl_run_id=self.crawl_run_id)
            )

    def _beat(self, connection: Connection, now: dt.datetime) -> None:
        if self.crawl_run_id is not None:
            connection.execute(
                update(CrawlRun.__table__)
                .where(CrawlRun.__table__.c.id == self.crawl_run_id)
                .values(heartbeat_at=now)
            )

    def heartbeat(self) -> None:
        """Say the run is alive (``crawl_runs.heartbeat_at``), between batches too."""
        if self.failure is not None:
            return
        try:
            self._beat(self.session.connection(), self.clock())
            self.session.commit()
        except SQLAlchemyError as error:
            self._failed(error)

    def close(self) -> None:
        """Write what is left, with the listings of posts stored by this run in another batch.

        The buffered posts are written first: a listing waiting for a post of the last batch
        (on a small site, the whole crawl) finds it there rather than being dropped.
        """
        self.flush()
        if self._awaiting and self.failure is None:
            try:
                connection = self.session.connection()
                for chunk in _chunks(self._awaiting):
                    rows = connection.execute(
                        select(PortalPost.id, PortalPost.canonical_url).where(
                            PortalPost.site_id == self.site_id,
                            PortalPost.canonical_url.in_(chunk),
                        )
                    )
                    for post_id, url in rows:
                        self._listed(post_id, url)
            except SQLAlchemyError as error:
                self._failed(error)
            self._awaiting.clear()  # the rest: detail pages that failed, coverage says so
        self.flush()

    def _listed(self, post_id: int, canonical_url: str) -> None:
        for listing in self._awaiting.pop(canonical_url, ()):
            self._listings.append({**listing, "post_id": post_id})
            self._rows += 1

    def _write_posts(self, connection: Connection) -> None:
        if not self._posts:
            return
        rows = [{**new.row, "page_id": int(new.row["page_id"])} for new in self._posts]
        inserted = {url: id_ for id_, url in self._insert_posts(connection, rows)}
        by_url = {new.row["canonical_url"]: new for new in self._posts}
        existing = [url for url in by_url if url not in inserted]
        for chunk in _chunks(existing):  # stored already: the first reading stays the evidence
            found = connection.execute(
                select(PortalPost.id, PortalPost.canonical_url).where(
                    PortalPost.site_id == self.site_id, PortalPost.canonical_url.in_(chunk)
                )
            )
            for post_id, url in found:
                self._seen_posts.add(post_id)
                self._listings.append({**(by_url[url].listing or {}), "post_id": post_id})
        for url, post_id in inserted.items():
            new = by_url[url]
            for key in new.stats:
                self.stats.inc_value(key)
            if new.row["attribution"] == Attribution.UNRESOLVED:
                self.unresolved_names.add(new.row["source_normalized"])
            self._listings.append({**(new.listing or {}), "post_id": post_id})
            self._listed(post_id, url)

    def _write_documents(self, connection: Connection) -> None:
        if not self._documents:
            return
        rows = [{**new.row, "page_id": int(new.row["page_id"])} for new in self._documents]
        inserted = {url for _id, url in self._insert_documents(connection, rows)}
        for new in self._documents:
            if new.row["url"] not in inserted:
                continue
            for key in new.stats:
                self.stats.inc_value(key)
            if new.row["attribution"] == Attribution.UNRESOLVED:
                self.unresolved_names.add(new.row["issuer_normalized"])
        existing = [new.row for new in self._documents if new.row["url"] not in inserted]
        for chunk in _chunks(existing):
            connection.execute(
                update(DisclosureDocument.__table__)
                .where(
                    DisclosureDocument.site_id == self.site_id,
                    DisclosureDocument.url.in_([row["url"] for row in chunk]),
                )
                .values(last_seen_at=self.clock())
            )
