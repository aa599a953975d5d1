"""Render the sample portal's pages the way Hanweb JCMS and TRS WCM sites do."""

from __future__ import annotations

import datetime as dt
from html import escape

SITE_NAME = "中国绍兴"


def art_path(column_id: int, article_id: int, when: dt.datetime) -> str:
    """Return a Hanweb article path; month and day are not zero-padded."""
    return f"/art/{when.year}/{when.month}/{when.day}/art_{column_id}_{article_id}.html"


def trs_path(base: str, article_id: int, when: dt.datetime) -> str:
    return f"{base}{when:%Y%m}/t{when:%Y%m%d}_{article_id}.html"


def list_item(href: str, title: str, when: dt.datetime) -> str:
    return (
        f'<li><a href="{escape(href)}" title="{escape(title)}" target="_blank">'
        f"{escape(title)}</a><span>{when:%Y-%m-%d}</span></li>"
    )


def _records(items: list[str]) -> str:
    return "".join(f"<record><![CDATA[{item}]]></record>\n" for item in items)


def jpage_column(column_id: int, name: str, items: list[str], total: int, proxy: str) -> str:
    """Return a column page with its first records embedded in a ``<datastore>``.

    The script declares the jpage unit as Hanweb JCMS pages do: the ``param_NNN`` object (the
    dataproxy's form fields) and ``proxyUrl``, next to the ``<nextgroup>`` link.
    """
    unit = 4001
    nextgroup = (
        f'<a href="{proxy}?page=1&appid=1&webid=1&path=/&columnid={column_id}&unitid={unit}'
        f'&webname={SITE_NAME}&permissiontype=0"></a>'
    )
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{escape(name)}_{SITE_NAME}</title>
<meta name="ColumnName" content="{escape(name)}"></head>
<body><div class="nav">首页 &gt; {escape(name)}</div>
<div id="{unit}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[{nextgroup}]]></nextgroup>
<recordset>
{_records(items)}</recordset></datastore></script>
<script language="javascript" src="/module/jpage/jpage.js"></script>
<script>var param_{unit} = {{col:1,appid:1,webid:1,path:'/',columnid:{column_id},
sourceContentType:1,unitid:'{unit}',webname:'{SITE_NAME}',permissiontype:0}};
$(function(){{ $('#{unit}').jpage({{ dataStore: null, proxyUrl: '{proxy}', perPage: 15,
totalRecord: {total}, groupSize: 3, ajaxParam: param_{unit} }}); }});</script></div>
</body></html>"""


def jpage_proxy_reply(items: list[str], total: int, perpage: int) -> str:
    pages = max(1, -(-total // perpage))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
        f"<totalrecord>{total}</totalrecord>\n<totalpage>{pages}</totalpage>\n"
        f"<recordset>\n{_records(items)}</recordset>\n</datastore>"
    )


def trs_list(name: str, items: list[str], count: int, index: int) -> str:
    """Return a TRS static list page, charset declared only in ``<meta>`` (GBK when served)."""
    return f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{escape(name)}</title></head>
<body><div class="list"><ul>
{"".join(items)}
</ul></div>
<div class="page"><script type="text/javascript">
var countPage = {count}
createPageHTML({count}, {index}, "index", "html");
</script></div></body></html>"""


def detail_meta(title: str, when: dt.datetime, source: str, column: str) -> str:
    """A detail page with the standard metadata tags (UTF-8)."""
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{escape(title)}_{SITE_NAME}</title>
<meta name="SiteName" content="{SITE_NAME}">
<meta name="ArticleTitle" content="{escape(title)}">
<meta name="pubdate" content="{when:%Y-%m-%d %H:%M}">
<meta name="ContentSource" content="{escape(source)}">
<meta name="ColumnName" content="{escape(column)}">
</head><body><div class="main"><h1>{escape(title)}</h1>
<div class="info">发布日期：{when:%Y-%m-%d} 信息来源：{escape(source)}
浏览次数：<span id="c">12</span></div>
<div class="content"><p>{escape(title)}。近日，{escape(source)}召开专题会议，
部署相关工作。</p></div>
</div></body></html>"""


def detail_text(title: str, when: dt.datetime, source: str, broken: bool = False) -> str:
    """A detail page with no metadata: the date and source only in the visible text."""
    tail = "<div><p><b>正文" if broken else "<div><p>正文。</p></div>"
    return f"""<html><head><meta charset="utf-8"><title>{escape(title)} - {SITE_NAME}</title>
</head><body><table><tr><td class="title">{escape(title)}</td></tr>
<tr><td class="info">发布时间：{when:%Y年%m月%d日 %H:%M}　　来源：{escape(source)}
　　【字号：大 中 小】</td></tr>
</table>{tail}</body></html>"""


def detail_gbk(title: str, when: dt.datetime, source: str) -> str:
    """A TRS detail page meant to be served GBK-encoded, charset only in ``<meta>``."""
    return f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{escape(title)}</title></head><body>
<div class="title"><h1>{escape(title)}</h1></div>
<div class="property">发布日期:{when:%Y-%m-%d %H:%M} 信息来源:{escape(source)}</div>
<div class="TRS_Editor"><p>绍兴讯 {escape(title)}。</p></div></body></html>"""


def challenge_page() -> str:
    """The JavaScript cookie challenge of a 加速乐-style WAF."""
    return (
        "<html><body><script>document.cookie=('__jsl_clearance=1577836800.123|0|'"
        "+'abc%3D');location.href=location.pathname+location.search</script></body></html>"
    )


def error_page() -> str:
    """The portal's error page, as real sites serve it (often with status 200: a soft 404)."""
    return """<!DOCTYPE html><html><head><meta charset="utf-8"><title>中国绍兴</title></head>
<body><div class="header"><a href="/">首页</a></div>
<div class="error"><h2>对不起，您访问的页面不存在或已被删除！</h2>
<p><a href="/">返回首页</a></p></div></body></html>"""
