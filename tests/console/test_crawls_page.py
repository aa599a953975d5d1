"""The crawl status page: each site's last runs with their health, and the month's coverage."""

from __future__ import annotations


def test_the_crawl_status_page_shows_each_site_and_the_coverage(open_console):
    html = open_console("view").client.get("/crawls").text
    assert "<h1>采集状态</h1>" in html and "2012年逐月采集覆盖" in html
    assert 'class="runs"' in html


def test_a_liaison_has_no_crawl_status_page(open_console):
    assert open_console("liaison").client.get("/crawls").status_code == 403
