"""The clock the probes and link checks stamp their rows with.

Normally the real one. EGOV_CLOCK (an ISO instant with its zone) starts the clock at that
instant instead, advancing in real time from there: a replay of a past check, or a test that
builds a week of probes or two link checks a day apart without waiting for them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from scrapy.settings import BaseSettings

from db.models import utcnow

Clock = Callable[[], dt.datetime]


def clock_from_settings(settings: BaseSettings) -> Clock:
    """Return the real clock, or one started at EGOV_CLOCK; raise ValueError if it is bad."""
    start = settings.get("EGOV_CLOCK") or ""
    if not start:
        return utcnow
    origin = dt.datetime.fromisoformat(start)
    if origin.tzinfo is None:
        raise ValueError(f"EGOV_CLOCK {start!r} has no time zone (write e.g. +08:00)")
    began = time.monotonic()
    return lambda: (origin + dt.timedelta(seconds=time.monotonic() - began)).astimezone(dt.UTC)
