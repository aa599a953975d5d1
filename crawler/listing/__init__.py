"""List-page parsers, one module per CMS layout; each returns :class:`ListEntry` objects.

- :mod:`crawler.listing.jpage`: Hanweb JCMS column pages and ``dataproxy.jsp`` replies;
- :mod:`crawler.listing.jpaas`: Hanweb JPaaS column pages and ``build/unit`` JSON pages;
- :mod:`crawler.listing.trs`: TRS WCM static lists (``index.html``, ``index_1.html``…);
- :mod:`crawler.listing.generic`: CSS/XPath selectors from the profile.

The disclosure spider adds its own ``xxgk`` parser in ``crawler/disclosure/``. Parsers take
``now``, the moment the page was fetched, so that a list's ``今天`` or ``3小时前`` is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urljoin

from parsel import Selector

from crawler.dates import find_date


@dataclass(frozen=True)
class ListEntry:
    """One link of a list: absolute URL, title and date as the list shows them."""

    url: str
    title: str
    listed_on: dt.date | None


def fetched_now() -> dt.datetime:
    """The moment a list page is parsed, moments after it was fetched: the base of 今天, 3小时前."""
    return dt.datetime.now(dt.UTC)


def item_date(item: Selector, now: dt.datetime | None = None) -> dt.date | None:
    """Return the date an item shows: outside its link first (a title may hold a date)."""
    outside = " ".join(item.xpath(".//text()[not(ancestor::a)]").getall())
    return find_date(outside, now=now) or find_date(
        " ".join(item.xpath(".//text()").getall()), now=now
    )


def entry_from_fragment(
    item: Selector, base_url: str, now: dt.datetime | None = None
) -> ListEntry | None:
    """Read one list item (``<li><a href title>…</a><span>date</span></li>`` and the like)."""
    link = item.xpath(".//a[@href][1]")
    if not link:
        return None
    # Attributes by XPath, not ``.attrib``: a garbled attribute name (control characters)
    # makes lxml's attribute dict raise, and one bad record would lose the whole list page.
    href = (link.xpath("@href").get() or "").strip()
    if not href or href.startswith(("javascript:", "#", "mailto:")):
        return None
    title = (link.xpath("@title").get() or " ".join(link.xpath(".//text()").getall())).strip()
    return ListEntry(
        url=urljoin(base_url, href), title=" ".join(title.split()), listed_on=item_date(item, now)
    )


def select(selector: Selector, expression: str) -> list[Selector]:
    """Apply a profile selector written ``css:…``, ``xpath:…`` (or bare CSS)."""
    kind, _, body = expression.partition(":")
    if kind == "xpath":
        return list(selector.xpath(body))
    if kind == "css":
        return list(selector.css(body))
    return list(selector.css(expression))
