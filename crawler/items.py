"""Items the spiders yield; pipelines turn them into evidence rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass
class PortalPostItem:
    """A post read from its detail page; ``page_id`` is the fetched page it was read from."""

    canonical_url: str
    column_key: str
    listed_url: str
    title: str
    published_at: dt.datetime
    source_text: str | None
    page_id: int
    date_method: str = "meta"


@dataclass
class ListingItem:
    """A post listed in a column, whose detail page was not fetched again for it."""

    canonical_url: str
    column_key: str
    listed_url: str
