"""The signing date when the metadata table has no 成文日期: the 落款 at the end of the body."""

from __future__ import annotations

import datetime as dt

from crawler.disclosure.metadata import parse_metadata
from crawler.disclosure.signature import find_signing_date
from crawler.pagetext import block_lines, looks_broken, visible_text

# The newer Hanweb detail template: no 成文日期 in the table, a time in 公开日期.
TABLE = """<table class="xxgk_table">
<tr><td>索引号：</td><td>002482429/2012-00123</td><td>主题分类：</td><td>综合政务/通知</td></tr>
<tr><td>发布机构：</td><td>绍兴市发展和改革委员会</td>
<td>公开日期：</td><td>2012-03-05 00:00:00</td></tr>
<tr><td>有效性：</td><td>有效</td><td>发文字号：</td><td>绍市发改〔2012〕12号</td></tr>
</table><h1>关于做好2012年安全生产工作的通知</h1>"""

BODY = """<div id="zoom">
<p>各县（市、区）发改局：</p>
<p>请于<span>2012年3月15日</span>前将有关情况报送我委。联系时间：2012年3月10日</p>
<p>附件：1.考核细则（2012年2月20日修订）</p>
<p style="text-align:right">绍兴市发展和改革委员会</p>
<p style="text-align:right"><span>2012</span>年<span>3</span>月<span>1</span>日</p>
<p>（此件公开发布）</p>
<p>抄送：省发展改革委。</p>
<p>绍兴市发展和改革委员会办公室 2012年3月2日印发</p>
<p>附件1</p><p>考核细则</p><p style="text-align:right">2012年2月20日</p>
</div>"""

AROUND = """<div class="related">相关文件</div><ul><li><a href="/x.html">其他</a>
<span>2012-02-02</span></li></ul><div class="footer">Copyright 2012 版权所有</div>"""


def page(body: str, table: str = TABLE) -> str:
    return f"<html><head><title>通知</title></head><body>{table}{body}{AROUND}</body></html>"


def test_signing_date_is_read_from_the_body_when_the_table_has_none() -> None:
    meta = parse_metadata(page(BODY))
    assert meta.signed_on == dt.date(2012, 3, 1)
    assert (meta.signed_source, meta.signed_text) == ("body", "2012年3月1日")
    assert meta.published_on == dt.date(2012, 3, 5)
    assert meta.issuer == "绍兴市发展和改革委员会"
    assert meta.doc_number == "绍市发改〔2012〕12号"
    assert meta.has_table and "no signed date (成文日期) on the page" not in meta.problems


def test_signing_date_in_chinese_numerals_and_on_the_units_line() -> None:
    chinese = BODY.replace(
        "<span>2012</span>年<span>3</span>月<span>1</span>日", "二〇一二年三月一日"
    )
    assert find_signing_date(page(chinese)) == (dt.date(2012, 3, 1), "二〇一二年三月一日")
    one_line = "<div class='content'><p>通知。</p><p>绍兴市财政局　2012年12月31日</p></div>"
    assert find_signing_date(page(one_line)) == (dt.date(2012, 12, 31), "2012年12月31日")


def test_the_tables_signing_date_wins_and_says_so() -> None:
    table = TABLE.replace(
        "<tr><td>有效性", "<tr><td>成文日期：</td><td>2012-02-28</td></tr><tr><td>有效性"
    )
    meta = parse_metadata(page(BODY, table))
    assert (meta.signed_on, meta.signed_source) == (dt.date(2012, 2, 28), "table")


def test_document_without_a_signing_date_anywhere_is_undated() -> None:
    unsigned = BODY.replace("<span>2012</span>年<span>3</span>月<span>1</span>日", "")
    meta = parse_metadata(page(unsigned))
    assert (meta.signed_on, meta.signed_source) == (None, "none")
    assert "no signed date (成文日期) on the page" in meta.problems


def test_dates_that_are_not_a_signature_are_skipped() -> None:
    # Sentence, label, attachment note, print record, attachment, related list, footer.
    only_traps = BODY.replace(
        '<p style="text-align:right"><span>2012</span>年<span>3</span>月<span>1</span>日</p>', ""
    )
    assert find_signing_date(page(only_traps)) is None
    # A table date inside the article's container is a value, not a 落款.
    inside = (
        "<div class='content'><table><tr><td>发布日期：</td><td>2012-03-05</td></tr></table></div>"
    )
    assert find_signing_date(page(inside, table="")) is None


def test_page_closed_before_the_article_is_read_with_beautifulsoup() -> None:
    broken = (
        f"<html><body>{TABLE}<div id='zoom'><p>通知如下。</p></div></body></html>"
        "<p>绍兴市发展和改革委员会</p><p>二〇一二年十二月三十一日</p>"
    )
    assert looks_broken(broken)
    assert "二〇一二年十二月三十一日" in visible_text(broken)
    meta = parse_metadata(broken)
    assert (meta.signed_on, meta.signed_source) == (dt.date(2012, 12, 31), "body")


def test_unclosed_title_does_not_swallow_the_page() -> None:
    html = (
        "<html><head><title>通知</head><body><div id='zoom'><p>市财政局</p>"
        "<p>2012年3月1日</p></div></body></html>"
    )
    assert looks_broken(html)
    assert find_signing_date(html) == (dt.date(2012, 3, 1), "2012年3月1日")
    assert parse_metadata(html).title == "通知"


def test_a_normal_page_is_not_taken_for_broken_and_lines_follow_paragraphs() -> None:
    html = page(BODY) + "<script>var x = 1;</script>"
    assert not looks_broken(html)
    lines = block_lines(html, ("#zoom",))
    assert "请于2012年3月15日前将有关情况报送我委。联系时间:2012年3月10日" in lines
    assert "2012年3月1日" in lines
