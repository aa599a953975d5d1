"""Listed posts and documents whose page is gone: reported, counted for nobody, reviewable.

A page the site answered 404, 410 or an error page for (``gone_pages``, recorded by the crawler)
was listed, so it was published; but without its page nobody can read whose it is or when it
was signed. Policy: such an item is **counted for nobody** (no department's post count, no
document verdict, no 文号 gap, no lag), **never a coverage hole** (its column's walk stays
complete), and **reported** in the month its list dated it, with its list entry (title and date
as the list showed them), for an analyst to review. A page that came back and was stored (a post
or document at the same URL) is no longer gone and is left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from db.models import DisclosureDocument, GonePage, PortalPost, Site, SiteColumn, SiteKind
from scoring.assessment.periods import month_end, month_start


@dataclass(frozen=True)
class GoneEntry:
    """One listed item whose page is gone, with the list entry that links it."""

    site_key: str
    site_kind: str
    column_key: str | None
    department_id: int | None  # the department of the column that lists it, if it has one
    url: str
    http_status: int
    reason: str
    list_title: str
    list_date: dt.date | None
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime


def gone_note(count: int, site_kind: str = "portal") -> str:
    """``1 篇已列出的信息无法读取（页面已失效）/ 1 listed post could not be read (gone)``."""
    plural = "s" if count != 1 else ""
    if site_kind == SiteKind.DISCLOSURE:
        chinese, english = f"{count} 件已列出的文件", f"{count} listed document{plural}"
    else:
        chinese, english = f"{count} 篇已列出的信息", f"{count} listed post{plural}"
    return f"{chinese}无法读取（页面已失效）/ {english} could not be read (gone)"


def gone_listed(
    session: Session, month: str, cutoff: dt.datetime, site_kind: str | None = None
) -> list[GoneEntry]:
    """The items listed in ``month`` (by their list date) whose page is gone as of ``cutoff``."""
    g = GonePage
    came_back = exists().where(
        PortalPost.site_id == g.site_id, PortalPost.canonical_url == g.url
    ) | exists().where(DisclosureDocument.site_id == g.site_id, DisclosureDocument.url == g.url)
    first, last = month_start(month), month_end(month)
    query = (
        select(
            Site.key,
            Site.kind,
            SiteColumn.key,
            SiteColumn.department_id,
            g.url,
            g.http_status,
            g.reason,
            g.list_title,
            g.list_date,
            g.first_seen_at,
            g.last_seen_at,
        )
        .join(Site, Site.id == g.site_id)
        .outerjoin(SiteColumn, SiteColumn.id == g.column_id)
        .where(
            and_(g.first_seen_at <= cutoff, g.list_date >= first, g.list_date <= last),
            ~came_back,
        )
        .order_by(Site.key, g.list_date, g.url)
    )
    if site_kind is not None:
        query = query.where(Site.kind == site_kind)
    return [GoneEntry(*row) for row in session.execute(query)]


def gone_document_entries(
    session: Session, cutoff: dt.datetime | None
) -> list[tuple[int | None, str]]:
    """(column's department or None, title as listed) of disclosure pages gone by ``cutoff``.

    Such a document was published (it is listed): the register's row for it is ``gone``, never
    ``missing``, and its 文号 is no gap candidate.
    """
    g = GonePage
    came_back = exists().where(
        DisclosureDocument.site_id == g.site_id, DisclosureDocument.url == g.url
    )
    query = (
        select(SiteColumn.department_id, g.list_title)
        .join(Site, Site.id == g.site_id)
        .outerjoin(SiteColumn, SiteColumn.id == g.column_id)
        .where(Site.kind == SiteKind.DISCLOSURE, ~came_back)
    )
    if cutoff is not None:
        query = query.where(g.first_seen_at <= cutoff)
    return [(department_id, title) for department_id, title in session.execute(query)]
