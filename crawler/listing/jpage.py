"""Parse Hanweb JCMS "jpage" lists: column pages with an embedded ``<datastore>``, and paging.

A column page ``/col/col{ID}/index.html`` embeds its first records as XML::

    <script type="text/xml"><datastore>
      <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1
        &path=/&columnid=1229&unitid=4001&webname=中国绍兴&permissiontype=0"></a>]]></nextgroup>
      <recordset><record><![CDATA[<li><a href="/art/2012/3/5/art_1229_77.html">…</a>
        <span>2012-03-05</span></li>]]></record>…</recordset></datastore></script>

Further records come from the ``dataproxy.jsp`` found there (or the column option
``proxy_path``): POST with ``startrecord``/``endrecord``/``perpage`` in the query and the
form fields ``col, appid, webid, path, columnid, sourceContentType, unitid, webname,
permissiontype``; servers wanting ``page=N`` instead are served with option
``paging = "page"``. The reply is XML with ``totalrecord``, ``totalpage`` and a recordset of
CDATA HTML fragments.

Column options: ``proxy_path``, ``perpage`` (default 15), ``group`` (records per proxy call,
default 45), ``paging`` (``records`` or ``page``), ``form`` (extra/overriding form fields).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from parsel import Selector

from crawler.listing import ListEntry, entry_from_fragment

PROXY_PATHS = ("/module/jpage/dataproxy.jsp", "/module/web/jpage/dataproxy.jsp")
FORM_FIELDS = (
    "col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname",
    "permissiontype",
)  # fmt: skip
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
_TOTAL_RECORD = re.compile(
    r"<totalrecord>\s*(\d+)\s*</totalrecord>|totalRecord\s*[=:]\s*(\d+)", re.I
)
_TOTAL_PAGE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>", re.I)
_COLUMN_ID = re.compile(r"/col/col(\d+)/")


@dataclass
class JpageList:
    """What one jpage response gave: entries, totals and how to ask for more."""

    entries: list[ListEntry]
    total_records: int | None
    total_pages: int | None = None
    proxy_url: str | None = None
    form: dict[str, str] = field(default_factory=dict)


def records(text: str, base_url: str) -> list[ListEntry]:
    """Return the entries of every ``<record>`` CDATA fragment in ``text``."""
    entries = []
    for fragment in _RECORD.findall(text):
        selector = Selector(text=f"<div>{fragment}</div>")
        items = selector.xpath("//li") or [selector.xpath("//div")[0]]
        for item in items:
            entry = entry_from_fragment(item, base_url)
            if entry is not None:
                entries.append(entry)
    return entries


def _total(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    if not match:
        return None
    return int(next(g for g in match.groups() if g is not None))


def parse_column_page(text: str, url: str, options: dict[str, Any] | None = None) -> JpageList:
    """Parse a column page: embedded records, total, and the dataproxy URL with its form."""
    options = options or {}
    form: dict[str, str] = {}
    proxy = None
    nextgroup = _NEXTGROUP.search(text)
    if nextgroup:
        href = Selector(text=nextgroup.group(1)).xpath("//a/@href").get()
        if href:
            parts = urlsplit(urljoin(url, href))
            proxy = f"{parts.scheme}://{parts.netloc}{parts.path}"
            form = {k: v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"}
    if options.get("proxy_path"):
        proxy = urljoin(url, options["proxy_path"])
    if proxy is None:
        proxy = urljoin(url, PROXY_PATHS[0])
    column = _COLUMN_ID.search(urlsplit(url).path)
    if column:
        form.setdefault("columnid", column.group(1))
    form.setdefault("col", "1")
    form.setdefault("path", "/")
    form.update({k: str(v) for k, v in options.get("form", {}).items()})
    return JpageList(
        entries=records(text, url),
        total_records=_total(_TOTAL_RECORD, text),
        total_pages=_total(_TOTAL_PAGE, text),
        proxy_url=proxy,
        form=form,
    )


def parse_proxy_reply(text: str, url: str) -> JpageList:
    """Parse a ``dataproxy.jsp`` XML reply."""
    return JpageList(
        entries=records(text, url),
        total_records=_total(_TOTAL_RECORD, text),
        total_pages=_total(_TOTAL_PAGE, text),
    )


def proxy_url(base: str, start: int, options: dict[str, Any] | None = None) -> str:
    """Return the dataproxy URL for the group starting at record ``start`` (1-based)."""
    options = options or {}
    perpage = int(options.get("perpage", 15))
    group = int(options.get("group", 45))
    if options.get("paging") == "page":
        query = {"page": (start - 1) // perpage + 1, "perpage": perpage}
    else:
        query = {"startrecord": start, "endrecord": start + group - 1, "perpage": perpage}
    return f"{base}?{urlencode(query)}"
