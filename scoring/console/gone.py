"""The review queue of listed pages that are gone (失效页面): counted for nobody, for review.

A listed post or document whose page the site answers 404, 410 or an error page for was
published but cannot be read (:mod:`scoring.assessment.gone`). A reviewer sees its list entry
(title and date as the list showed them), what the site answered, when it was first and last
seen, and the list page that links it; it leaves the queue when the page comes back and is
stored.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from db.models import DisclosureDocument, GonePage, PortalPost, Site, SiteColumn
from scoring.console.findings import Candidate
from scoring.console.i18n import _
from scoring.rules import Rules

KIND = "gone_page"


def _query() -> Select:  # type: ignore[type-arg]
    g = GonePage
    came_back = or_(
        exists().where(PortalPost.site_id == g.site_id, PortalPost.canonical_url == g.url),
        exists().where(DisclosureDocument.site_id == g.site_id, DisclosureDocument.url == g.url),
    )
    return (
        select(g, Site.key, SiteColumn.key, SiteColumn.department_id)
        .join(Site, Site.id == g.site_id)
        .outerjoin(SiteColumn, SiteColumn.id == g.column_id)
        .where(~came_back)
    )


def _candidate(row: GonePage, site: str, column: str | None, department: int | None) -> Candidate:
    listed = row.list_date.isoformat() if row.list_date else _("no date")
    detail = _(
        "%(site)s %(column)s: listed %(listed)s; %(reason)s; "
        "first seen %(first)s, last seen %(last)s"
    ) % {
        "site": site,
        "column": column or "-",
        "listed": listed,
        "reason": row.reason,
        "first": f"{row.first_seen_at:%Y-%m-%d}",
        "last": f"{row.last_seen_at:%Y-%m-%d}",
    }
    title = row.list_title or row.url
    pages = ((_("list page"), row.list_page_id),) if row.list_page_id else ()
    return Candidate(KIND, f"gone:{row.id}", department, title, detail, row.page_id, row.url, pages)


def gone_list(session: Session, rules: Rules, year: int, cutoff: dt.datetime) -> list[Candidate]:
    """The pages gone by ``cutoff`` that a list dated in ``year`` (or undated, seen then)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    g = GonePage
    in_year = or_(
        g.list_date.between(start, end),
        and_(g.list_date.is_(None), g.first_seen_at < dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)),
    )
    rows = session.execute(_query().where(in_year, g.first_seen_at <= cutoff).order_by(g.id))
    return [_candidate(*row) for row in rows]


def gone_lookup(session: Session, rules: Rules, key: str, cutoff: dt.datetime) -> Candidate | None:
    match = re.fullmatch(r"gone:(\d+)", key)
    if match is None:
        return None
    row = session.execute(_query().where(GonePage.id == int(match[1]))).first()
    return _candidate(*row) if row is not None else None
