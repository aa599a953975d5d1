"""Parse lists of any layout with selectors from the profile.

Column options: ``item`` (required: one list item), ``link`` (default the first ``a``),
``title`` and ``date`` (default: the link's title or text; a date found in the item's text),
``next`` (the next page's link, e.g. ``xpath://a[text()='下一页']/@href``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from crawler.dates import find_date
from crawler.listing import ListEntry, entry_from_fragment, select


def _text(nodes: list[Selector]) -> str:
    return " ".join(" ".join(n.xpath("string()").getall()) for n in nodes).strip()


def parse_list(
    text: str, url: str, options: dict[str, Any], now: dt.datetime | None = None
) -> list[ListEntry]:
    """Return the entries of one list page; ``now`` (fetch time) reads 今天, 3小时前."""
    selector = Selector(text=text)
    entries = []
    for item in select(selector, options["item"]):
        if "link" not in options:
            entry = entry_from_fragment(item, url, now)
        else:
            hrefs = select(item, options["link"])
            href = hrefs[0].attrib.get("href") or hrefs[0].get() if hrefs else None
            entry = ListEntry(urljoin(url, href.strip()), "", None) if href else None
        if entry is None:
            continue
        title = _text(select(item, options["title"])) if "title" in options else entry.title
        date = None
        if "date" in options:
            date = find_date(_text(select(item, options["date"])), now=now)
        entries.append(ListEntry(entry.url, " ".join(title.split()), date or entry.listed_on))
    return entries


def next_page(text: str, url: str, options: dict[str, Any]) -> str | None:
    """Return the absolute URL of the next list page, if the profile says how to find it."""
    if "next" not in options:
        return None
    found = select(Selector(text=text), options["next"])
    if not found:
        return None
    node = found[0]
    href = node.attrib.get("href") if node.root is not None and hasattr(node.root, "tag") else None
    href = href or node.get()
    return urljoin(url, href.strip()) if href and href.strip() else None
