"""Incremental crawling: ask only about what a list shows, stop once the list proves nothing new.

Lists are walked newest first. Whether a listed URL is already stored is asked of the database
page by page, one indexed query for the URLs that page shows (:func:`stored_posts`,
:func:`stored_documents`), so a nightly crawl costs the same with 5 thousand stored posts or 1.5
million: the archive is never loaded.

:class:`ListWalk` decides after each list page whether to fetch the next one. A page proves that
nothing new lies below it when it shows an item stored by an earlier run, in date order, with no
new item after it on the page (or when nothing on the page is new at all). A pinned item (置顶)
is stored but out of date order (older than an item listed below it), so it proves nothing.
After the proving page the walk goes on EGOV_INCREMENTAL_OVERLAP_PAGES more pages (default 0),
then stops: the nightly walk fetches the list pages down to the first known item and no more.
``full`` walks every page anyway (still fetching only unknown details): the weekly full walk
finds posts inserted deep in a list, e.g. backdated ones. The stop is only safe when the
previous run read the column whole; :mod:`crawler.resume` sees to that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from sqlalchemy import Connection, and_, select

from db.models import DisclosureDocument, PortalPost, PostListing

EntryState = Literal["new", "stored", "requested"]  # requested: by this run, another column


class Stored(NamedTuple):
    """A listed URL already in the database: its row id and whether this column lists it."""

    id: int
    listed_in_column: bool = False


class Listed(NamedTuple):
    """One list entry as the walk sees it."""

    state: EntryState
    listed_on: dt.date | None


StoredLookup = Callable[[Connection, int, int, Collection[str]], "dict[str, Stored]"]
"""(connection, site id, column id, canonical URLs) -> the stored ones, by URL."""


def stored_posts(
    connection: Connection, site_id: int, column_id: int, urls: Collection[str]
) -> dict[str, Stored]:
    """Return the posts of ``urls`` stored for a site, with whether the column lists them."""
    if not urls:
        return {}
    listing = PostListing.__table__
    rows = connection.execute(
        select(PortalPost.canonical_url, PortalPost.id, listing.c.id)
        .outerjoin(
            listing,
            and_(listing.c.post_id == PortalPost.id, listing.c.column_id == column_id),
        )
        .where(PortalPost.site_id == site_id, PortalPost.canonical_url.in_(list(urls)))
    )
    return {url: Stored(id_, listing_id is not None) for url, id_, listing_id in rows}


def stored_documents(
    connection: Connection, site_id: int, column_id: int, urls: Collection[str]
) -> dict[str, Stored]:
    """Return the disclosure documents of ``urls`` stored for a site."""
    if not urls:
        return {}
    rows = connection.execute(
        select(DisclosureDocument.url, DisclosureDocument.id).where(
            DisclosureDocument.site_id == site_id, DisclosureDocument.url.in_(list(urls))
        )
    )
    return {url: Stored(id_) for url, id_ in rows}


def proves_nothing_new_below(page: Sequence[Listed]) -> bool:
    """Return True when ``page`` (in list order) shows that the items below it are all stored."""
    if not any(e.state == "stored" for e in page):
        return False
    if all(e.state != "new" for e in page):
        return True
    newest_below: dt.date | None = None  # the newest date listed after each position
    for entry in reversed(page):
        if entry.state == "new":
            return False  # a new item below every stored one seen so far: keep walking
        if (
            entry.state == "stored"
            and entry.listed_on is not None
            and (newest_below is None or entry.listed_on >= newest_below)
        ):
            return True
        if entry.listed_on is not None and (newest_below is None or entry.listed_on > newest_below):
            newest_below = entry.listed_on
    return False


@dataclass
class ListWalk:
    """Decide, page after page, whether a column's list walk goes on."""

    overlap: int = 0
    full: bool = False
    pages_past_proof: int | None = None  # None until a page proved nothing new below

    def next_page_wanted(self, page: Sequence[Listed]) -> bool:
        """Record a list page's entries (in list order); return True to fetch the next page."""
        if self.pages_past_proof is not None:
            self.pages_past_proof += 1
        elif proves_nothing_new_below(page):
            self.pages_past_proof = 0
        if self.full or self.pages_past_proof is None:
            return True
        return self.pages_past_proof < self.overlap
