"""Items of the probe and link-check spiders; :mod:`crawler.inspection.pipelines` stores them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scrapy.http import Response


@dataclass
class ProbeItem:
    """One load of a probed page; ``response`` (the body served, if any) is kept as evidence."""

    target: str  # "home" or a column key
    url: str
    probed_at: dt.datetime
    http_status: int | None = None
    latency_seconds: float | None = None
    error_kind: str | None = None
    error: str | None = None
    newest_item_on: dt.date | None = None
    response: Response | None = None


@dataclass
class ScannedPageItem:
    """A page whose links were read: the home page or a column's list page."""

    url: str
    response: Response


@dataclass
class LinkCheckItem:
    """One link checked: where it was found and how the check went."""

    url: str
    kind: str
    internal: bool
    on_home: bool
    found_on: str
    checked_at: dt.datetime
    outcome: str  # ok, failed or skipped
    method: str | None = None
    http_status: int | None = None
    error_kind: str | None = None
    error: str | None = None
