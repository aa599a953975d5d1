"""`sites discover` proposes what the national inspection needs, marked for review."""

from __future__ import annotations

import tomllib

from crawler.onboarding.categories import propose_category
from crawler.onboarding.discover import discover
from crawler.onboarding.fetch import Page
from crawler.onboarding.writer import render_profile
from crawler.profiles import parse_profile

BASE = "http://127.0.0.1:9"
COLUMNS = {
    "/col/col1/index.html": ("工作动态", 3),
    "/col/col2/index.html": ("通知公告", 2),
    "/col/col3/index.html": ("规范性文件", 1),
    "/col/col4/index.html": ("政府信息公开年报", 1),
    "/col/col5/index.html": ("市长信箱", 0),
    "/col/col6/index.html": ("专题专栏", 2),
}


def _trs_list(items: int) -> str:
    rows = "".join(
        f"<li><a href='/art/2013/3/{n}/art_1_{n}.html'>第{n}条</a><span>2013-03-0{n}</span></li>"
        for n in range(1, items + 1)
    )
    return f"<html><body><ul>{rows}</ul><script>var countPage = 1;</script></body></html>"


def fetcher(url: str, **_: object) -> Page:
    path = url.removeprefix(BASE)
    if path in COLUMNS:
        return Page(url, 200, _trs_list(COLUMNS[path][1]), "text/html")
    links = "".join(f"<a href='{p}'>{name}</a>" for p, (name, _) in COLUMNS.items())
    return Page(url, 200, f"<html><title>某局</title><body>{links}</body></html>", "text/html")


def test_each_column_gets_a_category_from_its_name() -> None:
    assert [propose_category(name) for name, _ in COLUMNS.values()] == [
        "dynamic", "notice", "policy", "annual_report", "interactive", None,
    ]  # fmt: skip
    assert propose_category("要闻") == "dynamic" and propose_category("在线咨询") == "interactive"


def test_discover_writes_categories_blank_columns_and_the_inspection_table_for_review() -> None:
    found = discover(BASE + "/", "portal", fetcher=fetcher)
    text = render_profile(found, "sites discover")
    profile = parse_profile("some-bureau", tomllib.loads(text))
    categories = {c.name: c.category for c in profile.columns}
    assert categories == {
        "工作动态": "dynamic", "通知公告": "notice", "规范性文件": "policy",
        "政府信息公开年报": "annual_report", "市长信箱": "interactive", "专题专栏": None,
    }  # fmt: skip
    assert [c.name for c in profile.columns if not c.expects_items] == ["市长信箱"]
    assert profile.inspection.home == "/"
    assert profile.inspection.probe_columns == ("col1", "col2")  # the first 动态 and 通知公告
    assert 'category = "dynamic"   # REVIEW: proposed from the name 工作动态' in text
    assert "[inspection]   # REVIEW" in text
    assert "# REVIEW: no category proposed from the name" in text
