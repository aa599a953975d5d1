"""Small builders of evidence rows, so each test states only what its rule looks at."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import zlib

from sqlalchemy.orm import Session

from db.models import (
    CrawlColumnResult,
    CrawlRun,
    Department,
    DisclosureDocument,
    FetchedPage,
    NondisclosureExplanation,
    PageBody,
    PortalPost,
    PostListing,
    SignedDocument,
    Site,
    SiteColumn,
)
from scoring.assessment.periods import SHANGHAI

_serial = itertools.count(1)


def shanghai(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    """An aware instant given in Asia/Shanghai local time."""
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def department(
    session: Session, short_name: str, tier: int | None = 1, kind: str = "department", **flags: bool
) -> Department:
    unit = Department(
        short_name=short_name,
        full_name=f"绍兴市{short_name}全称",
        kind=kind,
        tier=tier,
        **flags,
    )
    session.add(unit)
    session.flush()
    return unit


def site(session: Session, kind: str = "portal", key: str | None = None) -> Site:
    row = Site(
        key=key or f"sx-{kind}",
        name=f"{kind} site",
        kind=kind,
        base_url=f"http://{kind}.example.test/",
    )
    session.add(row)
    session.flush()
    column = SiteColumn(
        site_id=row.id, key="news", name="部门动态", list_kind="generic", url=row.base_url
    )
    session.add(column)
    session.flush()
    return row


def page(session: Session, url: str) -> FetchedPage:
    body = f"<html><body>{url}</body></html>".encode()
    sha = hashlib.sha256(body).hexdigest()
    if session.get(PageBody, sha) is None:
        session.add(PageBody(sha256=sha, size=len(body), data=zlib.compress(body)))
        session.flush()
    fetched = FetchedPage(url=url, final_url=url, http_status=200, sha256=sha)
    session.add(fetched)
    session.flush()
    return fetched


def post(
    session: Session,
    unit: Department | None,
    on: dt.datetime,
    *,
    portal: Site,
    identity: str | None = None,
    attribution: str = "department",
    backdated: bool = False,
    first_seen_at: dt.datetime | None = None,
    title: str | None = None,
) -> PortalPost:
    """A post listed in the portal's first column, first seen when published unless told.

    ``backdated=True`` adds the evidence that proves it: first seen 20 days after its claim
    (unless ``first_seen_at`` says when) and a complete walk of the column that read the whole
    list 8 days after the claim, before the first sighting, without listing it.
    """
    n = next(_serial)
    if backdated and first_seen_at is None:
        first_seen_at = on + dt.timedelta(days=20)
    url = f"{portal.base_url}art/{n}.html"
    row = PortalPost(
        site_id=portal.id,
        canonical_url=url,
        title=title or f"动态信息 {n}",
        published_at=on,
        published_month=on.astimezone(SHANGHAI).strftime("%Y-%m"),
        department_id=unit.id if unit is not None else None,
        attribution=attribution,
        identity_key=identity or f"id-{n}",
        first_seen_at=first_seen_at or on,
        last_seen_at=first_seen_at or on,
        page_id=page(session, url).id,
    )
    session.add(row)
    session.flush()
    column = portal.columns[0]
    session.add(
        PostListing(
            post_id=row.id, column_id=column.id, listed_url=url, first_seen_at=row.first_seen_at
        )
    )
    if backdated:
        walk = run(session, portal, on + dt.timedelta(days=8), reached_end=True)
        assert walk.finished_at is not None and walk.finished_at < row.first_seen_at
    session.flush()
    return row


def posts(session: Session, unit: Department, year: int, month: int, count: int, *, portal: Site):
    return [
        post(session, unit, shanghai(year, month, 1 + i % 28), portal=portal) for i in range(count)
    ]


def run(
    session: Session,
    crawled: Site,
    started: dt.datetime,
    *,
    status: str = "finished",
    healthy: bool | None = True,
    column_status: str = "complete",
    reached_end: bool = False,
) -> CrawlRun:
    row = CrawlRun(
        site_id=crawled.id,
        spider=crawled.kind,  # the spider named after the site kind walks its lists
        started_at=started,
        finished_at=started + dt.timedelta(minutes=30),
        status=status,
        healthy=healthy,
        health_problems=[] if healthy else ["test problem"],
        stats={},
    )
    session.add(row)
    session.flush()
    column = crawled.columns[0] if crawled.columns else None
    if column is not None:
        session.add(
            CrawlColumnResult(
                crawl_run_id=row.id,
                column_id=column.id,
                status=column_status,
                reached_end=reached_end,
            )
        )
        session.flush()
    return row


def document(
    session: Session,
    unit: Department,
    *,
    platform: Site,
    signed_on: dt.date | None,
    published_on: dt.date | None,
    number: int | None = None,
    title: str = "关于印发某某办法的通知",
    first_seen_at: dt.datetime | None = None,
) -> DisclosureDocument:
    """A document, first seen by the crawler on the evening of its publication day.

    Only the dates are stored, as the crawler stores them: the lag is the assessment's.
    """
    n = next(_serial)
    seen_on = published_on or signed_on or dt.date(2012, 1, 1)
    seen = first_seen_at or dt.datetime.combine(seen_on, dt.time(20), tzinfo=dt.UTC)
    url = f"{platform.base_url}doc/{n}.html"
    key = f"绍发改〔2012〕{number}号" if number is not None else None
    row = DisclosureDocument(
        site_id=platform.id,
        url=url,
        title=title,
        doc_number=key,
        doc_number_key=key,
        doc_number_prefix="绍发改" if number is not None else None,
        doc_number_year=2012 if number is not None else None,
        doc_number_seq=number,
        department_id=unit.id,
        attribution="department",
        signed_on=signed_on,
        published_on=published_on,
        first_seen_at=seen,
        last_seen_at=seen,
        page_id=page(session, url).id,
    )
    session.add(row)
    session.flush()
    return row


def signed(session: Session, unit: Department, number: int, on: dt.date, explained: bool = False):
    """A register row (and its explanation), imported on the day it was signed."""
    key = f"绍发改〔2012〕{number}号"
    imported = dt.datetime.combine(on, dt.time(20), tzinfo=dt.UTC)
    session.add(
        SignedDocument(
            department_id=unit.id,
            doc_number=key,
            doc_number_key=key,
            title=f"文件 {number}",
            signed_on=on,
            source_file="register.csv",
            source_line=number,
            imported_at=imported,
        )
    )
    if explained:
        session.add(
            NondisclosureExplanation(
                department_id=unit.id,
                doc_number=key,
                doc_number_key=key,
                reason="内部事务",
                source_file="explanations.csv",
                imported_at=imported,
            )
        )
    session.flush()
