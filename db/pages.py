"""Read a stored page body back, byte for byte, without the crawler.

The crawler writes ``page_bodies`` (zlib-compressed under the body's SHA-256); readers such as
the scoring console only need to decompress, so the helper lives here, below both.
"""

from __future__ import annotations

import zlib

from sqlalchemy.orm import Session

from db.models import PageBody


def read_page_body(session: Session, sha256: str) -> bytes:
    """Return the exact bytes stored under ``sha256``; raise ``LookupError`` if absent."""
    body = session.get(PageBody, sha256)
    if body is None:
        raise LookupError(f"no page body {sha256}")
    return zlib.decompress(body.data) if body.compression == "zlib" else body.data
