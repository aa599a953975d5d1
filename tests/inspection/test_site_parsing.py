"""Profiles name column categories and what to probe; pages give their links and newest item."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.inspection.homepage import newest_item_date
from crawler.inspection.links import page_links
from crawler.inspection.site import DEFAULT_HOME_ITEMS, inspection_settings
from crawler.profiles import ProfileError, load_profile, parse_profile
from crawler.recording import sync_site
from db.models import SiteColumn
from samplesites import sample_profile

BASE = {
    "name": "测试",
    "kind": "portal",
    "base_url": "http://www.example.gov.cn",
    "column": [
        {
            "key": "tzgg",
            "name": "通知公告",
            "list_kind": "trs",
            "url": "/tzgg/",
            "category": "notice",
        },
        {"key": "bmdt", "name": "部门动态", "list_kind": "trs", "url": "/bmdt/"},
    ],
}


def test_a_column_category_is_read_and_mirrored_into_site_columns(session):
    profile = load_profile(sample_profile("sample-inspect"))
    assert profile.column("nb").category == "annual_report"
    _, ids = sync_site(session, profile)
    assert session.get(SiteColumn, ids["wsdc"]).category == "interactive"
    assert parse_profile("t", BASE).column("bmdt").category is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"column": [{**BASE["column"][0], "category": 3}]},
            "t: column #1 (tzgg) › category: Input should be a valid string",
        ),
        ({"inspection": {"probe_column": ["tzgg"]}}, "t: inspection › probe_column: unknown key"),
        ({"inspection": {"probe_columns": ["zcwj"]}}, "probe_columns names no column 'zcwj'"),
    ],
)
def test_a_mistake_in_the_inspection_keys_of_a_profile_is_one_line(change, message):
    with pytest.raises(ProfileError) as raised:
        parse_profile("t", {**BASE, **change})
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_the_sites_own_hosts_are_its_crawl_and_declared_hosts_and_its_object_storage():
    profile = parse_profile(
        "t",
        {**BASE, "inspection": {"site_hosts": ["sxoss.oss-cn-hangzhou.aliyuncs.com"]}},
        base_url="http://127.0.0.1:8080",
    )
    settings = inspection_settings(profile, ("cdn.example.gov.cn",))
    assert settings.home_url == "http://127.0.0.1:8080/"
    assert settings.home_items == DEFAULT_HOME_ITEMS
    for url in (
        "http://www.example.gov.cn/a.html",
        "http://127.0.0.1:8080/a.html",
        "https://sxoss.oss-cn-hangzhou.aliyuncs.com/files/x.pdf",
        "http://cdn.example.gov.cn/logo.png",
    ):
        assert settings.is_site_host(url), url
    assert not settings.is_site_host("http://www.gov.cn/")


def test_another_port_on_the_crawl_host_is_another_site():
    profile = parse_profile("t", BASE, base_url="http://127.0.0.1:8080")
    settings = inspection_settings(profile, ("127.0.0.2", "127.0.0.3:9000"))
    assert settings.is_site_host("http://127.0.0.1:8080/a.html")
    assert not settings.is_site_host("http://127.0.0.1:8081/a.html")
    assert not settings.is_site_host("http://127.0.0.1/a.html")
    assert settings.is_site_host("http://127.0.0.2:5555/bucket/x.pdf")  # no port: any port
    assert settings.is_site_host("http://127.0.0.3:9000/x.pdf")
    assert not settings.is_site_host("http://127.0.0.3:9001/x.pdf")


def test_page_links_are_pages_images_and_attachments_without_scripts_or_mail():
    html = """<html><head><base href="/sub/"></head><body>
      <img src="logo.png"><a href="logo.png">logo</a>
      <a href="guide.PDF#page=2">办事指南</a> <a href="news.html">新闻</a>
      <a href="javascript:void(0)">x</a> <a href="mailto:a@b.cn">mail</a> <a href="#top">top</a>
      <a href="http://www.gov.cn/">中国政府网</a> <iframe src="/map.html"></iframe>
    </body></html>"""
    links = {(link.url, link.kind) for link in page_links(html, "http://example.gov.cn/index.html")}
    assert links == {
        ("http://example.gov.cn/sub/logo.png", "image"),
        ("http://example.gov.cn/sub/guide.PDF", "attachment"),
        ("http://example.gov.cn/sub/news.html", "page"),
        ("http://www.gov.cn/", "page"),
        ("http://example.gov.cn/map.html", "page"),
    }


def test_the_newest_home_item_ignores_undated_links_footers_and_future_dates():
    html = """<div>今天是2019年03月20日</div>
      <ul><li><a href="/a">要闻</a><span>2019-03-06</span></li>
          <li><a href="/b">通知</a> 2019年02月01日</li>
          <li><a href="/c">预告</a><span>2019-04-01</span></li>
          <li><a href="/d">无日期</a></li></ul>
      <footer>© 2019 版权所有 2019-03-19</footer>"""
    assert newest_item_date(html, DEFAULT_HOME_ITEMS, dt.date(2019, 3, 20)) == dt.date(2019, 3, 6)
    assert newest_item_date("<p>2019-03-01</p>", DEFAULT_HOME_ITEMS, dt.date(2019, 3, 20)) is None
