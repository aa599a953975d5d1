"""Parsing on saved pages: list layouts, detail pages in every encoding, dates, identities."""

from __future__ import annotations

import datetime as dt

from scrapy.http import HtmlResponse, Response, XmlResponse

from crawler.dates import SHANGHAI, find_datetime, month_of
from crawler.detail import parse_detail
from crawler.disclosure import xxgk
from crawler.disclosure.metadata import parse_metadata
from crawler.listing import generic, jpaas, jpage, trs
from crawler.middlewares import is_antibot_challenge
from crawler.urls import canonical_url, identity_key
from samplesites.pages import portal as pages

WHEN = dt.datetime(2012, 3, 5, 10, 20, tzinfo=SHANGHAI)
BASE = "http://127.0.0.1:8123"

JPAGE_COLUMN = """<html><head><meta charset="utf-8"><title>部门动态_中国绍兴</title></head><body>
<div id="4001"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=1229&unitid=4001&webname=中国绍兴&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="/art/2012/3/5/art_1229_77.html" title="市教育局召开安全工作会议" target="_blank">市教育局召开安全…</a><span>[2012-03-05]</span></li>]]></record>
<record><![CDATA[<tr><td><a href='/art/2012/3/4/art_1229_76.html'>市财政局部署预算工作</a></td><td>2012年3月4日</td></tr>]]></record>
</recordset></datastore></script><script>var totalRecord = 120;</script></div></body></html>
"""  # noqa: E501

PROXY_REPLY = """<?xml version="1.0" encoding="UTF-8"?>
<datastore><totalrecord>120</totalrecord><totalpage>8</totalpage><recordset>
<record><![CDATA[<li><a href="/art/2012/2/1/art_1229_60.html">市民政局开展走访慰问</a><span>2012-02-01</span></li>]]></record>
</recordset></datastore>"""  # noqa: E501


def test_jpage_column_page_gives_embedded_records_total_and_dataproxy_form() -> None:
    url = f"{BASE}/col/col1229/index.html"
    response = HtmlResponse(url=url, body=JPAGE_COLUMN.encode("utf-8"))
    listing = jpage.parse_column_page(response.text, response.url)
    assert [e.url for e in listing.entries] == [
        f"{BASE}/art/2012/3/5/art_1229_77.html",
        f"{BASE}/art/2012/3/4/art_1229_76.html",
    ]
    assert (
        listing.entries[0].title == "市教育局召开安全工作会议"
    )  # the title attribute, not the cut text
    assert [e.listed_on for e in listing.entries] == [dt.date(2012, 3, 5), dt.date(2012, 3, 4)]
    assert listing.total_records == 120
    assert listing.proxy_url == f"{BASE}/module/web/jpage/dataproxy.jsp"
    assert listing.form["columnid"] == "1229" and listing.form["unitid"] == "4001"
    assert "page" not in listing.form
    assert jpage.records_url(listing.proxy_url, 46, {}, 15).endswith(
        "?startrecord=46&endrecord=90&perpage=15"
    )
    assert jpage.records_url(listing.proxy_url, 1, {"group": 5000}, 15).endswith(
        "?startrecord=1&endrecord=300&perpage=15"
    )
    assert jpage.page_url(listing.proxy_url, 4, 15).endswith("?page=4&perpage=15")


def test_dataproxy_xml_reply_gives_records_and_totals() -> None:
    url = f"{BASE}/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15"
    response = XmlResponse(url=url, body=PROXY_REPLY.encode("utf-8"))
    reply = jpage.parse_proxy_reply(response.text, response.url)
    assert [(e.url, e.listed_on) for e in reply.entries] == [
        (f"{BASE}/art/2012/2/1/art_1229_60.html", dt.date(2012, 2, 1))
    ]
    assert (reply.total_records, reply.total_pages) == (120, 8)


def test_trs_list_in_gbk_gives_entries_and_page_count() -> None:
    items = [pages.list_item("./201203/t20120305_9.html", "市环保局开展执法检查", WHEN)]
    body = pages.trs_list("政务动态", items, count=7, index=0).encode("gbk")
    response = HtmlResponse(url=f"{BASE}/zwgk/bmdt/index.html", body=body)
    entries = trs.parse_list(response.text, response.url)
    assert [(e.url, e.title) for e in entries] == [
        (f"{BASE}/zwgk/bmdt/201203/t20120305_9.html", "市环保局开展执法检查")
    ]
    assert trs.page_count(response.text) == 7
    assert trs.page_count("<script>var countPage = 3//共多少页</script>") == 3
    assert trs.page_count("<html>no script</html>") == 1
    assert trs.page_url(f"{BASE}/zwgk/bmdt/index.html", 2) == f"{BASE}/zwgk/bmdt/index_2.html"


def test_gbk_detail_page_with_charset_only_in_meta_parses() -> None:
    body = pages.detail_gbk("市环保局开展执法检查", WHEN, "绍兴市环境保护局").encode("gbk")
    response = HtmlResponse(url=f"{BASE}/x.html", body=body, headers={"Content-Type": "text/html"})
    fields = parse_detail(response.text)
    assert response.encoding in ("gb18030", "gbk", "gb2312")
    assert fields.title == "市环保局开展执法检查"
    assert fields.published_at == WHEN
    assert fields.source_text == "绍兴市环境保护局"


def test_meta_tag_detail_page_reads_metadata_case_insensitively() -> None:
    body = pages.detail_meta("市教育局召开会议", WHEN, "市教育局", "部门动态").encode("utf-8")
    fields = parse_detail(HtmlResponse(url=f"{BASE}/a.html", body=body).text)
    assert (fields.title, fields.published_at, fields.source_text) == (
        "市教育局召开会议",
        WHEN,
        "市教育局",
    )
    assert (fields.column_name, fields.method) == ("部门动态", "meta")


def test_text_only_detail_page_reads_full_width_labels() -> None:
    body = pages.detail_text("市民政局走访慰问困难群众", WHEN, "市民政局").encode("utf-8")
    fields = parse_detail(HtmlResponse(url=f"{BASE}/b.html", body=body).text)
    assert fields.title == "市民政局走访慰问困难群众"
    assert fields.published_at == WHEN
    assert fields.source_text == "市民政局"
    assert fields.method == "text"


def test_broken_html_and_half_width_labels_still_parse() -> None:
    body = (
        "<html><body><h1>市科技局开展科普活动<div>发布时间:2013年02月04日 来源:市科技局<p><b>正文"
    )
    fields = parse_detail(HtmlResponse(url=f"{BASE}/c.html", body=body.encode("utf-8")).text)
    assert fields.published_at == dt.datetime(2013, 2, 4, tzinfo=SHANGHAI)
    assert fields.source_text == "市科技局"
    assert fields.title is not None and fields.title.startswith("市科技局开展科普活动")


def test_date_text_is_extracted_before_parsing() -> None:
    assert find_datetime("发布时间:2013年02月04日") == dt.datetime(2013, 2, 4, tzinfo=SHANGHAI)
    assert find_datetime("日期：２０１２－０３－０５　１０：２０") == WHEN
    assert find_datetime("2012-02-30 and 2012-03-01") == dt.datetime(2012, 3, 1, tzinfo=SHANGHAI)
    assert find_datetime("no date here") is None


def test_2359_on_the_31st_and_0001_on_the_1st_land_in_different_months() -> None:
    late = dt.datetime(2012, 1, 31, 23, 59, tzinfo=SHANGHAI)
    early = dt.datetime(2012, 2, 1, 0, 1, tzinfo=SHANGHAI)
    assert (month_of(late), month_of(early)) == ("2012-01", "2012-02")
    # The same instants in UTC are both on Jan 31: the month is taken in Asia/Shanghai.
    assert month_of(early.astimezone(dt.UTC)) == "2012-02"


def test_one_article_under_two_column_urls_has_one_identity() -> None:
    one = identity_key("市教育局召开会议", WHEN, "教育局")
    same = identity_key(" 市教育局召开会议 ", WHEN.astimezone(dt.UTC), "教育局")
    other_source = identity_key("市教育局召开会议", WHEN, "财政局")
    assert one == same != other_source


def test_canonical_url_drops_fragment_session_and_moves_to_declared_site() -> None:
    url = f"{BASE}/art/2012/3/5/art_1229_77.html;jsessionid=ABC?b=2&a=1#top"
    assert canonical_url(url, crawl_base=BASE + "/", site_base="https://www.sx.gov.cn/") == (
        "https://www.sx.gov.cn/art/2012/3/5/art_1229_77.html?a=1&b=2"
    )
    elsewhere = "http://www.xinhuanet.com/a.html"
    assert (
        canonical_url(elsewhere, crawl_base=BASE, site_base="https://www.sx.gov.cn/") == elsewhere
    )


def test_anti_bot_challenge_is_recognised_and_a_normal_page_is_not() -> None:
    challenge = Response(
        url=f"{BASE}/col/col1229/index.html",
        status=521,
        body=pages.challenge_page().encode(),
        headers={"Set-Cookie": "__jsluid_h=0123; path=/"},
    )
    disguised = Response(
        url=f"{BASE}/", status=200, body=b"<script>document.cookie='__jsl_clearance=1'</script>",
        headers={"Set-Cookie": "__jsluid_s=9; path=/"},
    )  # fmt: skip
    normal = HtmlResponse(url=f"{BASE}/", body=JPAGE_COLUMN.encode("utf-8"))
    assert is_antibot_challenge(challenge)
    assert is_antibot_challenge(disguised)
    assert not is_antibot_challenge(normal)


def test_a_page_whose_text_is_json_is_read_as_html_and_finds_nothing() -> None:
    # A server may answer an article or list URL with a JSON error body; read as JSON by
    # parsel's guess, every XPath on it would raise instead of finding no title or date.
    body = '{"success": false, "message": "文章不存在"}'
    fields = parse_detail(body)
    assert (fields.title, fields.published_at, fields.method) == (None, None, "none")
    assert trs.parse_list(body, BASE) == []
    assert generic.parse_list(body, BASE, {"item": "css:li", "next": "css:a.next"}) == []
    assert generic.next_page(body, BASE, {"next": "css:a.next"}) is None
    assert jpage.parse_column_page(body, f"{BASE}/col/col1229/index.html").entries == []
    assert jpaas.parse_column_page(body, f"{BASE}/col/col1229/index.html").entries == []
    assert xxgk.parse_list(body, BASE) == []
    assert parse_metadata(body).has_table is False


def test_a_list_item_selector_picking_text_instead_of_elements_finds_no_entries() -> None:
    page = "<ul><li><a href='/a.html'>通知</a><span>2012-03-05</span></li></ul>"
    assert generic.parse_list(page, BASE, {"item": "xpath://li/span/text()"}) == []
    assert generic.parse_list(page, BASE, {"item": "css:li"})[0].listed_on == dt.date(2012, 3, 5)
