"""Discover a site's columns from its home page, with every option read from the pages.

The home page (or any page listing the columns: a portal's navigation, a disclosure platform's
tree of catalogues, 信息公开目录) is fetched, and each link on it that may lead to a column is
fetched in turn and recognised (:mod:`crawler.onboarding.recognise`). Pages that are not lists
are listed as skipped. For each column:

- JPaaS: page 2 is asked for with ``pageNo``; a server answering page 1 again is asked with
  ``paramJson``, and the option that works is written (``paging``);
- jpage: nothing to write, the crawl reads the proxy and its form from the column page;
- xxgk: the catalogue page's search form is read into ``options.form``, with ``ajax`` when the
  platform wants ``X-Requested-With``. The first list page is read: when it holds documents
  linked from other units' catalogues, the search returns a whole area and the column gets no
  department (documents are attributed by their 发布机构, or their link's catalogue column);
- generic: the selector of one item.

On a disclosure platform every catalogue name is resolved through the registry (short name,
full name or alias); names that match nothing are listed, and their columns kept without a
department. ``[catalogue]`` maps each catalogue's column id to its department, for documents
whose page names no 发布机构.

For the national inspection each column gets a proposed ``category`` from its name
(:mod:`crawler.onboarding.categories`), and a column whose first list page has no item gets
``expects_items = false``; the profile marks both for review.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector

from crawler.departments import DepartmentNames
from crawler.disclosure import xxgk
from crawler.listing import generic, jpaas, jpage, trs
from crawler.onboarding.categories import propose_category
from crawler.onboarding.fetch import FetchError, Page, fetch, is_local
from crawler.onboarding.recognise import candidate_links, generic_item, recognise
from db.models import SiteKind

Fetcher = Callable[..., Page]
_COLUMN_ID = re.compile(r"/col/(?:col)?(\d+)/")  # Hanweb /col/col1229/, TRS-style /col/001/
_TITLE_SUFFIX = re.compile(r"\s*[-_|｜]\s*[^-_|｜]*$")
# Fields every xxgk search sends anyway (crawler.disclosure.xxgk.DEFAULT_FORM): not written.
_SEARCH_TEXT_FIELDS = {"vc_title", "vc_number", "vc_filenumber", "vc_all", "texttype", "fbtime"}


@dataclass
class DiscoveredColumn:
    key: str
    name: str
    list_kind: str
    url: str  # path and query on the site
    department: str | None = None
    shown_name: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    items: int | None = None  # on the first list page; None when it was not read
    # Proposed for the national inspection, for a reviewer to confirm (writer marks them).
    category: str | None = None
    expects_items: bool = True


@dataclass
class Discovery:
    url: str
    kind: str
    name: str
    base_url: str
    columns: list[DiscoveredColumn] = field(default_factory=list)
    catalogue: dict[str, str] = field(default_factory=dict)
    unresolved: list[tuple[str, str]] = field(default_factory=list)  # (name, url)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (url, why)

    @property
    def local(self) -> bool:
        """A site on this machine (a sample or a mirror): no need for politeness delays."""
        return is_local(self.base_url)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _title(text: str) -> str:
    title = " ".join(Selector(text=text, type="html").xpath("//title//text()").getall()).strip()
    return _TITLE_SUFFIX.sub("", title) or title


def _key(url: str, used: set[str], prefix: str) -> str:
    match = _COLUMN_ID.search(urlsplit(url).path)
    base = f"{prefix}{match.group(1)}" if match else re.sub(r"[^a-z0-9]+", "-", _path(url).lower())
    key = base.strip("-")[:60] or "column"
    while key in used:
        key += "x"
    used.add(key)
    return key


def _jpaas_paging(page: Page, fetcher: Fetcher, timeout: float) -> tuple[dict[str, Any], str]:
    """Find which paging the JPaaS server honours; return (options, note)."""
    listing = jpaas.parse_column_page(page.text, page.url)
    rows = jpaas.rows_of({}, listing)
    if listing.api_url is None or listing.count is None or listing.count <= rows:
        return {}, ""
    first = [e.url for e in listing.entries]
    for options in ({}, {"paging": "param_json"}):
        url = jpaas.page_url(listing.api_url, listing.query, 2, rows, options)
        try:
            reply = jpaas.parse_unit_reply(fetcher(url, timeout=timeout).text, url)
        except (FetchError, jpaas.JpaasReplyError):
            continue
        if reply.entries and [e.url for e in reply.entries] != first:
            return options, ""
    return {}, "page 2 could not be read with pageNo nor paramJson: run `sites check`"


def _xxgk_options(page: Page) -> tuple[str, dict[str, Any]]:
    found = xxgk.catalogue_form(page.text, page.url)
    assert found is not None
    search_url, fields = found
    form = {k: v for k, v in fields.items() if k not in _SEARCH_TEXT_FIELDS}
    return search_url, {"form": form, "ajax": xxgk.wants_ajax({"form": form})}


def _first_list(
    search_url: str, options: dict[str, Any], fetcher: Fetcher, timeout: float
) -> list[str]:
    """Return the document links of an xxgk column's first list page."""
    reply = fetcher(
        search_url,
        form=xxgk.form_for(options, 1),
        headers=xxgk.headers_for(options),
        timeout=timeout,
    )
    return [e.url for e in xxgk.parse_list(reply.text, reply.url, options)]


def discover(
    url: str,
    kind: str,
    *,
    names: DepartmentNames | None = None,
    fetcher: Fetcher = fetch,
    timeout: float = 15.0,
    max_links: int = 200,
) -> Discovery:
    """Fetch ``url`` and the pages it links to; return the columns found (see module doc)."""
    home = fetcher(url, timeout=timeout)
    if not home.ok:
        raise FetchError(f"{url} answered HTTP {home.status}")
    found = _site(url, kind, home)
    used: set[str] = set()
    xxgk_columns: list[tuple[DiscoveredColumn, str]] = []
    for target, shown in _candidates(home)[:max_links]:
        column = _read_column(found, home, target, shown, used, fetcher, timeout)
        if column is None:
            continue
        if column.list_kind == "xxgk":
            xxgk_columns.append((column, target))
        if kind == SiteKind.DISCLOSURE:
            _attach_department(found, column, names, target)
        found.columns.append(column)
    for column, target in xxgk_columns:
        _whole_area(found, column, target, fetcher, timeout)
    for column in found.columns:
        _propose_inspection_keys(column)
    return found


def _site(url: str, kind: str, home: Page) -> Discovery:
    """The site as its home page names it: the page title, else its first heading, else host."""
    parts = urlsplit(home.url)
    heading = " ".join(
        Selector(text=home.text, type="html").xpath("//h1[1]//text()").getall()
    ).strip()
    return Discovery(
        url=url,
        kind=kind,
        name=_title(home.text) or heading or parts.netloc,
        base_url=f"{parts.scheme}://{parts.netloc}",
    )


def _candidates(home: Page) -> list[tuple[str, str]]:
    """The pages that may be columns: the home page itself if it is a list, then its links."""
    itself = [(home.url, _title(home.text))] if recognise(home.text, home.url) else []
    return itself + candidate_links(home.text, home.url)


def _read_column(
    found: Discovery,
    home: Page,
    target: str,
    shown: str,
    used: set[str],
    fetcher: Fetcher,
    timeout: float,
) -> DiscoveredColumn | None:
    """Fetch ``target`` and read it as a column with its options; None (and why) if it is not."""
    try:
        page = home if target == home.url else fetcher(target, timeout=timeout)
    except FetchError as error:
        found.skipped.append((target, str(error)))
        return None
    list_kind = recognise(page.text, page.url) if page.ok else None
    if list_kind is None:
        found.skipped.append((target, f"HTTP {page.status}" if not page.ok else "not a list"))
        return None
    name = shown or _title(page.text)
    column = DiscoveredColumn(
        key=_key(target, used, "xxgk-" if list_kind == "xxgk" else "col"),
        name=name,
        list_kind=list_kind,
        url=_path(target),
        shown_name=name,
    )
    if list_kind == "jpaas":
        column.options, note = _jpaas_paging(page, fetcher, timeout)
        column.notes += [note] if note else []
    elif list_kind == "xxgk":
        search_url, column.options = _xxgk_options(page)
        column.url = _path(search_url)
    elif list_kind == "generic":
        column.options = {"item": generic_item(page.text)}
    if list_kind != "xxgk":  # an xxgk column's items come from its search (_whole_area)
        column.items = _items_on(page, list_kind, column.options)
    return column


def _items_on(page: Page, list_kind: str, options: dict[str, Any]) -> int:
    """How many items the column's first page lists (all of them, where the page says so)."""
    if list_kind == "jpage":
        listing = jpage.parse_column_page(page.text, page.url)
        return max(listing.total_records or 0, len(listing.entries))
    if list_kind == "jpaas":
        found = jpaas.parse_column_page(page.text, page.url)
        return max(found.count or 0, len(found.entries))
    if list_kind == "trs":
        return len(trs.parse_list(page.text, page.url, options))
    return len(generic.parse_list(page.text, page.url, options))


def _propose_inspection_keys(column: DiscoveredColumn) -> None:
    """Propose the column's category from its name, and no items expected where none are."""
    column.category = propose_category(column.name)
    if column.items == 0:
        column.expects_items = False


def _attach_department(
    found: Discovery, column: DiscoveredColumn, names: DepartmentNames | None, target: str
) -> None:
    short = names.short_name(column.shown_name) if names is not None else None
    if short is None:
        found.unresolved.append((column.shown_name or column.name, target))
        column.notes.append(f"{column.shown_name!r} matches no department in the registry")
        return
    column.department = short
    if match := _COLUMN_ID.search(urlsplit(target).path):
        found.catalogue[match.group(1)] = short


def _whole_area(
    found: Discovery, column: DiscoveredColumn, target: str, fetcher: Fetcher, timeout: float
) -> None:
    """Drop the department of a column whose search returns other units' documents too."""
    search_url = found.base_url + column.url
    try:
        documents = _first_list(search_url, column.options, fetcher, timeout)
    except FetchError as error:
        column.notes.append(f"first list page not read: {error}")
        return
    column.items = len(documents)
    linked = [c for url in documents if (c := xxgk.link_column(url))]
    own = _COLUMN_ID.search(urlsplit(target).path)
    others = (
        set(linked) - {own.group(1)} if own else (set(linked) if len(set(linked)) > 1 else set())
    )
    if others:
        units = {found.catalogue.get(c, f"column {c}") for c in others}
        column.notes.append(
            f"the search returns a whole area's documents ({len(units)} other units on the "
            f"first page): attributed by each document's 发布机构, not by this list"
        )
        column.department = None
    elif not linked:
        column.notes.append("the first list page is empty: run `sites check` after a fix")
