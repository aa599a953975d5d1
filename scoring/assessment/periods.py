"""Assessment periods (考核期): a month, a quarter or a year, in Asia/Shanghai time.

A post counts for the month of its publication date in Asia/Shanghai; every period is therefore
a run of such months, and its instant bounds are midnight Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class PeriodError(ValueError):
    """A period label the user typed is not valid."""


@dataclass(frozen=True)
class Period:
    """A labelled run of months: ``2012-03``, ``2012Q1`` or ``2012``."""

    kind: str  # monthly, quarterly or annual (the score_runs.kind values)
    label: str
    year: int
    months: tuple[str, ...]

    @property
    def last_day(self) -> dt.date:
        return month_end(self.months[-1])

    @property
    def last_month(self) -> str:
        return self.months[-1]

    def year_to_date(self) -> tuple[str, ...]:
        """The months of the year from January through this period's last month."""
        return _year_to_date(self.year, int(self.last_month[5:]))

    def contains(self, label: str) -> bool:
        """Whether ``label`` (a month, quarter or year) lies wholly inside this period."""
        try:
            other = parse_period(label)
        except PeriodError:
            return False
        return set(other.months) <= set(self.months)


@cache
def _year_to_date(year: int, last: int) -> tuple[str, ...]:
    return tuple(month_label(year, m) for m in range(1, last + 1))


def month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_start(label: str) -> dt.date:
    return dt.date(int(label[:4]), int(label[5:7]), 1)


def month_end(label: str) -> dt.date:
    start = month_start(label)
    following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def shanghai_midnight(day: dt.date) -> dt.datetime:
    """The instant a calendar day begins in Asia/Shanghai, as an aware UTC datetime."""
    return dt.datetime.combine(day, dt.time(), SHANGHAI).astimezone(dt.UTC)


def month_bounds(label: str) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a month as UTC instants."""
    return (
        shanghai_midnight(month_start(label)),
        shanghai_midnight(month_end(label) + dt.timedelta(days=1)),
    )


def parse_month(text: str) -> Period:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise PeriodError(f"not a month: {text!r} (expected YYYY-MM, e.g. 2012-03)")
    year, month = int(match[1]), int(match[2])
    return Period("monthly", month_label(year, month), year, (month_label(year, month),))


def parse_quarter(text: str) -> Period:
    match = re.fullmatch(r"(\d{4})[Qq]([1-4])", text.strip())
    if not match:
        raise PeriodError(f"not a quarter: {text!r} (expected YYYYQn, e.g. 2012Q1)")
    year, quarter = int(match[1]), int(match[2])
    months = tuple(month_label(year, m) for m in range(3 * quarter - 2, 3 * quarter + 1))
    return Period("quarterly", f"{year}Q{quarter}", year, months)


def parse_year(text: str) -> Period:
    match = re.fullmatch(r"(\d{4})", str(text).strip())
    if not match:
        raise PeriodError(f"not a year: {text!r} (expected YYYY, e.g. 2012)")
    year = int(match[1])
    return Period("annual", str(year), year, tuple(month_label(year, m) for m in range(1, 13)))


def parse_period(text: str) -> Period:
    """Parse any of ``2012-03``, ``2012Q1`` or ``2012``."""
    text = text.strip()
    if "-" in text:
        return parse_month(text)
    if "q" in text.lower():
        return parse_quarter(text)
    return parse_year(text)


def last_complete_month(now: dt.datetime) -> Period:
    """The latest calendar month that had ended by ``now`` (Asia/Shanghai)."""
    local = now.astimezone(SHANGHAI)
    first = dt.date(local.year, local.month, 1) - dt.timedelta(days=1)
    return parse_month(month_label(first.year, first.month))


def last_complete_quarter(now: dt.datetime) -> Period:
    """The latest calendar quarter that had ended by ``now`` (Asia/Shanghai)."""
    month = last_complete_month(now)
    year, number = month.year, int(month.last_month[5:])
    if number % 3:
        number -= number % 3
        if number == 0:
            year, number = year - 1, 12
    return parse_quarter(f"{year}Q{number // 3}")


def last_complete_year(now: dt.datetime) -> Period:
    """The latest calendar year that had ended by ``now`` (Asia/Shanghai)."""
    return parse_year(str(now.astimezone(SHANGHAI).year - 1))


PARSERS = {"monthly": parse_month, "quarterly": parse_quarter, "annual": parse_year}
LATEST = {
    "monthly": last_complete_month,
    "quarterly": last_complete_quarter,
    "annual": last_complete_year,
}


def period_of_kind(kind: str, label: str | None, now: dt.datetime) -> Period:
    """Parse ``label`` as a period of ``kind``; without a label, the latest one ended by ``now``."""
    if kind not in PARSERS:
        raise PeriodError(f"no report kind {kind!r} (expected one of {', '.join(PARSERS)})")
    return PARSERS[kind](label) if label else LATEST[kind](now)


def months_ended_by(months: tuple[str, ...], cutoff: dt.datetime) -> tuple[str, ...]:
    """The months of ``months`` that had ended by ``cutoff``: the months assessed so far."""
    return tuple(m for m in months if month_bounds(m)[1] <= cutoff)
