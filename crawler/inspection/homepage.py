"""Read the newest item date a home page shows (首页更新): the evidence for "home not updated".

A home page shows dates in many places; only dated items that link somewhere count (``li``,
table rows and ``dd`` holding a link, or the profile's ``home_items`` selector), so a footer
copyright year is not read as an update. A date after the day of the probe (a page's clock, a
typo) is ignored rather than trusted.
"""

from __future__ import annotations

import datetime as dt

from parsel import Selector

from crawler.dates import find_date
from crawler.listing import select


def newest_item_date(html: str, selector: str, today: dt.date) -> dt.date | None:
    """Return the newest date written in a linked item of the page, not after ``today``."""
    dates = []
    for item in select(Selector(text=html), selector):
        found = find_date(" ".join(item.xpath(".//text()").getall()))
        if found is not None and found <= today:
            dates.append(found)
    return max(dates, default=None)
