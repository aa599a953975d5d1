"""The metadata table of detail pages: varied labels, date styles, labels inside one cell."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.disclosure.metadata import parse_date, parse_metadata

PAGE = """<html><head><title>页面标题</title></head><body>
<table class="xxgk">
<tr><td>索 引 号：</td><td>002001-2012-00012</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发布机构：</td><td><span>绍兴市发展和改革委员会</span></td><td>{signed_label}</td><td>{signed}</td></tr>
<tr><td>{number_label}</td><td>{number}</td><td>{published_label}</td><td>{published}</td></tr>
<tr><td>名　　称：</td><td>关于开展专项检查的通知</td><td>有 效 性：</td><td>有效</td></tr>
</table></body></html>"""


@pytest.mark.parametrize(
    ("signed_label", "published_label", "number_label"),
    [
        ("成文日期：", "发布日期：", "文 号："),
        ("生成日期", "公开日期", "文号"),
        ("发文日期:", "发布日期:", "发文字号:"),
    ],
)
@pytest.mark.parametrize(
    ("signed", "published"),
    [
        ("2012-03-05", "2012-03-09"),
        ("2012年03月05日", "2012年3月9日"),
        ("2012-03-05 10:22:33", "2012/3/9 08:00"),
    ],
)
def test_labels_and_date_styles_give_the_same_metadata(
    signed_label: str,
    published_label: str,
    number_label: str,
    signed: str,
    published: str,
) -> None:
    page = PAGE.format(
        signed_label=signed_label,
        published_label=published_label,
        number_label=number_label,
        signed=signed,
        published=published,
        number="绍市发改〔2012〕12号",
    )
    meta = parse_metadata(page)
    assert meta.index_no == "002001-2012-00012"
    assert meta.issuer == "绍兴市发展和改革委员会"
    assert meta.signed_on == dt.date(2012, 3, 5)
    assert meta.published_on == dt.date(2012, 3, 9)
    assert meta.doc_number == "绍市发改〔2012〕12号"
    assert meta.validity == "有效"
    assert meta.title == "关于开展专项检查的通知"
    assert meta.problems == []


def test_blank_number_cell_reads_as_no_number_not_the_next_label() -> None:
    page = PAGE.format(
        signed_label="成文日期",
        published_label="发布日期",
        number_label="文号",
        signed="2012-03-05",
        published="2012-03-06",
        number="",
    )
    assert parse_metadata(page).doc_number is None


def test_label_and_value_in_one_cell() -> None:
    page = (
        "<html><body><ul><li>索引号：A-1</li><li>成文日期：2012年10月08日</li>"
        "<li>发布日期：2012-10-09</li><li>文号：绍市财〔2012〕3号</li></ul>"
        "<h1>通知</h1></body></html>"
    )
    meta = parse_metadata(page)
    assert (meta.index_no, meta.doc_number) == ("A-1", "绍市财〔2012〕3号")
    assert (meta.signed_on, meta.published_on) == (dt.date(2012, 10, 8), dt.date(2012, 10, 9))
    assert meta.title == "通知"


def test_missing_and_unreadable_dates_are_reported_as_problems() -> None:
    page = "<html><body><table><tr><td>发布日期</td><td>2012-02-30</td></tr></table></body></html>"
    meta = parse_metadata(page)
    assert meta.signed_on is None and meta.published_on is None
    assert any("no signed date" in p for p in meta.problems)
    assert any("unreadable publication date" in p and "2012-02-30" in p for p in meta.problems)


def test_parse_date_rejects_text_without_a_date() -> None:
    assert parse_date("见附件") is None
    assert parse_date(None) is None
