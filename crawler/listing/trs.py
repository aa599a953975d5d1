"""Parse TRS WCM static lists: ``index.html``, ``index_1.html``… with the page count in script.

The page count is written as ``createPageHTML(countPage, currentPage, "index", "html")`` or
``var countPage = N``. Column options: ``item`` (selector of list items, default the ``li`` of
the page), ``prefix``/``suffix`` of page files (default ``index`` and ``html``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from crawler.listing import ListEntry, entry_from_fragment, select

_CREATE_PAGE = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)")
_COUNT_PAGE = re.compile(r"var\s+countPage\s*=\s*['\"]?(\d+)")


def page_count(text: str) -> int:
    """Return how many list pages the TRS script announces (1 when it says nothing)."""
    match = _CREATE_PAGE.search(text) or _COUNT_PAGE.search(text)
    return max(1, int(match.group(1))) if match else 1


def page_url(first_page_url: str, index: int, options: dict[str, Any] | None = None) -> str:
    """Return the URL of list page ``index`` (0 is ``index.html``, 1 is ``index_1.html``)."""
    options = options or {}
    prefix, suffix = options.get("prefix", "index"), options.get("suffix", "html")
    name = f"{prefix}.{suffix}" if index == 0 else f"{prefix}_{index}.{suffix}"
    return urljoin(first_page_url, name)


def parse_list(
    text: str, url: str, options: dict[str, Any] | None = None, now: dt.datetime | None = None
) -> list[ListEntry]:
    """Return the entries of one TRS list page; ``now`` (fetch time) reads 今天, 3小时前."""
    options = options or {}
    selector = Selector(text=text)
    items = select(selector, options["item"]) if options.get("item") else selector.xpath("//li")
    entries = [entry_from_fragment(item, url, now) for item in items]
    return [e for e in entries if e is not None]
