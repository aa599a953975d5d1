"""Read a detail page's title, publication time and source (信息来源).

In order: the standard government page metadata (``<meta name="ArticleTitle">``, ``PubDate``,
``ContentSource``, ``ColumnName``; names matched case-insensitively), then the profile's
``[detail]`` selectors, then the visible text (``发布时间：… 信息来源：…``, ``来源:``, full- or
half-width colons), then ``<h1>``/``<title>`` for the title. ``method`` says which one gave the
date, so evidence shows how each field was read. The visible text of a broken page is read
leniently (:mod:`crawler.pagetext`).

The page is parsed once, as HTML whatever its text looks like; its visible text is only read
when the metadata and selectors leave a field unread (most pages carry the metadata).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from lxml import etree
from parsel import Selector

from crawler.dates import SHANGHAI, find_datetime
from crawler.listing import select
from crawler.pagetext import lenient_heading, looks_broken, visible_text

META_FIELDS = {
    "title": ("articletitle", "title"),
    "published": ("pubdate", "publishdate", "firstpublishedtime"),
    "source": ("contentsource", "source"),
    "column": ("columnname",),
}
_LABEL_END = r"(?=\s|发布|来源|信息来源|浏览|点击|作者|字号|【|\[|\||$)"
_PUBLISHED = re.compile(r"(?:发布时间|发布日期|发文日期|日期|时间)\s*[:：]\s*([^\n]{6,30})")
_SOURCE = re.compile(r"(?:信息来源|来源|发布机构)\s*[:：]\s*(\S{2,40}?)" + _LABEL_END)
_TITLE_SUFFIX = re.compile(r"\s*[-_|｜]\s*[^-_|｜]*$")
_NAMED_METAS = etree.XPath("//meta[@name and @content]")  # compiled once, run on every page


@dataclass(frozen=True)
class DetailFields:
    title: str | None
    published_at: dt.datetime | None
    source_text: str | None
    column_name: str | None
    method: str


def _metas(selector: Selector) -> dict[str, str]:
    metas: dict[str, str] = {}
    # lxml's elements, not a Selector per tag: a page has a dozen metas and this runs per page.
    for meta in _NAMED_METAS(selector.root):
        name = (meta.get("name") or "").strip().lower()
        metas.setdefault(name, (meta.get("content") or "").strip())
    return metas


def _meta(metas: dict[str, str], field: str) -> str | None:
    for name in META_FIELDS[field]:
        if metas.get(name):
            return metas[name]
    return None


def _selected(selector: Selector, expression: str | None) -> str | None:
    if not expression:
        return None
    found = " ".join(" ".join(n.xpath("string()").getall()) for n in select(selector, expression))
    return " ".join(found.split()) or None


class _Page:
    """A detail page parsed once; whether it is broken and its visible text, read on demand."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.selector = Selector(text=html, type="html")

    @cached_property
    def broken(self) -> bool:
        return looks_broken(self.html)

    @cached_property
    def text(self) -> str:
        return visible_text(self.html, self.selector, broken=self.broken)


def parse_detail(
    text: str, selectors: dict[str, str] | None = None, zone: dt.tzinfo = SHANGHAI
) -> DetailFields:
    """Return what the page says about itself; fields it does not say are None."""
    selectors = selectors or {}
    parsed = _Page(text)
    page = parsed.selector
    metas = _metas(page)
    title = _meta(metas, "title") or _selected(page, selectors.get("title"))
    published, method = find_datetime(_meta(metas, "published"), zone), "meta"
    if published is None:
        published, method = (
            find_datetime(_selected(page, selectors.get("published")), zone),
            "selector",
        )
    if published is None:
        match = _PUBLISHED.search(parsed.text)
        published, method = find_datetime(match.group(1) if match else None, zone), "text"
    source = _meta(metas, "source") or _selected(page, selectors.get("source"))
    if not source:
        match = _SOURCE.search(parsed.text)
        source = match.group(1).strip() if match else None
    if not title and parsed.broken:
        title = lenient_heading(text)  # an unclosed <title> swallows the page in lxml
    if not title:
        title = _selected(page, "xpath://h1") or _TITLE_SUFFIX.sub(
            "", " ".join(page.xpath("//title//text()").getall()).strip()
        )
    return DetailFields(
        title=" ".join(title.split()) if title else None,
        published_at=published,
        source_text=source,
        column_name=_meta(metas, "column"),
        method=method if published else "none",
    )
