"""Listed articles whose page is gone, as broken links of the site's other pages (其他页面).

The nightly list walks record each listed page the site answers 404, 410 or an error page for
(``gone_pages``): a broken link found on a column's list, even one the link check did not reach
or that answers 200 with an error page (a soft 404, which a status check reads as fine). Such a
page is **broken** once it was seen gone on walks at least ``links.confirm_after_hours`` apart,
else **awaiting confirmation**, as the link check's own findings. Only pages still seen gone
within the evidence window count; a link the link check already reported failing is not counted
twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import FetchedPage, GonePage
from scoring.inspection.verdict import InspectionDay


def gone_link_rows(
    session: Session, site_id: int, day: InspectionDay
) -> list[tuple[str, str, str | None, str | None, str, dt.datetime, dt.datetime]]:
    """(listed URL, reason, list page URL, its sha256, canonical URL, first seen, last seen)."""
    page = aliased(FetchedPage)
    rows = session.execute(
        select(
            GonePage.listed_url,
            GonePage.reason,
            page.url,
            page.sha256,
            GonePage.url,
            GonePage.first_seen_at,
            GonePage.last_seen_at,
        )
        .outerjoin(page, page.id == GonePage.list_page_id)
        .where(GonePage.site_id == site_id, GonePage.first_seen_at < day.end)
        .order_by(GonePage.listed_url)
    ).all()
    return [tuple(row) for row in rows if day.fresh(row[6])]  # type: ignore[misc]
