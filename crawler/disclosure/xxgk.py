"""Parse Hanweb's 信息公开 lists: ``POST /module/xxgk/search.jsp`` pages chosen by ``currpage``.

A Hanweb disclosure platform lists one unit's documents through a form POST whose fields name
the unit (``area``, ``divid``, ``infotypeId``…); ``currpage`` (1-based) picks the page and the
reply says "共N页". Column options: ``form`` (the unit's fields, copied into every request),
``item`` (selector of one row, default the table rows holding a link).
"""

from __future__ import annotations

import re
from typing import Any

from parsel import Selector

from crawler.listing import ListEntry, entry_from_fragment, select

_TOTAL_PAGES = re.compile(r"共\s*(\d+)\s*页|totalpage\s*[=:]\s*['\"]?(\d+)", re.IGNORECASE)
PAGE_FIELD = "currpage"


def form_for(options: dict[str, Any], page: int) -> dict[str, str]:
    """Return the form fields of list page ``page`` (1-based) for a column."""
    fields = {str(k): str(v) for k, v in dict(options.get("form", {})).items()}
    fields[str(options.get("page_field", PAGE_FIELD))] = str(page)
    return fields


def page_count(text: str) -> int | None:
    """Return how many pages the reply announces, or None when it does not say."""
    match = _TOTAL_PAGES.search(text)
    if match is None:
        return None
    return int(match.group(1) or match.group(2))


def parse_list(text: str, url: str, options: dict[str, Any] | None = None) -> list[ListEntry]:
    """Return the entries of one reply page."""
    options = options or {}
    selector = Selector(text=text)
    if options.get("item"):
        items = select(selector, options["item"])
    else:
        items = selector.xpath("//tr[.//a[@href]] | //li[.//a[@href]]")
    entries = [entry_from_fragment(item, url) for item in items]
    return [e for e in entries if e is not None]
