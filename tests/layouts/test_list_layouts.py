"""List pages as Zhejiang's platforms serve them, read by the crawler's parsers."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from scrapy.http import HtmlResponse, TextResponse, XmlResponse

from crawler.disclosure import xxgk
from crawler.listing import ListEntry, jpaas, jpage
from samplesites.pages import jpaas as jpaas_pages
from samplesites.pages import xxgk as xxgk_pages

BASE = "http://127.0.0.1:8123"

# A classic jpage column page: two units (a sidebar and the list), the list's unit declared in
# its param_ object, the proxy on /module/jpage/ (not /module/web/jpage/).
JPAGE_COLUMN = """<html><head><meta charset="utf-8"></head><body>
<div id="4100"><script type="text/xml"><datastore><recordset>
<record><![CDATA[<li><a href="/art/2012/1/1/art_9_1.html">侧栏</a></li>]]></record>
</recordset></datastore></script></div>
<div id="4123"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/jpage/dataproxy.jsp?page=1&webid=3185&columnid=1231"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="/art/2012/3/5/art_1231_77.html" title="市教育局召开会议">市教育局…</a><span>[2012-03-05]</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2012/3/4/art_1231_76.html">市财政局部署工作</a><span>2012年3月4日</span></li>]]></record>
</recordset></datastore></script></div>
<script>var param_4100 = {col:1,webid:3185,path:'/',columnid:9,unitid:'4100'};
var param_4123 = {col:1,appid:1,webid:3185,path:'/',columnid:1231,sourceContentType:1,
  unitid:'4123',webname:'浙江省某市人民政府',permissiontype:0};
$('#4123').jpage({ proxyUrl:'/module/jpage/dataproxy.jsp', perPage:20, totalRecord:386,
  groupSize:3, ajaxParam: param_4123 });</script></body></html>"""  # noqa: E501


def _entry(n: int) -> ListEntry:
    return ListEntry(f"{BASE}/art/{n}.html", str(n), None)


def test_jpage_proxy_path_and_form_come_from_the_column_pages_script() -> None:
    url = f"{BASE}/col/col1231/index.html"
    listing = jpage.parse_column_page(HtmlResponse(url, body=JPAGE_COLUMN.encode()).text, url)
    assert listing.proxy_url == f"{BASE}/module/jpage/dataproxy.jsp" and listing.proxy_from_page
    assert listing.form == {
        "col": "1", "appid": "1", "webid": "3185", "path": "/", "columnid": "1231",
        "sourceContentType": "1", "unitid": "4123", "webname": "浙江省某市人民政府",
        "permissiontype": "0",
    }  # fmt: skip
    assert (listing.total_records, listing.per_page) == (386, 20)
    assert listing.entries[0].title == "市教育局召开会议"
    assert [e.listed_on for e in listing.entries[-2:]] == [
        dt.date(2012, 3, 5),
        dt.date(2012, 3, 4),
    ]


def test_jpage_without_proxy_url_guesses_and_knows_the_other_path() -> None:
    page = (
        JPAGE_COLUMN.replace("proxyUrl:'/module/jpage/dataproxy.jsp',", "")
        .replace("<nextgroup>", "<!--")
        .replace("</nextgroup>", "-->")
    )
    listing = jpage.parse_column_page(page, f"{BASE}/col/col1231/index.html")
    assert not listing.proxy_from_page
    assert listing.proxy_url == f"{BASE}/module/web/jpage/dataproxy.jsp"
    assert jpage.other_proxy(listing.proxy_url) == f"{BASE}/module/jpage/dataproxy.jsp"


def test_group_repeating_the_previous_groups_last_record_loses_it() -> None:
    group = [_entry(45), _entry(46), _entry(47)]
    assert jpage.drop_repeated(group, f"{BASE}/art/45.html") == group[1:]
    assert jpage.drop_repeated(group, f"{BASE}/art/44.html") == group
    assert jpage.drop_repeated([], f"{BASE}/art/44.html") == []


def test_jpage_asks_at_most_300_records_and_pages_when_told() -> None:
    proxy = f"{BASE}/module/jpage/dataproxy.jsp"
    assert jpage.records_url(proxy, 1, {"group": 300}, 15).endswith("endrecord=300&perpage=15")
    assert jpage.check_options({"group": 301}) == [
        "group must be between 1 and 300 (servers cap it), got 301"
    ]
    assert jpage.check_options({"paging": "pages"})
    assert jpage.page_url(proxy, 3, 20).endswith("?page=3&perpage=20")


def test_jpage_reply_in_the_samples_shape_reads_records_and_total() -> None:
    body = jpaas_pages.jpage_reply(
        [jpaas_pages.jpage_record("/art/2012/2/1/art_1231_60.html", "市民政局走访", "2012-02-01")],
        total=386,
        perpage=15,
    )
    url = f"{BASE}/module/jpage/dataproxy.jsp?startrecord=46"
    reply = jpage.parse_proxy_reply(XmlResponse(url, body=body.encode()).text, url)
    assert [(e.title, e.listed_on) for e in reply.entries] == [
        ("市民政局走访", dt.date(2012, 2, 1))
    ]
    assert reply.total_records == 386


QUERY = {"webId": "3185", "pageId": "p1", "tagId": "信息列表", "tplSetId": "t1"}
ITEMS = [(f"/art/2012/3/{d}/art_1229_{d}.html", f"第{d}条动态", f"2012-03-{d:02d}") for d in (9, 8)]


def test_jpaas_column_page_gives_its_items_pager_and_query_data() -> None:
    url = f"{BASE}/col/col1229/index.html"
    html = jpaas_pages.jpaas_column("部门动态", ITEMS, count=386, rows=15, query=QUERY)
    listing = jpaas.parse_column_page(HtmlResponse(url, body=html.encode()).text, url)
    assert [e.title for e in listing.entries] == ["第9条动态", "第8条动态"]  # not the menu
    assert (listing.count, listing.rows, listing.page_no) == (386, 15, 1)
    assert listing.query == QUERY
    assert listing.api_url == BASE + jpaas.UNIT_PATH
    assert jpaas.page_count(listing.count, listing.rows) == 26


def test_jpaas_page_url_in_query_or_in_param_json() -> None:
    api = BASE + jpaas.UNIT_PATH
    plain = jpaas.page_url(api, QUERY, 2, 15, {})
    assert "parseType=bulidstatic" in plain and "pageNo=2" in plain and "rows=15" in plain
    assert "webId=3185" in plain and "tagId=%E4%BF%A1%E6%81%AF%E5%88%97%E8%A1%A8" in plain
    in_json = jpaas.page_url(api, QUERY, 2, 15, {"paging": "param_json"})
    assert "paramJson=%7B%22pageNo%22%3A+2%2C+%22pageSize%22%3A+%2215%22%7D" in in_json
    assert "pageNo=2" not in in_json.replace("paramJson", "")


def test_jpaas_unit_reply_reads_json_html_and_refuses_a_failure() -> None:
    body = jpaas_pages.jpaas_unit_reply(ITEMS, count=386, rows=15, page=2, query=QUERY)
    url = BASE + jpaas.UNIT_PATH
    reply = jpaas.parse_unit_reply(TextResponse(url, body=body.encode()).text, url)
    assert [e.listed_on for e in reply.entries] == [dt.date(2012, 3, 9), dt.date(2012, 3, 8)]
    assert (reply.count, reply.page_no) == (386, 2)
    with pytest.raises(jpaas.JpaasReplyError, match="success=false"):
        jpaas.parse_unit_reply(json.dumps({"success": False, "message": "x"}), url)
    with pytest.raises(jpaas.JpaasReplyError, match="JSON"):
        jpaas.parse_unit_reply("<html>error</html>", url)


ROWS = [
    (
        "/art/2012/3/5/art_1300_12.html",
        "绍兴市发展和改革委员会关于安全生产的通知（3）",
        "2012-03-05",
    ),
    ("/art/2012/3/1/art_1302_13.html", "绍兴市教育局关于2012年4月1日起施行的通知", "2012-03-01"),
]


@pytest.mark.parametrize("render", [xxgk_pages.table_rows, xxgk_pages.list_items])
def test_xxgk_reply_in_either_row_layout_gives_titles_dates_and_pages(render) -> None:
    url = f"{BASE}/module/xxgk/search.jsp"
    body = render(ROWS, page=1, pages=4, total=38)
    entries = xxgk.parse_list(HtmlResponse(url, body=body.encode()).text, url)
    assert [(e.url, e.title, e.listed_on) for e in entries] == [
        (BASE + ROWS[0][0], ROWS[0][1], dt.date(2012, 3, 5)),
        (BASE + ROWS[1][0], ROWS[1][1], dt.date(2012, 3, 1)),
    ]
    assert xxgk.page_count(body) == 4
    assert [xxgk.link_column(e.url) for e in entries] == ["1300", "1302"]


def test_xxgk_catalogue_form_is_read_and_newer_platforms_get_the_ajax_header() -> None:
    fields = {"infotypeId": "", "jdid": "3185", "area": "002500001", "divid": "div1300",
              "sortfield": "compaltedate:0", "standardXxgk": "1"}  # fmt: skip
    url = f"{BASE}/col/col1300/index.html"
    search, found = xxgk.catalogue_form(xxgk_pages.catalogue_page("市发改委", fields), url)
    assert search == f"{BASE}/module/xxgk/search.jsp"
    assert {k: found[k] for k in fields} == fields
    options = {"form": fields}
    assert xxgk.headers_for(options) == {"X-Requested-With": "XMLHttpRequest"}
    assert xxgk.headers_for({"form": {**fields, "standardXxgk": "0"}}) == {}
    form = xxgk.form_for(options, 3)
    assert (form["currpage"], form["fbtime"], form["texttype"], form["area"]) == (
        "3", "-1", "0", "002500001",
    )  # fmt: skip
    script = (
        "<script>load('/module/xxgk/search.jsp?divid=div1&amp;area=002&amp;currpage=1')</script>"
    )
    assert xxgk.catalogue_form(script, url) == (search, {"divid": "div1", "area": "002"})


def test_jpaas_query_data_on_a_head_script_still_finds_the_dated_items() -> None:
    html = (
        '<html><head><script src="/unitbuild.js" url="/api-gateway/jpaas-publish-server/front/'
        "page/build/unit\" queryData=\"{'webId':'3185','pageId':'p9'}\"></script></head><body>"
        '<ul class="menu"><li><a href="/">首页</a></li></ul>'
        f'<div class="box"><ul>{jpaas_pages.jpaas_items(ITEMS)}</ul></div></body></html>'
    )
    listing = jpaas.parse_column_page(html, f"{BASE}/col/col1229/index.html")
    assert [e.title for e in listing.entries] == ["第9条动态", "第8条动态"]
    assert listing.query == {"webId": "3185", "pageId": "p9"} and listing.count is None
