"""Recognise the platform a page is on, and the links of a page that may lead to columns.

A column page says which platform serves it:

- ``jpaas``: a pager with ``queryData`` (Hanweb JPaaS, ``jpaas-publish-server``);
- ``jpage``: a ``<datastore>``, a ``var param_NNN = {…columnid…}`` object or ``dataproxy.jsp``
  (Hanweb JCMS);
- ``xxgk``: a form or script posting to ``/module/xxgk/search.jsp`` (Hanweb 信息公开);
- ``trs``: ``createPageHTML(…)`` or ``var countPage`` (TRS WCM static lists);
- ``generic``: none of those, but a block of at least three items, each a link with a date;
  its CSS selector is what the profile's ``options.item`` needs.

A page that is none of these is not a list (a home page, a guide, an article).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler.dates import find_date
from crawler.disclosure import xxgk
from crawler.listing import jpaas

_JPAGE_MARKERS = re.compile(
    r"<datastore>|dataproxy\.jsp|var\s+param_\w+\s*=\s*\{[^}]*columnid", re.I
)
_TRS_MARKERS = re.compile(r"createPageHTML\s*\(|var\s+countPage\s*=")
_NOT_A_COLUMN = re.compile(
    r"/art/\d{4}/|/t\d{8}_\d+\.s?html?$|\.(?:pdf|docx?|xlsx?|zip|rar|jpe?g|png|gif|css|js)$", re.I
)
MIN_GENERIC_ITEMS = 3


def generic_item(text: str) -> str | None:
    """Return a CSS selector (``css:…``) of the items of the page's main list, or None.

    The list is the element with the most children that each hold a link and a date written
    outside it; the selector names it by id, else by tag and first class.
    """
    page = Selector(text=text)
    best: tuple[int, str] | None = None
    for parent in page.xpath("//body//*[count(*) >= 3]"):
        children = parent.xpath("./*")
        dated = [
            child
            for child in children
            if child.xpath(".//a[@href]")
            and find_date(" ".join(child.xpath(".//text()[not(ancestor::a)]").getall()))
        ]
        if len(dated) < MIN_GENERIC_ITEMS or len(dated) * 2 < len(children):
            continue
        tag = parent.root.tag
        child_tag = dated[0].root.tag
        if parent.attrib.get("id"):
            selector = f"css:#{parent.attrib['id']} > {child_tag}"
        elif parent.attrib.get("class"):
            selector = f"css:{tag}.{parent.attrib['class'].split()[0]} > {child_tag}"
        else:
            continue
        if best is None or len(dated) > best[0]:
            best = (len(dated), selector)
    return best[1] if best else None


def recognise(text: str, url: str) -> str | None:
    """Return the list kind of a page, or None when the page is not a list we can read."""
    if jpaas.parse_column_page(text, url).api_url is not None:
        return "jpaas"
    if _JPAGE_MARKERS.search(text):
        return "jpage"
    if xxgk.catalogue_form(text, url) is not None:
        return "xxgk"
    if _TRS_MARKERS.search(text):
        return "trs"
    if generic_item(text) is not None:
        return "generic"
    return None


def candidate_links(text: str, url: str) -> list[tuple[str, str]]:
    """Return (absolute URL, name shown) of the page's links that may lead to a column.

    Links on the same host, once each, in page order; articles, files and the page itself are
    left out.
    """
    host = urlsplit(url).netloc
    seen = {url.split("#")[0]}
    found = []
    for link in Selector(text=text).xpath("//a[@href]"):
        href = (link.xpath("@href").get() or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        target = urljoin(url, href).split("#")[0]
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or parts.netloc != host:
            continue
        if target in seen or _NOT_A_COLUMN.search(parts.path):
            continue
        seen.add(target)
        name = link.xpath("@title").get() or " ".join(link.xpath(".//text()").getall())
        found.append((target, " ".join(name.split())))
    return found
