"""Parse Hanweb JCMS "jpage" lists: column pages with an embedded ``<datastore>``, and paging.

A column page ``/col/col{ID}/index.html`` embeds its first records as XML and says in its
script how to ask for more::

    <script type="text/xml"><datastore>
      <nextgroup><![CDATA[<a href="/module/jpage/dataproxy.jsp?page=1&webid=1&…"></a>]]>
      </nextgroup>
      <recordset><record><![CDATA[<li><a href="/art/2012/3/5/art_1229_77.html">…</a>
        <span>2012-03-05</span></li>]]></record>…</recordset></datastore></script>
    <script>var param_4001 = {col:1, webid:1, path:'/', columnid:1229, sourceContentType:1,
      unitid:'4001', webname:'中国绍兴', permissiontype:0};
      $('#4001').jpage({proxyUrl:'/module/jpage/dataproxy.jsp', perPage:15,
      totalRecord:386, groupSize:3, ajaxParam: param_4001});</script>

Everything is read from the page: the proxy path (``/module/jpage/`` and ``/module/web/jpage/``
both occur, and the wrong one answers 404), the form fields (the ``param_NNN`` object, else the
``<nextgroup>`` link's query) and the announced total. Further records come from POSTing the
form to ``dataproxy.jsp?startrecord=S&endrecord=E&perpage=P`` (or ``?page=N&perpage=P`` on
servers that honour only pages). The reply is XML with ``totalrecord``, ``totalpage`` and a
recordset of CDATA HTML fragments.

Real servers differ from the script in two ways the walk allows for: each group may start
with the previous group's last record again (removed by :func:`drop_repeated`), and a server
caps the records of one reply near 300 whatever was asked (so the walk moves on by what it
received, not by what it asked for).

Column options: ``group`` (records asked per call, default 45, at most 300), ``perpage``
(default: the page's ``perPage``, else 15), ``paging`` (``records``, default, or ``page``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from parsel import Selector

from crawler.listing import ListEntry, entry_from_fragment

PROXY_PATHS = ("/module/web/jpage/dataproxy.jsp", "/module/jpage/dataproxy.jsp")
MAX_GROUP = 300  # servers cap one reply near 300 records, whatever was asked
DEFAULT_GROUP, DEFAULT_PERPAGE = 45, 15
OPTIONS = {"group": int, "perpage": int, "paging": str}
PAGING = ("records", "page")

_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
_TOTAL_RECORD = re.compile(
    r"<totalrecord>\s*(\d+)\s*</totalrecord>|totalRecord\s*[=:]\s*['\"]?(\d+)", re.I
)
_TOTAL_PAGE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>", re.I)
_PER_PAGE = re.compile(r"perPage\s*[=:]\s*['\"]?(\d+)", re.I)
_PROXY_URL = re.compile(r"proxyUrl\s*[=:]\s*['\"]([^'\"]+dataproxy\.jsp)['\"]", re.I)
_PARAM_OBJECT = re.compile(r"var\s+param_\w+\s*=\s*\{(?P<body>[^{}]*)\}", re.S)
_PARAM_PAIR = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([^,}\s]+))")
_COLUMN_ID = re.compile(r"/col/col(\d+)/")
_JPAGE_CALL = re.compile(r"\.jpage\(\s*\{(?P<body>[^{}]*)\}", re.S)
_DATASTORE = re.compile(r"<datastore>.*?</datastore>", re.S | re.I)


@dataclass
class JpageList:
    """What one jpage response gave: entries, totals and how to ask for more."""

    entries: list[ListEntry]
    total_records: int | None
    total_pages: int | None = None
    proxy_url: str | None = None
    proxy_from_page: bool = False
    form: dict[str, str] = field(default_factory=dict)
    per_page: int | None = None


def records(text: str, base_url: str, now: dt.datetime | None = None) -> list[ListEntry]:
    """Return the entries of every ``<record>`` CDATA fragment in ``text``."""
    entries = []
    for fragment in _RECORD.findall(text):
        selector = Selector(text=f"<div>{fragment}</div>")
        items = selector.xpath("//li") or selector.xpath("//tr") or [selector.xpath("//div")[0]]
        for item in items:
            entry = entry_from_fragment(item, base_url, now)
            if entry is not None:
                entries.append(entry)
    return entries


def _total(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    if not match:
        return None
    return int(next(g for g in match.groups() if g is not None))


def param_objects(text: str) -> list[dict[str, str]]:
    """Return every ``var param_NNN = {…}`` object of a column page, as strings."""
    objects = []
    for match in _PARAM_OBJECT.finditer(text):
        pairs = _PARAM_PAIR.findall(match["body"])
        objects.append({key: next((v for v in values if v), "") for key, *values in pairs})
    return objects


def _form_from_page(text: str, url: str, nextgroup_query: str) -> dict[str, str]:
    column = _COLUMN_ID.search(urlsplit(url).path)
    objects = param_objects(text)
    # A page may carry several units (a column list and a sidebar): take this column's.
    mine = [o for o in objects if column and o.get("columnid") == column.group(1)]
    form = dict((mine or objects or [{}])[0])
    if not form:
        form = {k: v for k, v in parse_qsl(nextgroup_query, keep_blank_values=True) if k != "page"}
    if column:
        form.setdefault("columnid", column.group(1))
    form.setdefault("col", "1")
    form.setdefault("path", "/")
    return form


def _unit_parts(text: str, unit: str | None) -> tuple[str, str]:
    """Return this unit's ``<datastore>`` and ``.jpage({…})`` call (a page may hold several)."""
    stores, calls = _DATASTORE.findall(text), _JPAGE_CALL.findall(text)
    store = stores[0] if stores else ""
    call = calls[0] if calls else ""
    if unit:
        at = text.find(f'id="{unit}"') if f'id="{unit}"' in text else text.find(f"id='{unit}'")
        store = next((m.group(0) for m in _DATASTORE.finditer(text, max(at, 0))), store)
        call = next((c for c in calls if re.search(rf"param_{re.escape(unit)}\b", c)), call)
    return store, call


def parse_column_page(text: str, url: str, now: dt.datetime | None = None) -> JpageList:
    """Parse a column page: this column's records, total, and the dataproxy URL with its form.

    On a page with several jpage units (a sidebar list and the column's list), the column's
    unit is the ``param_`` object whose ``columnid`` is the page's, and its datastore is the
    one inside the element with its ``unitid``.
    """
    form = _form_from_page(text, url, "")
    store, call = _unit_parts(text, form.get("unitid"))
    proxy, query = None, ""
    nextgroup = _NEXTGROUP.search(store or text)
    if nextgroup:
        href = Selector(text=nextgroup.group(1)).xpath("//a/@href").get()
        if href:
            parts = urlsplit(urljoin(url, href))
            proxy, query = f"{parts.scheme}://{parts.netloc}{parts.path}", parts.query
    if declared := _PROXY_URL.search(call) or _PROXY_URL.search(text):
        proxy = urljoin(url, declared.group(1))
    if not param_objects(text):
        form = _form_from_page(text, url, query)
    return JpageList(
        entries=records(store or text, url, now),
        total_records=_total(_TOTAL_RECORD, call) or _total(_TOTAL_RECORD, text),
        total_pages=_total(_TOTAL_PAGE, text),
        proxy_url=proxy or urljoin(url, PROXY_PATHS[0]),
        proxy_from_page=proxy is not None,
        form=form,
        per_page=_total(_PER_PAGE, call) or _total(_PER_PAGE, text),
    )


def parse_proxy_reply(text: str, url: str, now: dt.datetime | None = None) -> JpageList:
    """Parse a ``dataproxy.jsp`` XML reply."""
    return JpageList(
        entries=records(text, url, now),
        total_records=_total(_TOTAL_RECORD, text),
        total_pages=_total(_TOTAL_PAGE, text),
    )


def other_proxy(proxy_url: str) -> str | None:
    """Return the proxy at the other known path, for a server that answered 404 to a guess."""
    parts = urlsplit(proxy_url)
    for path in PROXY_PATHS:
        if path != parts.path:
            return f"{parts.scheme}://{parts.netloc}{path}"
    return None


def drop_repeated(entries: list[ListEntry], previous_last: str | None) -> list[ListEntry]:
    """Remove a group's first record when it repeats the previous group's last one."""
    if entries and previous_last is not None and entries[0].url == previous_last:
        return entries[1:]
    return entries


def per_page(options: dict[str, Any], listing: JpageList | None = None) -> int:
    page_value = listing.per_page if listing is not None else None
    return int(options.get("perpage") or page_value or DEFAULT_PERPAGE)


def records_url(proxy: str, start: int, options: dict[str, Any], perpage: int) -> str:
    """Return the dataproxy URL of the group starting at record ``start`` (1-based)."""
    group = min(int(options.get("group", DEFAULT_GROUP)), MAX_GROUP)
    query = {"startrecord": start, "endrecord": start + group - 1, "perpage": perpage}
    return f"{proxy}?{urlencode(query)}"


def page_url(proxy: str, page: int, perpage: int) -> str:
    """Return the dataproxy URL of page ``page`` (1-based), for servers paging by ``page=N``."""
    return f"{proxy}?{urlencode({'page': page, 'perpage': perpage})}"


def check_options(options: dict[str, Any]) -> list[str]:
    """Return what is wrong with a jpage column's options (empty when nothing is)."""
    problems = []
    group = options.get("group", DEFAULT_GROUP)
    if isinstance(group, int) and not 1 <= group <= MAX_GROUP:
        problems.append(f"group must be between 1 and {MAX_GROUP} (servers cap it), got {group}")
    if options.get("paging", "records") not in PAGING:
        problems.append(f"paging must be one of {PAGING}, got {options['paging']!r}")
    return problems
