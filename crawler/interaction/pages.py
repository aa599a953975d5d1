"""Read letters (信件) from a consultation column's list and detail pages.

Hanweb (大汉) letter columns, like most Chinese government mailboxes, show a list table whose
header names each cell (信件标题, 来信时间, 状态, 回复时间…) and a detail table of labelled
cells (``<td>来信时间：</td><td>2024-03-01</td>``, or ``来信时间：2024-03-01`` in one cell).
Both are read by their labels, never by cell position, so that a site that orders or names its
cells a little differently still reads. A generic list is read with the profile's selectors.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from crawler.dates import find_date
from crawler.listing import select
from db.models.letters import LetterStatus

# field → the labels sites write for it (normalised: no spaces, no colon)
LABELS: dict[str, tuple[str, ...]] = {
    "title": ("信件标题", "来信标题", "留言标题", "标题", "主题", "信件主题", "来信主题"),
    "submitted": ("来信时间", "提交时间", "写信时间", "留言时间", "来信日期", "提交日期"),
    "status": ("状态", "办理状态", "处理状态", "信件状态", "回复状态", "办事状态", "受理状态"),
    "replied": ("回复时间", "答复时间", "回复日期", "答复日期", "办结时间", "办理时间"),
    "unit": ("回复单位", "答复单位", "办理单位", "处理单位", "承办单位", "回复部门", "受理单位"),
}
# 状态 words, longest first where one contains another (未回复 before 回复)
STATUS_WORDS: tuple[tuple[str, LetterStatus], ...] = (
    ("未回复", LetterStatus.UNANSWERED),
    ("待回复", LetterStatus.UNANSWERED),
    ("未答复", LetterStatus.UNANSWERED),
    ("未办理", LetterStatus.UNANSWERED),
    ("未处理", LetterStatus.UNANSWERED),
    ("待处理", LetterStatus.UNANSWERED),
    ("办理中", LetterStatus.IN_PROGRESS),
    ("处理中", LetterStatus.IN_PROGRESS),
    ("已受理", LetterStatus.IN_PROGRESS),
    ("已转办", LetterStatus.IN_PROGRESS),
    ("已回复", LetterStatus.ANSWERED),
    ("已答复", LetterStatus.ANSWERED),
    ("已办结", LetterStatus.ANSWERED),
    ("已处理", LetterStatus.ANSWERED),
)
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # lxml refuses these anywhere
_LABEL_SPACE = re.compile(r"[\s\u3000:：]+")
_INLINE = re.compile(  # a label and its colon, longest label first (处理状态 before 状态)
    "("
    + "|".join(sorted({w for ws in LABELS.values() for w in ws}, key=len, reverse=True))
    + r")\s*[:：]\s*"
)


@dataclass(frozen=True)
class LetterFields:
    """What a page says about one letter; ``None`` where it says nothing."""

    title: str | None = None
    submitted_on: dt.date | None = None
    status_text: str | None = None
    replied_on: dt.date | None = None
    reply_unit: str | None = None

    def merged(self, other: LetterFields) -> LetterFields:
        """These fields, completed by ``other``'s where these say nothing."""
        return LetterFields(
            *(
                mine if mine is not None else theirs
                for mine, theirs in zip(_values(self), _values(other), strict=True)
            )
        )

    @property
    def status(self) -> LetterStatus | None:
        return letter_status(self.status_text, self.replied_on)


@dataclass(frozen=True)
class ListedLetter:
    url: str
    fields: LetterFields


def _values(fields: LetterFields) -> tuple[Any, ...]:
    return (
        fields.title,
        fields.submitted_on,
        fields.status_text,
        fields.replied_on,
        fields.reply_unit,
    )


def letter_status(text: str | None, replied_on: dt.date | None = None) -> LetterStatus | None:
    """The status a 状态 text means; a letter with a reply date and no status is answered."""
    if text:
        compact = _LABEL_SPACE.sub("", text)
        for word, status in STATUS_WORDS:
            if word in compact:
                return status
    return LetterStatus.ANSWERED if replied_on else None


def field_of_label(text: str) -> str | None:
    """Which field a cell labels (``来信时间：`` → ``submitted``), or None."""
    label = _LABEL_SPACE.sub("", text)
    if not label or len(label) > 8:
        return None
    for name, words in LABELS.items():
        if label in words:
            return name
    return None


def html_page(text: str) -> Selector:
    """Parse a page as HTML, without the control characters a broken site may send."""
    return Selector(text=_NOT_XML.sub("", text), type="html")


def _attr(node: Selector, name: str) -> str:
    return (node.xpath(f"@{name}").get() or "").strip()


def _text(node: Selector) -> str:
    return " ".join(" ".join(node.xpath("string()").getall()).split())


def _fields(values: dict[str, str]) -> LetterFields:
    def clean(name: str) -> str | None:
        value = values.get(name, "").strip()
        return value or None

    return LetterFields(
        title=clean("title"),
        submitted_on=find_date(clean("submitted")),
        status_text=clean("status"),
        replied_on=find_date(clean("replied")),
        reply_unit=clean("unit"),
    )


def hanweb_list(text: str, url: str) -> list[ListedLetter]:
    """The letters of a list table whose header row names its cells."""
    page = html_page(text)
    letters = []
    for table in page.xpath("//table"):
        header: list[str | None] = []
        for row in table.xpath(".//tr"):
            cells = row.xpath("./th|./td")
            names = [field_of_label(_text(c)) for c in cells]
            if not row.xpath(".//a[@href]") and any(names):
                header = names
                continue
            link = row.xpath(".//a[@href]")
            if not header or not link:
                continue
            values = {n: _text(c) for n, c in zip(header, cells, strict=False) if n is not None}
            # a list cuts long titles (关于小区…); the link's title attribute has them whole
            whole = _attr(link[0], "title")
            values["title"] = whole or values.get("title") or _text(link[0])
            href = _attr(link[0], "href")
            letters.append(ListedLetter(urljoin(url, href), _fields(values)))
    return letters


def hanweb_next(text: str, url: str) -> str | None:
    """The 下一页 link of a list page, if there is one that leads somewhere."""
    page = html_page(text)
    for link in page.xpath("//a[contains(normalize-space(.), '下一页')][@href]"):
        href = _attr(link, "href")
        if href and not href.startswith(("javascript:", "#")):
            return urljoin(url, href)
    return None


def generic_list(text: str, url: str, options: dict[str, str]) -> list[ListedLetter]:
    """The letters of a list read with the profile's selectors (``item`` and the others)."""
    page = html_page(text)
    letters = []
    for item in select(page, options["item"]):
        links = select(item, options["link"]) if "link" in options else item.xpath(".//a[@href]")
        if not links:
            continue
        href = _attr(links[0], "href") or links[0].get()
        values = {}
        for name, option in (("title", "title"), ("submitted", "date"), ("status", "status")):
            if option in options:
                values[name] = " ".join(_text(n) for n in select(item, options[option]))
        values.setdefault("title", _attr(links[0], "title") or _text(links[0]))
        if "submitted" not in values:
            values["submitted"] = _text(item)
        letters.append(ListedLetter(urljoin(url, href.strip()), _fields(values)))
    return letters


def generic_next(text: str, url: str, options: dict[str, str]) -> str | None:
    if "next" not in options:
        return hanweb_next(text, url)
    found = select(html_page(text), options["next"])
    href = (_attr(found[0], "href") or found[0].get()) if found else None
    return urljoin(url, href.strip()) if href and href.strip() else None


def detail_fields(text: str) -> LetterFields:
    """A detail page's labelled cells: the label's cell, then the value's cell (or one cell)."""
    page = html_page(text)
    values: dict[str, str] = {}
    for cell in page.xpath("//td|//th|//dt|//label|//span[not(*)]"):
        name = field_of_label(_text(cell))
        if name is None or name in values:
            continue
        following = cell.xpath("following-sibling::*[1]")
        if following:
            values[name] = _text(following[0])
    for node in page.xpath("//td|//p|//span|//div[not(*)]|//li"):
        text = _text(node)
        labels = list(_INLINE.finditer(text))
        for label, after in zip(labels, [*labels[1:], None], strict=False):
            name = field_of_label(label[1])
            value = text[label.end() : after.start() if after else len(text)].strip()
            if name is not None and name not in values and value:
                values[name] = value
    return _fields(values)
