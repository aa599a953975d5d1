"""Items the spiders yield; pipelines turn them into evidence rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crawler.evidence import PageId


@dataclass
class PortalPostItem:
    """A post read from its detail page; ``page_id`` is the fetched page it was read from."""

    canonical_url: str
    column_key: str
    listed_url: str
    title: str
    published_at: dt.datetime
    source_text: str | None
    page_id: PageId
    date_method: str = "meta"


@dataclass
class ListingItem:
    """A post listed in a column, whose detail page was not fetched again for it.

    ``post_id`` is the stored post's id (None: a post this run requested through another
    column); ``listed_before`` says the post already has a listing in this column.
    """

    canonical_url: str
    column_key: str
    listed_url: str
    post_id: int | None = None
    listed_before: bool = False
