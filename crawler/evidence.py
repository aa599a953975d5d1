"""Store every fetched page as evidence: its bytes once per content, and each observation.

``page_bodies`` keeps the raw response body zlib-compressed under its SHA-256, so a body seen
many times is stored once and :func:`read_body` returns it byte for byte. ``fetched_pages``
keeps one row per (url, sha256): what URL gave which bytes, when, with what status. Posts and
documents point at a ``fetched_pages`` row: a number in a report traces to URLs and bytes.
"""

from __future__ import annotations

import hashlib
import zlib

from scrapy.http import Response, TextResponse
from sqlalchemy.orm import Session

from db.models import FetchedPage, PageBody, utcnow
from db.store import id_of_observation


def sha256_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def read_body(session: Session, sha256: str) -> bytes:
    """Return the exact bytes stored under ``sha256``; raise ``LookupError`` if absent."""
    body = session.get(PageBody, sha256)
    if body is None:
        raise LookupError(f"no page body {sha256}")
    return zlib.decompress(body.data) if body.compression == "zlib" else body.data


class EvidenceStore:
    """Write pages into the session; the caller (the run recorder) commits in batches."""

    def __init__(self, session: Session, crawl_run_id: int | None) -> None:
        self.session = session
        self.crawl_run_id = crawl_run_id
        self._bodies: set[str] = set()
        self.pages_written = 0

    def record(self, response: Response) -> int:
        """Store ``response`` (body and observation) and return its ``fetched_pages.id``."""
        body = response.body
        digest = sha256_of(body)
        if digest not in self._bodies:
            if self.session.get(PageBody, digest) is None:
                self.session.add(
                    PageBody(sha256=digest, size=len(body), data=zlib.compress(body, 6))
                )
            self._bodies.add(digest)
        url = response.request.url if response.request is not None else response.url
        content_type = response.headers.get(b"Content-Type")
        self.session.flush()  # the body row first: the observation refers to it
        page_id, new = id_of_observation(
            self.session,
            FetchedPage,
            {
                "url": url[:1024],
                "final_url": response.url[:1024],
                "http_status": response.status,
                "fetched_at": utcnow(),
                "sha256": digest,
                "content_type": content_type.decode("latin-1")[:128] if content_type else None,
                "encoding": response.encoding[:32] if isinstance(response, TextResponse) else None,
                "crawl_run_id": self.crawl_run_id,
            },
            ["url", "sha256"],
        )
        self.pages_written += new
        return page_id
