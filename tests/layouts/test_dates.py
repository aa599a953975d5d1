"""Dates written every way: numeric, Chinese numerals, relative to the fetch, inside labels."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from parsel import Selector
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.coverage import ColumnCoverage
from crawler.dates import SHANGHAI, chinese_number, find_date, find_datetime, iter_dates
from crawler.incremental import ListWalk
from crawler.listing import item_date
from crawler.spiders.portal import PortalSpider
from tests.crawls import project_crawler

FETCHED = dt.datetime(2012, 3, 5, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai


@pytest.mark.parametrize(
    "text",
    [
        "2012-3-5",
        "2012/03/05",
        "2012.3.5",
        "2012年3月5日",
        "2012 年 03 月 05 日",
        "二〇一二年三月五日",
        "二○一二年三月五日",
        "２０１２－０３－０５",
        "20120305",
        "发布时间：2012-03-05 浏览次数：35",
        "[2012-03-05]",
        "2012年3月5号",
    ],
)
def test_every_way_of_writing_the_fifth_of_march_2012_reads_the_same(text: str) -> None:
    assert find_date(text) == dt.date(2012, 3, 5)


def test_time_is_kept_when_written_and_the_zone_is_the_sites() -> None:
    assert find_datetime("公开日期：2012-03-05 00:00:00") == dt.datetime(
        2012, 3, 5, tzinfo=SHANGHAI
    )
    assert find_datetime("发布时间:2013年02月04日 10:20") == dt.datetime(
        2013, 2, 4, 10, 20, tzinfo=SHANGHAI
    )


def test_chinese_numerals_read_tens_and_units() -> None:
    assert [chinese_number(t) for t in ("一", "十", "十二", "二十", "三十一")] == [
        1,
        10,
        12,
        20,
        31,
    ]
    assert chinese_number("十十") is None
    assert find_date("二〇一二年十二月三十一日") == dt.date(2012, 12, 31)
    assert find_date("二〇一二年二月三十日") is None  # no such day


def test_relative_dates_read_against_the_fetch_time_only_when_given_one() -> None:
    assert find_date("今天", now=FETCHED) == dt.date(2012, 3, 5)
    assert find_date("昨天 10:20", now=FETCHED) == dt.date(2012, 3, 4)
    assert find_datetime("3小时前", now=FETCHED) == dt.datetime(2012, 3, 5, 9, tzinfo=SHANGHAI)
    assert find_date("2天前", now=FETCHED) == dt.date(2012, 3, 3)
    assert find_date("今天") is None  # a detail page's 今天 is never guessed


def test_impossible_dates_and_index_numbers_are_not_dates() -> None:
    assert find_date("2012-02-30") is None
    assert find_date("索引号：002482429/2012-00123") is None
    assert find_date("第2012期") is None


def test_iter_dates_gives_every_date_with_where_it_was_written() -> None:
    text = "请于2012年3月15日前报送。二〇一二年三月一日"
    found = list(iter_dates(text))
    assert [f.value.date() for f in found] == [dt.date(2012, 3, 15), dt.date(2012, 3, 1)]
    assert text[found[1].start : found[1].end] == "二〇一二年三月一日"


def test_list_item_date_comes_from_outside_the_link_before_the_title() -> None:
    title = "关于2012年5月1日起调整收费的通知"
    item = Selector(text=f"<li><a href='/a.html'>{title}</a><span>2012-04-20</span></li>").xpath(
        "//li"
    )[0]
    assert item_date(item) == dt.date(2012, 4, 20)
    relative = Selector(text="<li><a href='/b.html'>通知</a><span>3小时前</span></li>")
    assert item_date(relative.xpath("//li")[0], now=FETCHED) == dt.date(2012, 3, 5)


TRS_AND_GENERIC = """name = "relative"
kind = "portal"
base_url = "http://127.0.0.1:8123"
[[column]]
key = "tzgg"
name = "通知公告"
list_kind = "trs"
url = "/tzgg/index.html"
[[column]]
key = "bmdt"
name = "部门动态"
list_kind = "generic"
url = "/bmdt/index.html"
[column.options]
item = "css:div.row"
date = "css:em"
"""


def test_trs_and_generic_list_callbacks_read_relative_dates_against_the_fetch_time(
    tmp_path: Path,
) -> None:
    path = tmp_path / "relative.toml"
    path.write_text(TRS_AND_GENERIC, encoding="utf-8")
    crawler = project_crawler(PortalSpider)
    spider = PortalSpider(site=str(path))
    spider._set_crawler(crawler)
    crawler.stats.open_spider()
    spider.recording.coverage = {c.key: ColumnCoverage(c.key) for c in spider.profile.columns}
    spider.walks = {c.key: ListWalk(full=True) for c in spider.profile.columns}
    spider.stored = lambda column, urls: {}  # type: ignore[method-assign]  # nothing stored yet
    spider.recording.clock = lambda: FETCHED  # the crawl clock, as EGOV_CLOCK would set it
    pages = {
        "tzgg": (
            spider.parse_trs_list,
            "<ul><li><a href='/tzgg/a.html'>通知一</a><span>今天</span></li>"
            "<li><a href='/tzgg/b.html'>通知二</a><span>3小时前</span></li>"
            "<li><a href='/tzgg/c.html'>通知三</a><span>2天前</span></li></ul>",
        ),
        "bmdt": (
            spider.parse_generic_list,
            "<div class='row'><a href='/bmdt/a.html'>动态一</a><em>昨天 10:20</em></div>",
        ),
    }
    listed = {}
    for key, (callback, body) in pages.items():
        column = spider.profile.column(key)
        request = spider.column_request(column, column.url, callback, meta={"list_index": 0})
        response = HtmlResponse(column.url, body=body.encode("utf-8"), request=request)
        for out in callback(response):
            if isinstance(out, Request) and out.meta.get("page_kind") == "detail":
                listed[out.meta["entry"].title] = out.meta["entry"].listed_on
    assert listed == {
        "通知一": dt.date(2012, 3, 5),
        "通知二": dt.date(2012, 3, 5),
        "通知三": dt.date(2012, 3, 3),
        "动态一": dt.date(2012, 3, 4),
    }
