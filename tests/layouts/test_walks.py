"""Walking jpage and JPaaS lists to their end: repetition, caps, wrong paths, announced totals."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy import FormRequest, Request
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse

from crawler.coverage import ColumnCoverage
from crawler.incremental import ListWalk
from crawler.spiders.portal import PortalSpider
from samplesites.pages import jpaas as pages
from tests.crawls import project_crawler

BASE = "http://127.0.0.1:8123"
PROFILE = f"""name = "walks"
kind = "portal"
base_url = "{BASE}"
[[column]]
key = "tzgg"
name = "通知公告"
list_kind = "jpage"
url = "/col/col1231/index.html"
[[column]]
key = "bmdt"
name = "部门动态"
list_kind = "jpaas"
url = "/col/col1229/index.html"
[[column]]
key = "zxdt"
name = "最新动态"
list_kind = "generic"
url = "/zxdt/index.html"
[column.options]
item = "css:ul.list li"
next = "xpath://a[text()='下一页']/@href"
"""
QUERY = {"webId": "3185", "pageId": "p1", "tagId": "信息列表", "tplSetId": "t1"}


@pytest.fixture
def spider(tmp_path: Path) -> PortalSpider:
    """A portal spider walking whole lists, with its coverage but no database."""
    path = tmp_path / "walks.toml"
    path.write_text(PROFILE, encoding="utf-8")
    crawler = project_crawler(PortalSpider)
    spider = PortalSpider(site=str(path))
    spider._set_crawler(crawler)
    crawler.stats.open_spider()
    spider.recording.coverage = {c.key: ColumnCoverage(c.key) for c in spider.profile.columns}
    spider.walks = {c.key: ListWalk(full=True) for c in spider.profile.columns}
    spider.stored = lambda column, urls: {}  # type: ignore[method-assign]  # nothing stored yet
    return spider


def record(n: int) -> str:
    return pages.jpage_record(f"/art/2012/3/1/art_1231_{n}.html", f"通知{n}", "2012-03-01")


def column_page(embedded: list[int], total: int, proxy: str | None) -> str:
    html = pages.jpage_column(
        "通知公告", 1231, 4123, [record(n) for n in embedded], total, proxy or ""
    )
    if proxy is None:  # an old template: neither proxyUrl nor a nextgroup link
        html = html.replace("proxyUrl: '',", "").replace("<nextgroup>", "<!--")
        html = html.replace("</nextgroup>", "-->")
    return html


def respond(request: Request, body: str, status: int = 200, kind: type = HtmlResponse) -> Response:
    return kind(request.url, status=status, body=body.encode("utf-8"), request=request)


def first(spider: PortalSpider, key: str) -> Request:
    column = spider.profile.column(key)
    return spider.column_request(column, column.url, spider.parse_jpage_column, meta={})


def split(out: list) -> tuple[list[Request], list[Request]]:
    out = [r for r in out if isinstance(r, Request)]
    details = [r for r in out if r.meta.get("page_kind") == "detail"]
    lists = [r for r in out if r.meta.get("page_kind") == "list"]
    return details, lists


def test_jpage_walk_drops_repeated_records_moves_on_by_what_came_and_ends_at_the_total(
    spider: PortalSpider,
) -> None:
    page = respond(first(spider, "tzgg"), column_page([1, 2, 3], 8, "/module/jpage/dataproxy.jsp"))
    details, lists = split(list(spider.parse_jpage_column(page)))
    assert len(details) == 3 and len(lists) == 1
    proxy = lists[0]
    assert isinstance(proxy, FormRequest) and proxy.method == "POST"
    assert urlsplit(proxy.url).path == "/module/jpage/dataproxy.jsp"
    assert parse_qs(urlsplit(proxy.url).query)["startrecord"] == ["4"]
    assert parse_qs(proxy.body.decode())["unitid"] == ["4123"]
    # The server repeats record 3 and, capped, sends two new records instead of 45.
    reply = respond(
        proxy, pages.jpage_reply([record(n) for n in (3, 4, 5)], 8, 15), kind=XmlResponse
    )
    details, lists = split(list(spider.parse_jpage_proxy(reply)))
    assert [d.url.rsplit("_", 1)[1] for d in details] == ["4.html", "5.html"]
    assert parse_qs(urlsplit(lists[0].url).query)["startrecord"] == ["6"]
    reply = respond(
        lists[0], pages.jpage_reply([record(n) for n in (5, 6, 7, 8)], 8, 15), kind=XmlResponse
    )
    details, lists = split(list(spider.parse_jpage_proxy(reply)))
    assert len(details) == 3 and lists == []
    coverage = spider.coverage("tzgg")
    assert coverage.entries == 8 and coverage.finished_walk
    assert coverage.shortfall is None and coverage.status() == "complete"


def test_jpage_walk_short_of_the_announced_total_marks_the_column_incomplete(
    spider: PortalSpider,
) -> None:
    page = respond(first(spider, "tzgg"), column_page([1, 2], 10, "/module/jpage/dataproxy.jsp"))
    _, lists = split(list(spider.parse_jpage_column(page)))
    reply = respond(
        lists[0], pages.jpage_reply([record(n) for n in (2, 3, 4)], 10, 15), kind=XmlResponse
    )
    _, lists = split(list(spider.parse_jpage_proxy(reply)))
    empty = respond(lists[0], pages.jpage_reply([], 10, 15), kind=XmlResponse)
    assert list(spider.parse_jpage_proxy(empty)) == []
    coverage = spider.coverage("tzgg")
    assert coverage.shortfall == (4, 10)
    assert coverage.status() == "partial"
    assert "collected 4 of the 10 records the list announced" in (coverage.message() or "")


def test_guessed_proxy_path_answering_404_is_tried_at_the_other_path(spider: PortalSpider) -> None:
    page = respond(first(spider, "tzgg"), column_page([1], 5, None))
    _, lists = split(list(spider.parse_jpage_column(page)))
    guessed = lists[0]
    assert urlsplit(guessed.url).path == "/module/web/jpage/dataproxy.jsp"
    assert guessed.meta["handle_httpstatus_list"] == [404]
    _, lists = split(list(spider.parse_jpage_proxy(respond(guessed, "not found", status=404))))
    assert urlsplit(lists[0].url).path == "/module/jpage/dataproxy.jsp"
    assert "handle_httpstatus_list" not in lists[0].meta  # a second 404 is a failure
    assert "answered 404" in (spider.coverage("tzgg").message() or "")


def jpaas_first(spider: PortalSpider) -> Request:
    column = spider.profile.column("bmdt")
    return spider.column_request(column, column.url, spider.parse_jpaas_column, meta={})


def items(numbers: range) -> list[tuple[str, str, str]]:
    return [(f"/art/2012/3/1/art_1229_{n}.html", f"动态{n}", "2012-03-01") for n in numbers]


def test_jpaas_walk_reads_pages_to_the_count_and_compares(spider: PortalSpider) -> None:
    html = pages.jpaas_column("部门动态", items(range(1, 3)), count=5, rows=2, query=QUERY)
    _, lists = split(list(spider.parse_jpaas_column(respond(jpaas_first(spider), html))))
    assert parse_qs(urlsplit(lists[0].url).query)["pageNo"] == ["2"]
    for page, numbers in ((2, range(3, 5)), (3, range(5, 6))):
        body = pages.jpaas_unit_reply(items(numbers), count=5, rows=2, page=page, query=QUERY)
        out = list(spider.parse_jpaas_page(respond(lists[0], body, kind=TextResponse)))
        _, lists = split(out)
    assert lists == []
    coverage = spider.coverage("bmdt")
    assert (coverage.entries, coverage.status(), coverage.shortfall) == (5, "complete", None)


def test_jpaas_server_answering_page_one_again_stops_and_names_the_option(
    spider: PortalSpider,
) -> None:
    html = pages.jpaas_column("部门动态", items(range(1, 3)), count=6, rows=2, query=QUERY)
    _, lists = split(list(spider.parse_jpaas_column(respond(jpaas_first(spider), html))))
    again = pages.jpaas_unit_reply(items(range(1, 3)), count=6, rows=2, page=1, query=QUERY)
    assert list(spider.parse_jpaas_page(respond(lists[0], again, kind=TextResponse))) == []
    coverage = spider.coverage("bmdt")
    assert coverage.list_failures == 1 and coverage.status() == "partial"
    assert "options.paging = 'param_json'" in (coverage.message() or "")


def test_jpaas_column_page_rendering_no_items_asks_the_endpoint_for_page_one(
    spider: PortalSpider,
) -> None:
    html = pages.jpaas_column("部门动态", [], count=3, rows=2, query=QUERY)
    _, lists = split(list(spider.parse_jpaas_column(respond(jpaas_first(spider), html))))
    assert parse_qs(urlsplit(lists[0].url).query)["pageNo"] == ["1"]


def generic_page(numbers: range, following: str | None) -> str:
    rows = "".join(
        f"<li><a href='/zxdt/a{n}.html'>动态{n}</a><span>2012-03-0{n}</span></li>" for n in numbers
    )
    link = f"<a href='{following}'>下一页</a>" if following else ""
    return f"<html><body><ul class='list'>{rows}</ul>{link}</body></html>"


def test_generic_walk_follows_the_next_link_read_from_the_same_page(spider: PortalSpider) -> None:
    column = spider.profile.column("zxdt")
    request = spider.column_request(column, column.url, spider.parse_generic_list, meta={})
    out = list(
        spider.parse_generic_list(respond(request, generic_page(range(1, 3), "index_1.html")))
    )
    details, lists = split(out)
    assert [d.url for d in details] == [f"{BASE}/zxdt/a1.html", f"{BASE}/zxdt/a2.html"]
    assert [r.url for r in lists] == [f"{BASE}/zxdt/index_1.html"]
    details, lists = split(
        list(spider.parse_generic_list(respond(lists[0], generic_page(range(3, 4), None))))
    )
    assert len(details) == 1 and lists == []
    coverage = spider.coverage("zxdt")
    assert (coverage.entries, coverage.finished_walk, coverage.status()) == (3, True, "complete")
