"""Render the pages of a Hanweb 信息公开 platform as the city's departments really publish them.

The catalogue page of each department posts a hidden form to ``/module/xxgk/search.jsp``;
replies come in the old table layout (``tr.tr_main_value_odd|even``) or the newer list layout
(``div.zfxxgk_list_con``). Detail pages carry the metadata table of the newer templates
(索引号, 主题分类, 发布机构, 公开日期 with a time, 有效性, 发文字号: most without 成文日期),
and the body ends with the 落款, the attachment note before it and an attachment after it.
"""

from __future__ import annotations

import datetime as dt
from html import escape

PLATFORM_NAME = "某市政府信息公开平台"
CN_DIGITS = "〇一二三四五六七八九"


def chinese_date(day: dt.date) -> str:
    """二〇一二年三月一日: the year digit by digit, month and day as numbers."""

    def number(n: int) -> str:
        tens, units = divmod(n, 10)
        head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
        return head + (CN_DIGITS[units] if units else "") if n >= 10 else CN_DIGITS[n]

    year = "".join(CN_DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{number(day.month)}月{number(day.day)}日"


def catalogue_tree(entries: list[tuple[str, str]]) -> str:
    """The platform's home: a tree of every unit's catalogue (href, name as shown)."""
    links = "".join(
        f'<li><a href="{escape(h)}" target="_self">{escape(n)}</a></li>' for h, n in entries
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{PLATFORM_NAME}</title>
</head><body><div class="top"><a href="/">首页</a> <a href="/col/col2/index.html">公开指南</a></div>
<div class="xxgk_tree"><h3>部门信息公开目录</h3><ul>{links}</ul></div>
<div class="footer">版权所有 {PLATFORM_NAME}</div></body></html>"""


def guide() -> str:
    return f"""<html><head><meta charset="utf-8"><title>公开指南</title></head><body>
<div class="content"><p>{PLATFORM_NAME}公开指南。</p></div></body></html>"""


def catalogue_page(name: str, fields: dict[str, str]) -> str:
    """A unit's catalogue page: the list is loaded by posting the hidden form."""
    hidden = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items()
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{escape(name)}_{PLATFORM_NAME}</title>
<script src="/module/xxgk/script/dynamic.js"></script></head><body>
<div class="crumb"><a href="/">首页</a> &gt; {escape(name)}</div>
<form id="xxgk_search" action="/module/xxgk/search.jsp" method="post">{hidden}
<input type="text" name="vc_title" value=""><input type="text" name="vc_number" value="">
<input type="submit" value="搜索"></form>
<div id="{escape(fields.get("divid", "div"))}"></div>
<div class="footer">版权所有 {PLATFORM_NAME}</div></body></html>"""


def table_rows(rows: list[tuple[str, str, str]], page: int, pages: int, total: int) -> str:
    """The old reply layout: rows of (href, title, date), title cut in the cell."""
    body = "".join(
        f'<tr class="tr_main_value_{"odd" if i % 2 == 0 else "even"}">'
        f'<td>{i + 1}</td><td><a href="{escape(h)}" title="{escape(t)}" target="_blank">'
        f"{escape(t[:14])}…</a></td><td>{escape(d)}</td></tr>"
        for i, (h, t, d) in enumerate(rows)
    )
    return f"""<table class="tb_xxgk"><tr class="tr_title"><td>序号</td><td>名称</td>
<td>公开日期</td></tr>{body}</table>
<table><tr><td class="tb_title">共{total}条记录 第{page}页 共{pages}页</td></tr></table>"""


def list_items(rows: list[tuple[str, str, str]], page: int, pages: int, total: int) -> str:
    """The newer reply layout: ``div.zfxxgk_list_con`` items of (href, title, date)."""
    items = "".join(
        f'<li><a href="{escape(h)}" target="_blank">{escape(t)}</a><span>{escape(d)}</span></li>'
        for h, t, d in rows
    )
    return f"""<div class="zfxxgk_list_con"><ul>{items}</ul></div>
<div class="zfxxgk_page">共{total}条 当前第{page}页 共{pages}页</div>"""


def detail(
    *,
    title: str,
    index_no: str,
    issuer: str | None,
    published: dt.date,
    doc_number: str,
    signed_in_table: dt.date | None,
    signature: str | None,
    broken: bool,
) -> str:
    """A document's page; ``signature`` is the 落款 date as written, or None (no date at all)."""
    rows = [("索引号", index_no), ("主题分类", "综合政务/通知")]
    if issuer is not None:
        rows.append(("发布机构", issuer))
    rows.append(("公开日期", f"{published:%Y-%m-%d} 00:00:00"))
    if signed_in_table is not None:
        rows.append(("成文日期", f"{signed_in_table:%Y-%m-%d}"))
    rows += [("有效性", "有效"), ("发文字号", doc_number)]
    cells = "".join(
        f"<tr><td class='label'>{escape(k)}：</td><td>{escape(v)}</td></tr>" for k, v in rows
    )
    closing = (
        f"<p style='text-align:right'>{escape(issuer or '')}</p>"
        f"<p style='text-align:right'>{escape(signature)}</p>"
        if signature
        else ""
    )
    body = (
        "<p>各有关单位：</p><p>请于<span>2012年12月31日</span>前将有关情况报送。</p>"
        "<p>附件：1.工作细则（2012年2月20日修订）</p>"
        f"{closing}<p>（此件公开发布）</p>"
        "<p>附件1</p><p>工作细则</p><p style='text-align:right'>2012年2月20日</p>"
    )
    head = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title>
</head><body><div class="crumb">首页 &gt; 信息公开</div>
<table class="xxgk_table">{cells}</table><h1 class="title">{escape(title)}</h1>"""
    tail = """<div class="related">相关文件</div><ul><li><a href="/">其他文件</a>
<span>2012-01-05</span></li></ul><div class="footer">版权所有 Copyright 2012</div>"""
    if broken:
        # The template closes the page before the article: lxml drops what follows.
        return f"{head}<div id='zoom'><p>通知如下。</p></div></body></html>{body}{tail}"
    return f"{head}<div id='zoom'>{body}</div>{tail}</body></html>"
