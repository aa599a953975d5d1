"""Build evidence rows directly, for tests of what reads them."""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from db.models import FetchedPage, PageBody, PortalPost, Site
from db.names import NameResolver

SHANGHAI = ZoneInfo("Asia/Shanghai")


def site(session: Session, key: str = "test-portal", kind: str = "portal") -> Site:
    row = Site(key=key, name=key, kind=kind, base_url="http://127.0.0.1:1/")
    session.add(row)
    session.flush()
    return row


def page(session: Session, url: str, body: bytes = b"<html></html>") -> FetchedPage:
    digest = hashlib.sha256(body).hexdigest()
    if session.get(PageBody, digest) is None:
        session.add(PageBody(sha256=digest, size=len(body), data=zlib.compress(body)))
    row = FetchedPage(url=url, final_url=url, http_status=200, sha256=digest)
    session.add(row)
    session.flush()
    return row


def post(
    session: Session,
    site_row: Site,
    resolver: NameResolver,
    source: str,
    url: str,
    published: dt.datetime | None = None,
) -> PortalPost:
    published = published or dt.datetime(2012, 3, 5, 9, 30, tzinfo=SHANGHAI)
    attribution = resolver.resolve(source)
    row = PortalPost(
        site_id=site_row.id,
        canonical_url=url,
        title=f"title of {url}",
        published_at=published,
        published_month=published.astimezone(SHANGHAI).strftime("%Y-%m"),
        source_text=source,
        source_normalized=attribution.normalized,
        department_id=attribution.department_id,
        attribution=attribution.kind,
        identity_key=hashlib.sha256(url.encode()).hexdigest()[:32],
        page_id=page(session, url).id,
    )
    session.add(row)
    session.flush()
    return row
