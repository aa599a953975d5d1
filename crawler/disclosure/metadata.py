"""Read the labelled metadata table (元数据表) of a disclosure detail page.

Every platform puts the same facts in a table whose labels vary: 索 引 号 or 索引号, 成文日期 or
生成日期 or 发文日期, 文号 or 发文字号. Labels are matched after removing spaces and the trailing
colon, against the lists below; the value is the next cell, or the rest of the same cell after
the colon. Dates are written every way (:mod:`crawler.dates`): 2012-03-05 00:00:00, 2012年3月5日,
2012/3/5, 二〇一二年三月五日.

Many tables carry no 成文日期 (only 索引号, 主题分类, 发布机构, 公开日期, 有效性, 发文字号): the
signing date is then read from the closing signature block (落款) at the end of the body
(:mod:`crawler.disclosure.signature`). ``signed_source`` says where it came from: ``table``,
``body`` or ``none`` (an undated document, listed for review and never counted on time).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from parsel import Selector

from crawler.dates import find_date
from crawler.disclosure.signature import find_signing_date
from crawler.pagetext import lenient_heading, looks_broken

# Field -> the labels that name it on one platform or another (spaces removed).
LABELS: dict[str, tuple[str, ...]] = {
    "index_no": ("索引号",),
    "issuer": ("发布机构", "发文机关", "发布单位", "发文单位"),
    "signed_on": ("成文日期", "生成日期", "发文日期", "签发日期"),
    "published_on": ("发布日期", "公开日期", "发布时间"),
    "doc_number": ("文号", "发文字号", "文件编号"),
    "validity": ("有效性", "效力状态"),
    "title": ("名称", "标题", "文件名称", "信息名称"),
}
# Labels platforms also print, read by nobody here: known, so never taken for a value.
OTHER_LABELS = (
    "主题分类", "组配分类", "体裁分类", "服务对象", "关键词", "主题词", "公文种类", "所属主题",
    "信息分类", "生效日期", "废止日期", "内容概述", "发布机关", "统一编号", "登记号",
)  # fmt: skip
_BY_LABEL = {label: name for name, labels in LABELS.items() for label in labels}
_ALL_LABELS = set(_BY_LABEL) | set(OTHER_LABELS)
_SPACES = re.compile(r"[\s\u3000\xa0]+")
_COLON = "：:"


@dataclass
class DocumentMetadata:
    """What a detail page says about its document, as written, with dates parsed."""

    index_no: str | None = None
    issuer: str | None = None
    signed_text: str | None = None
    published_text: str | None = None
    doc_number: str | None = None
    validity: str | None = None
    title: str | None = None
    signed_on: dt.date | None = None
    published_on: dt.date | None = None
    signed_source: str = "none"  # table | body | none: where signed_on was read
    problems: list[str] = field(default_factory=list)

    @property
    def has_table(self) -> bool:
        signed_in_table = self.signed_text if self.signed_source != "body" else None
        return any((self.index_no, signed_in_table, self.published_text, self.doc_number))


def label_key(text: str) -> str:
    """Return the comparison form of a label: no spaces, no trailing colon."""
    return _SPACES.sub("", text).rstrip(_COLON)


def parse_date(text: str | None) -> dt.date | None:
    """Parse the first date in ``text``; None when there is none or it is impossible."""
    return find_date(text)


def _text(cell: Selector) -> str:
    return _SPACES.sub(" ", " ".join(cell.xpath(".//text()").getall())).strip()


def read_labelled_cells(selector: Selector) -> dict[str, str]:
    """Map field name -> value for every labelled cell of the page (first occurrence wins)."""
    found: dict[str, str] = {}
    cells = selector.xpath("//td | //th | //dt | //dd | //li | //span | //p")
    texts = [_text(cell) for cell in cells]
    for i, text in enumerate(texts):
        if not text or len(text) > 200:
            continue
        key = label_key(text)
        name = _BY_LABEL.get(key)
        if name is not None:
            if (
                name not in found
                and i + 1 < len(texts)
                and label_key(texts[i + 1]) not in _ALL_LABELS
            ):
                found[name] = texts[i + 1].strip()
            continue
        # "索引号：001-2012-0001" in one cell.
        parts = re.split(f"[{_COLON}]", text, maxsplit=1)
        if len(parts) == 2 and (name := _BY_LABEL.get(label_key(parts[0]))) and name not in found:
            found[name] = parts[1].strip()
    return found


def parse_metadata(html: str) -> DocumentMetadata:
    """Read the metadata table of a detail page; unreadable dates are listed in ``problems``."""
    selector = Selector(text=html, type="html")
    cells = read_labelled_cells(selector)
    meta = DocumentMetadata(
        index_no=cells.get("index_no") or None,
        issuer=cells.get("issuer") or None,
        signed_text=cells.get("signed_on") or None,
        published_text=cells.get("published_on") or None,
        doc_number=cells.get("doc_number") or None,
        validity=cells.get("validity") or None,
        title=cells.get("title") or None,
    )
    if not meta.title and looks_broken(html):
        meta.title = lenient_heading(html)  # an unclosed <title> swallows the page in lxml
    if not meta.title:
        heading = selector.css("h1 ::text, .title ::text, title::text").get()
        meta.title = _SPACES.sub(" ", heading).strip() if heading else None
    meta.signed_on = parse_date(meta.signed_text)
    meta.published_on = parse_date(meta.published_text)
    if meta.signed_on is not None:
        meta.signed_source = "table"
    elif meta.signed_text is None and (signature := find_signing_date(html)) is not None:
        meta.signed_on, meta.signed_text = signature
        meta.signed_source = "body"
    for label, text, value in (
        ("signed date (成文日期)", meta.signed_text, meta.signed_on),
        ("publication date (发布日期)", meta.published_text, meta.published_on),
    ):
        if text is None:
            meta.problems.append(f"no {label} on the page")
        elif value is None:
            meta.problems.append(f"unreadable {label}: {text!r}")
    return meta
