"""Render the pages of a portal on Hanweb's JPaaS platform, with one classic jpage column left.

The shapes follow what public crawlers of Zhejiang sites meet: a JPaaS column page renders its
first page of items and a pager carrying ``count``, ``rows``, ``pageNo`` and ``queryData``;
later pages are JSON from ``build/unit``. The classic jpage column declares its unit in a
``param_NNN`` object and ``proxyUrl`` (``/module/jpage/``, not ``/module/web/jpage/``).
"""

from __future__ import annotations

import json
from html import escape

SITE_NAME = "浙江省某市人民政府"
UNIT_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"


def home(columns: list[tuple[str, str]], other_links: list[tuple[str, str]]) -> str:
    """The home page: a navigation bar of columns, plus links that are not lists."""
    nav = "".join(f'<li><a href="{escape(u)}">{escape(n)}</a></li>' for u, n in columns)
    more = "".join(f'<a href="{escape(u)}">{escape(n)}</a> ' for u, n in other_links)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{SITE_NAME}</title>
</head><body><div class="header"><ul class="nav">{nav}</ul></div>
<div class="links">{more}</div><div class="footer">版权所有 {SITE_NAME}</div></body></html>"""


def about() -> str:
    """A page of the site that is not a list: discovery must skip it."""
    return f"""<html><head><meta charset="utf-8"><title>网站介绍_{SITE_NAME}</title></head>
<body><div class="content"><p>本网站由市政府办公室主办。</p></div></body></html>"""


def jpaas_items(items: list[tuple[str, str, str]]) -> str:
    """``<li>`` items of (href, title, date text)."""
    return "".join(
        f'<li><a href="{escape(h)}" title="{escape(t)}" target="_blank">{escape(t[:18])}</a>'
        f"<span>{escape(d)}</span></li>"
        for h, t, d in items
    )


def _pager(count: int, rows: int, page: int, query: dict[str, str]) -> str:
    data = escape(json.dumps(query, ensure_ascii=False).replace('"', "'"))
    return (
        f'<div class="pagination" id="pager" count="{count}" rows="{rows}" pageNo="{page}" '
        f'url="{UNIT_PATH}" queryData="{data}"></div>'
    )


def jpaas_column(
    name: str, items: list[tuple[str, str, str]], count: int, rows: int, query: dict[str, str]
) -> str:
    """A JPaaS column page: menu, the first page of items, the pager with its query data."""
    menu = (
        '<ul class="menu"><li><a href="/">首页</a></li><li><a href="/col/col9/">关于</a></li></ul>'
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{escape(name)}_{SITE_NAME}</title>
<script src="/module/jpaas/jpaas-publish-sdk/unitbuild.js"></script></head><body>
{menu}<div class="crumb">首页 &gt; {escape(name)}</div>
<div class="list-box"><ul class="list">{jpaas_items(items)}</ul>
{_pager(count, rows, 1, query)}</div>
<div class="footer">版权所有 {SITE_NAME}</div></body></html>"""


def jpaas_unit_reply(
    items: list[tuple[str, str, str]], count: int, rows: int, page: int, query: dict[str, str]
) -> str:
    """The JSON ``build/unit`` answers: the page's items and its pager."""
    html = f'<ul class="list">{jpaas_items(items)}</ul>{_pager(count, rows, page, query)}'
    return json.dumps({"success": True, "code": "200", "data": {"html": html}}, ensure_ascii=False)


def jpaas_unit_error(message: str) -> str:
    return json.dumps({"success": False, "code": "500", "message": message}, ensure_ascii=False)


def jpage_record(href: str, title: str, date: str) -> str:
    return (
        f'<li><a href="{escape(href)}" title="{escape(title)}" target="_blank">'
        f"{escape(title)}</a><span>[{escape(date)}]</span></li>"
    )


def _records(items: list[str]) -> str:
    return "".join(f"<record><![CDATA[{item}]]></record>\n" for item in items)


def jpage_column(
    name: str, column_id: int, unit_id: int, items: list[str], total: int, proxy: str
) -> str:
    """A classic jpage column page: ``<datastore>``, the ``param_`` object and ``proxyUrl``."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{escape(name)}_{SITE_NAME}</title></head><body>
<div class="crumb">首页 &gt; {escape(name)}</div>
<div id="{unit_id}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{proxy}?page=1&appid=1&webid=3185&path=/&columnid={column_id}&unitid={unit_id}"></a>]]></nextgroup>
<recordset>
{_records(items)}</recordset></datastore></script></div>
<script type="text/javascript">
var param_{unit_id} = {{col:1,appid:1,webid:3185,path:'/',columnid:{column_id},sourceContentType:1,unitid:'{unit_id}',webname:'{SITE_NAME}',permissiontype:0}};
$(document).ready(function(){{ $('#{unit_id}').jpage({{
  dataStore: null, perPage: 15, groupSize: 3, totalRecord: {total},
  proxyUrl: '{proxy}', ajaxParam: param_{unit_id}, pageNoStr: 'pageNo' }}); }});
</script></body></html>"""  # noqa: E501


def jpage_reply(items: list[str], total: int, perpage: int) -> str:
    pages = max(1, -(-total // perpage))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
        f"<totalrecord>{total}</totalrecord>\n<totalpage>{pages}</totalpage>\n"
        f"<recordset>\n{_records(items)}</recordset>\n</datastore>"
    )
