"""The period an inspection covers: a week (2019-W12), a month (2019-03) or a quarter (2019Q1).

Inspections are run quarterly; the bulletins monthly; a week is the probes' window.
"""

from __future__ import annotations

import datetime as dt
import re

from scoring.assessment.periods import PeriodError, parse_month, parse_quarter

_WEEK = re.compile(r"(\d{4})-?[Ww](\d{1,2})")


def period_days(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day of an ISO week, a month or a quarter; ValueError if none."""
    text = text.strip()
    week = _WEEK.fullmatch(text)
    if week:
        try:
            first = dt.date.fromisocalendar(int(week[1]), int(week[2]), 1)
        except ValueError:
            raise ValueError(f"no week {text!r} (ISO weeks run 1 to 52 or 53)") from None
        return first, first + dt.timedelta(days=6)
    try:
        found = parse_quarter(text) if "q" in text.lower() else parse_month(text)
    except PeriodError:
        raise ValueError(
            f"not a period: {text!r} (expected a week 2019-W12, a month 2019-03 "
            "or a quarter 2019Q1)"
        ) from None
    return found.first_day, found.last_day
