"""Read the labelled metadata table (元数据表) of a disclosure detail page.

Every platform puts the same facts in a table whose labels vary: 索 引 号 or 索引号, 成文日期 or
生成日期 or 发文日期, 文号 or 发文字号. Labels are matched after removing spaces and the trailing
colon, against the lists below; the value is the next cell, or the rest of the same cell after
the colon. Dates come as 2012-03-05, 2012年03月05日, 2012/3/5, sometimes with a time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from parsel import Selector

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
_BY_LABEL = {label: name for name, labels in LABELS.items() for label in labels}
_SPACES = re.compile(r"[\s\u3000\xa0]+")
_COLON = "：:"
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
)


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
    problems: list[str] = field(default_factory=list)

    @property
    def has_table(self) -> bool:
        return any((self.index_no, self.signed_text, self.published_text, self.doc_number))


def label_key(text: str) -> str:
    """Return the comparison form of a label: no spaces, no trailing colon."""
    return _SPACES.sub("", text).rstrip(_COLON)


def parse_date(text: str | None) -> dt.date | None:
    """Parse the first date in ``text``; None when there is none or it is impossible."""
    if not text:
        return None
    match = _DATE.search(text)
    if match is None:
        return None
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


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
                and label_key(texts[i + 1]) not in _BY_LABEL
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
    selector = Selector(text=html)
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
    if not meta.title:
        heading = selector.css("h1 ::text, .title ::text, title::text").get()
        meta.title = _SPACES.sub(" ", heading).strip() if heading else None
    meta.signed_on = parse_date(meta.signed_text)
    meta.published_on = parse_date(meta.published_text)
    for label, text, value in (
        ("signed date (成文日期)", meta.signed_text, meta.signed_on),
        ("publication date (发布日期)", meta.published_text, meta.published_on),
    ):
        if text is None:
            meta.problems.append(f"no {label} on the page")
        elif value is None:
            meta.problems.append(f"unreadable {label}: {text!r}")
    return meta
