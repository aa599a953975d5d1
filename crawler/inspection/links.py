"""The links of a page, and what each is: a page, an image or an attachment, the site's or not.

Links are ``a[href]`` and ``img[src]`` (and ``iframe``/``embed`` sources), resolved against the
page, without fragments; ``javascript:``, ``mailto:``, ``tel:`` and bare ``#`` links are not
links to check. An attachment is a link to a document or archive file (.pdf, .doc, .xls, .zip,
.ofd…). Whether a link is the site's own is the host's business (:mod:`crawler.inspection.site`):
the site's object storage is the site's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urldefrag, urljoin, urlsplit

from parsel import Selector

ATTACHMENT_SUFFIXES = frozenset(
    {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".et", ".ofd"}
    | {".txt", ".rtf", ".zip", ".rar", ".7z", ".csv"}
)
_NOT_LINKS = ("javascript:", "mailto:", "tel:", "#", "data:")
_SOURCES = (("//img[@src]", "@src", "image"), ("//a[@href]", "@href", "page"))
_EMBEDS = ("//iframe[@src]", "//embed[@src]")


@dataclass(frozen=True)
class FoundLink:
    url: str
    kind: str  # page, image or attachment


def kind_of(url: str, tag_kind: str) -> str:
    """``attachment`` for a file of ATTACHMENT_SUFFIXES, else what the tag says."""
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    return "attachment" if suffix in ATTACHMENT_SUFFIXES else tag_kind


def page_links(html: str, page_url: str) -> list[FoundLink]:
    """Return the page's distinct links to check, in page order."""
    selector = Selector(text=html)
    base = selector.xpath("//base/@href").get()
    base_url = urljoin(page_url, base.strip()) if base else page_url
    found: dict[str, FoundLink] = {}
    sources = [*_SOURCES, *((path, "@src", "page") for path in _EMBEDS)]
    for path, attribute, tag_kind in sources:
        for node in selector.xpath(path):
            raw = (node.xpath(attribute).get() or "").strip()
            if not raw or raw.lower().startswith(_NOT_LINKS):
                continue
            url = urldefrag(urljoin(base_url, raw)).url
            if urlsplit(url).scheme not in ("http", "https"):
                continue
            found.setdefault(url, FoundLink(url, kind_of(url, tag_kind)))
    return list(found.values())
