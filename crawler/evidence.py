"""Store every fetched page as evidence: its bytes once per content, and each observation.

``page_bodies`` keeps the raw response body zlib-compressed under its SHA-256, so a body seen
many times is stored once and :func:`read_body` returns it byte for byte. ``fetched_pages``
keeps one row per (url, sha256): what URL gave which bytes, when, with what status. Posts and
documents point at a ``fetched_pages`` row: a number in a report traces to URLs and bytes.

Pages are written in batches (:class:`PageBatch`, written by the run's
:class:`crawler.writer.EvidenceWriter`): a response gets a :class:`PageId` at once, whose number
is known once its batch is written.
Rows that refer to the page (posts, documents) are written in the same or a later batch.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from typing import Any

from scrapy.http import Response, TextResponse
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from db.models import FetchedPage, PageBody, utcnow
from db.store import BatchInsert

COMPRESSION_LEVEL = 6
KNOWN_BODIES_KEPT = 50_000  # digests remembered as stored, so their bytes are not compressed again


def sha256_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def read_body(session: Session, sha256: str) -> bytes:
    """Return the exact bytes stored under ``sha256``; raise ``LookupError`` if absent."""
    body = session.get(PageBody, sha256)
    if body is None:
        raise LookupError(f"no page body {sha256}")
    return zlib.decompress(body.data) if body.compression == "zlib" else body.data


@dataclass(eq=False)
class PageId:
    """The ``fetched_pages.id`` of a response, known once the page's batch is written."""

    url: str
    sha256: str
    value: int | None = None

    def __int__(self) -> int:
        if self.value is None:
            raise LookupError(f"page {self.url} is not written yet")
        return self.value


@dataclass
class PageBatch:
    """Pages waiting to be written: bodies by digest, observations by (url, sha256)."""

    crawl_run_id: int | None
    bodies: dict[str, bytes] = field(default_factory=dict)
    pages: dict[tuple[str, str], tuple[dict[str, Any], list[PageId]]] = field(default_factory=dict)
    body_bytes: int = 0

    def add(self, response: Response) -> PageId:
        """Buffer ``response`` (body and observation); return its :class:`PageId`."""
        body = response.body
        digest = sha256_of(body)
        if digest not in self.bodies:
            self.bodies[digest] = body
            self.body_bytes += len(body)
        url = (response.request.url if response.request is not None else response.url)[:1024]
        page = PageId(url, digest)
        waiting = self.pages.get((url, digest))
        if waiting is not None:
            waiting[1].append(page)
            return page
        content_type = response.headers.get(b"Content-Type")
        row = {
            "url": url,
            "final_url": response.url[:1024],
            "http_status": response.status,
            "fetched_at": utcnow(),
            "sha256": digest,
            "content_type": content_type.decode("latin-1")[:128] if content_type else None,
            "encoding": response.encoding[:32] if isinstance(response, TextResponse) else None,
            "crawl_run_id": self.crawl_run_id,
        }
        self.pages[(url, digest)] = (row, [page])
        return page

    def __len__(self) -> int:
        return len(self.pages)


class PageWriter:
    """Write a :class:`PageBatch`: new bodies compressed once, observations with their ids."""

    def __init__(self, dialect: str) -> None:
        self._insert_bodies = BatchInsert(dialect, PageBody.__table__, ["sha256"])
        self._insert_pages = BatchInsert(
            dialect, FetchedPage.__table__, ["url", "sha256"], ["id", "url", "sha256"]
        )
        self.stored_bodies: set[str] = set()  # digests known to be in page_bodies
        self.pages_written = 0

    def write(self, connection: Connection, batch: PageBatch) -> None:
        """Write the bodies, then the observations; set every :class:`PageId` of the batch."""
        digests = [d for d in batch.bodies if d not in self.stored_bodies]
        if digests:
            present = set(
                connection.scalars(select(PageBody.sha256).where(PageBody.sha256.in_(digests)))
            )
            self._insert_bodies(
                connection,
                (
                    {
                        "sha256": d,
                        "size": len(batch.bodies[d]),
                        "compression": "zlib",
                        "data": zlib.compress(batch.bodies[d], COMPRESSION_LEVEL),
                    }
                    for d in digests
                    if d not in present
                ),
            )
            if len(self.stored_bodies) > KNOWN_BODIES_KEPT:
                self.stored_bodies.clear()  # a cache: the insert ignores known bodies anyway
            self.stored_bodies.update(digests)
        if not batch.pages:
            return
        rows = (row for row, _ in batch.pages.values())
        ids = {(url, sha): id_ for id_, url, sha in self._insert_pages(connection, rows)}
        self.pages_written += len(ids)
        missing = [key for key in batch.pages if key not in ids]
        if missing:  # observed before (same URL, same bytes): reuse that row
            rows = connection.execute(
                select(FetchedPage.id, FetchedPage.url, FetchedPage.sha256).where(
                    FetchedPage.url.in_({url for url, _ in missing}),
                    FetchedPage.sha256.in_({sha for _, sha in missing}),
                )
            )
            ids.update({(url, sha): id_ for id_, url, sha in rows})
        for key, (_row, pages) in batch.pages.items():
            for page in pages:
                page.value = ids[key]


class EvidenceStore:
    """Store one page at a time, at once: for code that writes outside a crawl run's batches.

    A crawl run writes its pages through :class:`crawler.writer.EvidenceWriter`; this is the
    same page writing for a caller that needs the id immediately and commits itself.
    """

    def __init__(self, session: Session, crawl_run_id: int | None) -> None:
        self.session = session
        self.crawl_run_id = crawl_run_id
        self._writer = PageWriter(session.get_bind().dialect.name)

    @property
    def pages_written(self) -> int:
        return self._writer.pages_written

    def record(self, response: Response) -> int:
        """Store ``response`` (body and observation) and return its ``fetched_pages.id``."""
        batch = PageBatch(self.crawl_run_id)
        page = batch.add(response)
        self._writer.write(self.session.connection(), batch)
        return int(page)
