"""Parse Hanweb JPaaS lists, the platform Zhejiang's government sites moved to from JCMS.

A column page ``/col/col{ID}/index.html`` renders its first items in the page, and a pager
element carries what the browser needs to build the following pages::

    <div class="pagination" count="386" rows="15" pageNo="1"
         url="/api-gateway/jpaas-publish-server/front/page/build/unit"
         queryData="{'webId':'3185','pageId':'…','tagId':'信息列表','tplSetId':'…'}"></div>

Page N is ``GET /api-gateway/jpaas-publish-server/front/page/build/unit?webId=…&pageId=…
&parseType=bulidstatic&pageType=column&tagId=信息列表&tplSetId=…&rows=15&pageNo=N`` (the
platform's own spelling, ``bulidstatic``), answering JSON
``{"success": true, "data": {"html": "<ul><li><a href=… title=…>…</a><span>2012-03-05</span>
</li>…</ul><div class='pagination' count=…>"}}``. Some deployments read the page only from
``paramJson={"pageNo":N,"pageSize":"15"}``: column option ``paging = "param_json"``.

Every parameter is read from the column page itself, never from the profile: a profile only
says where the column is. Column options: ``paging`` (``query``, default, or ``param_json``),
``rows`` (items per page; default the pager's ``rows``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urljoin

from parsel import Selector

from crawler.listing import ListEntry, entry_from_fragment, item_date

UNIT_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
OPTIONS = {"paging": str, "rows": int}
PAGING = ("query", "param_json")
FIXED_QUERY = {"parseType": "bulidstatic", "pageType": "column"}
_PAIR = re.compile(r"['\"](\w+)['\"]\s*:\s*['\"]([^'\"]*)['\"]")


class JpaasReplyError(ValueError):
    """The build/unit endpoint answered without a list (``success`` false, or not JSON)."""


@dataclass
class JpaasList:
    """One JPaaS list page: entries, the announced count, and how to ask for the next page."""

    entries: list[ListEntry]
    count: int | None = None
    rows: int | None = None
    page_no: int | None = None
    api_url: str | None = None
    query: dict[str, str] = field(default_factory=dict)


def query_data(text: str) -> dict[str, str]:
    """Read a ``queryData`` attribute (single-quoted JSON) into a dict of strings."""
    try:
        data = json.loads(text.replace("'", '"'))
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    except json.JSONDecodeError:
        return dict(_PAIR.findall(text))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _pager(selector: Selector) -> tuple[Selector | None, int | None, int | None, int | None]:
    pagers = selector.xpath("//*[@count and @rows]")
    pager = pagers[0] if pagers else None
    if pager is None:
        return None, None, None, None
    # lxml's HTML parser lower-cases attribute names: pageNo is pageno.
    return (
        pager,
        _int(pager.xpath("@count").get()),
        _int(pager.xpath("@rows").get()),
        _int(pager.xpath("@pageno").get()),
    )


def _entries(items: list[Selector], url: str, now: dt.datetime | None) -> list[ListEntry]:
    found = [entry_from_fragment(item, url, now) for item in items]
    return [e for e in found if e is not None]


def parse_column_page(text: str, url: str, now: dt.datetime | None = None) -> JpaasList:
    """Parse a column page: the items rendered in it, the pager's count and the query data."""
    page = Selector(text=text)
    holders = page.xpath("//*[@querydata]")
    holder = holders[0] if holders else None
    pager, count, rows, page_no = _pager(page)
    anchor = pager if pager is not None else holder
    # The rendered items sit next to the pager; the page's menus are elsewhere. A page whose
    # query data sits on a script in <head> has no such neighbours: take the dated items.
    items = list(anchor.xpath("..//li[.//a[@href]]")) if anchor is not None else []
    if not items:
        items = [li for li in page.xpath("//li[.//a[@href]]") if item_date(li, now)]
    api = (holder.xpath("@url").get() if holder is not None else None) or UNIT_PATH
    return JpaasList(
        entries=_entries(items, url, now),
        count=count,
        rows=rows,
        page_no=page_no or 1,
        api_url=urljoin(url, api) if holder is not None else None,
        query=query_data(holder.xpath("@querydata").get() or "") if holder is not None else {},
    )


def parse_unit_reply(text: str, url: str, now: dt.datetime | None = None) -> JpaasList:
    """Parse a ``build/unit`` JSON reply; raise :class:`JpaasReplyError` when it has no list."""
    try:
        reply = json.loads(text)
    except json.JSONDecodeError as error:
        raise JpaasReplyError(f"build/unit answered something else than JSON: {error}") from None
    data = reply.get("data") if isinstance(reply, dict) else None
    if not isinstance(reply, dict) or not reply.get("success") or not isinstance(data, dict):
        message = reply.get("message") if isinstance(reply, dict) else None
        raise JpaasReplyError(f"build/unit answered success=false ({message or 'no message'})")
    fragment = Selector(text=f"<div>{data.get('html') or ''}</div>")
    _, count, rows, page_no = _pager(fragment)
    items = fragment.xpath("//li[.//a[@href]]")
    return JpaasList(_entries(list(items), url, now), count, rows, page_no)


def rows_of(options: dict[str, Any], listing: JpaasList) -> int:
    return int(options.get("rows") or listing.rows or 15)


def page_url(
    api_url: str, query: dict[str, str], page: int, rows: int, options: dict[str, Any]
) -> str:
    """Return the build/unit URL of list page ``page`` (1-based)."""
    params = {**query, **FIXED_QUERY}
    if options.get("paging", "query") == "param_json":
        params["paramJson"] = json.dumps({"pageNo": page, "pageSize": str(rows)})
    else:
        params.update(rows=str(rows), pageNo=str(page))
    return f"{api_url}?{urlencode(params)}"


def page_count(count: int | None, rows: int) -> int | None:
    return -(-count // rows) if count is not None and rows > 0 else None


def check_options(options: dict[str, Any]) -> list[str]:
    """Return what is wrong with a jpaas column's options (empty when nothing is)."""
    if options.get("paging", "query") not in PAGING:
        return [f"paging must be one of {PAGING}, got {options['paging']!r}"]
    return []
