"""Parse Hanweb's 信息公开 lists: ``POST /module/xxgk/search.jsp`` pages chosen by ``currpage``.

A department's catalogue page (信息公开目录) posts a form to ``/module/xxgk/search.jsp`` with the
fields ``infotypeId, jdid, area, divid, sortfield=compaltedate:0, currpage, vc_title,
vc_number, vc_filenumber, texttype=0, fbtime=-1``; newer platforms add ``standardXxgk=1`` and
answer only requests sent with ``X-Requested-With: XMLHttpRequest``. ``currpage`` (1-based)
picks the page and the reply says ``共N页``. Rows come in two layouts:

- the old table, ``<tr class="tr_main_value_odd|even">`` with the title in ``a@title`` and the
  date in the third cell;
- the newer list, ``<div class="zfxxgk_list_con"><ul><li><a …>…</a><span>date</span></li>``.

A search may return a whole area's documents, every department interleaved (an empty or
area-wide ``area``): the list a document came from says nothing about who issued it, so
documents are attributed by their detail page's 发布机构 (or the catalogue column in their
link, ``/art/…/art_{column}_{n}.html``), never by the list.

Column options: ``form`` (the catalogue's fields, copied into every request), ``ajax`` (send
``X-Requested-With``; default: when ``form.standardXxgk`` is 1), ``page_field`` (default
``currpage``), ``item`` (a selector of one row, for a layout of neither kind).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

from crawler.dates import find_date
from crawler.listing import ListEntry, entry_from_fragment, select

SEARCH_PATH = "/module/xxgk/search.jsp"
PAGE_FIELD = "currpage"
OPTIONS = {"form": dict, "ajax": bool, "page_field": str, "item": str}
# Fields the platform's own search form always sends; a catalogue's fields override them.
DEFAULT_FORM = {
    "infotypeId": "",
    "sortfield": "compaltedate:0",
    "vc_title": "",
    "vc_number": "",
    "vc_filenumber": "",
    "texttype": "0",
    "fbtime": "-1",
}
AJAX_HEADERS = {"X-Requested-With": "XMLHttpRequest"}
_TOTAL_PAGES = re.compile(r"共\s*(\d+)\s*页|totalpage\s*[=:]\s*['\"]?(\d+)", re.IGNORECASE)
_LINK_COLUMN = re.compile(r"/art_(\d+)_\d+\.html")
_SEARCH_URL = re.compile(r"""module/xxgk/search\.jsp\?([^"'\s<>]+)""")


def form_for(options: dict[str, Any], page: int) -> dict[str, str]:
    """Return the form fields of list page ``page`` (1-based) for a column."""
    fields = {**DEFAULT_FORM, **{str(k): str(v) for k, v in dict(options.get("form", {})).items()}}
    fields[str(options.get("page_field", PAGE_FIELD))] = str(page)
    return fields


def wants_ajax(options: dict[str, Any]) -> bool:
    """Return True when requests must carry ``X-Requested-With`` (newer platforms)."""
    if "ajax" in options:
        return bool(options["ajax"])
    return str(dict(options.get("form", {})).get("standardXxgk", "")) == "1"


def headers_for(options: dict[str, Any]) -> dict[str, str]:
    return dict(AJAX_HEADERS) if wants_ajax(options) else {}


def page_count(text: str) -> int | None:
    """Return how many pages the reply announces, or None when it does not say."""
    match = _TOTAL_PAGES.search(text)
    if match is None:
        return None
    return int(match.group(1) or match.group(2))


def _table_row(row: Selector, url: str, now: dt.datetime | None) -> ListEntry | None:
    entry = entry_from_fragment(row, url, now)
    if entry is None:
        return None
    third = " ".join(row.xpath("./td[3]//text()").getall())
    listed = find_date(third, now=now) or entry.listed_on
    return ListEntry(entry.url, entry.title, listed)


def parse_list(
    text: str, url: str, options: dict[str, Any] | None = None, now: dt.datetime | None = None
) -> list[ListEntry]:
    """Return the entries of one reply page, in either row layout."""
    options = options or {}
    page = Selector(text=text)
    if options.get("item"):
        found = [entry_from_fragment(item, url, now) for item in select(page, options["item"])]
    elif rows := page.xpath("//tr[contains(@class, 'tr_main_value_')]"):
        found = [_table_row(row, url, now) for row in rows]
    elif items := page.xpath("//div[contains(@class, 'zfxxgk_list_con')]//li"):
        found = [entry_from_fragment(item, url, now) for item in items]
    else:
        items = page.xpath("//tr[.//a[@href]] | //li[.//a[@href]]")
        found = [entry_from_fragment(item, url, now) for item in items]
    return [e for e in found if e is not None]


def link_column(url: str) -> str | None:
    """Return the catalogue column id in a Hanweb article link (``art_{column}_{n}.html``)."""
    match = _LINK_COLUMN.search(urlsplit(url).path)
    return match.group(1) if match else None


def catalogue_form(text: str, url: str) -> tuple[str, dict[str, str]] | None:
    """Read the search URL and fields a catalogue page posts; None when it posts none.

    The fields are the inputs of the form whose action is ``search.jsp``, else the query of a
    ``search.jsp?…`` URL written in the page's script.
    """
    page = Selector(text=text)
    for form in page.xpath("//form[contains(@action, 'xxgk/search.jsp')]"):
        fields = {}
        for field in form.xpath(".//input[@name]"):
            name = field.xpath("@name").get() or ""
            if name != PAGE_FIELD and (field.xpath("@type").get() or "text") != "submit":
                fields[name] = field.xpath("@value").get() or ""
        return urljoin(url, form.xpath("@action").get() or SEARCH_PATH), fields
    if match := _SEARCH_URL.search(text):
        query = dict(parse_qsl(match.group(1).replace("&amp;", "&"), keep_blank_values=True))
        query.pop(PAGE_FIELD, None)
        return urljoin(url, SEARCH_PATH), query
    return None
