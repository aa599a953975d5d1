"""Find and parse the publication date written on a page.

The date text is cut out with a regular expression first (``发布时间:2013年02月04日 10:20``
is not something a general date parser reads), then built into an aware datetime in the
site's zone (pages write Beijing time without a zone).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

DATE_PATTERN = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-年/.]\s*(?P<m>\d{1,2})\s*[-月/.]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\sT]*(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2}))?)?"
)
COMPACT_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?!\d)")


def find_datetime(text: str | None, zone: dt.tzinfo = SHANGHAI) -> dt.datetime | None:
    """Return the first valid date (with time if written) in ``text``, aware; else None."""
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text)
    for pattern in (DATE_PATTERN, COMPACT_DATE):
        for match in pattern.finditer(text):
            parts = match.groupdict()
            try:
                return dt.datetime(
                    int(parts["y"]),
                    int(parts["m"]),
                    int(parts["d"]),
                    int(parts.get("H") or 0),
                    int(parts.get("M") or 0),
                    int(parts.get("S") or 0),
                    tzinfo=zone,
                )
            except ValueError:
                continue
    return None


def find_date(text: str | None) -> dt.date | None:
    """Return the first valid calendar date in ``text``."""
    found = find_datetime(text)
    return found.date() if found else None


def month_of(moment: dt.datetime, zone: dt.tzinfo = SHANGHAI) -> str:
    """Return ``YYYY-MM`` of ``moment`` in ``zone``: the month a post counts for."""
    return moment.astimezone(zone).strftime("%Y-%m")
