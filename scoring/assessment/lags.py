"""Working-day lags (工作日), derived when assessing from the calendar in force.

The crawler stores a document's signing date (成文日期) and publication date as it read them;
the lag between them is counted here, on the calendar of ``db/data/workdays.toml`` and the
``chinese-calendar`` package as they stand now. A correction to the calendar file therefore
changes a stored document's verdict on the next report, and a document whose year nobody had
entered becomes dated once the year is added.

:class:`WorkingDayIndex` numbers every day of the calendar's continuous coverage with the count
of working days up to it, so a lag is one subtraction instead of a walk over the days (150,000
documents a report). It answers exactly as :meth:`db.workdays.WorkdayCalendar.lag_working_days`
and, for a date the calendar does not cover, says so (``None``) instead of counting weekdays.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from db.workdays import DEFAULT_CALENDAR_FILE, WorkdayCalendar, load_calendar

Day = dt.date | str  # bulk reads give ISO strings on SQLite and dates on PostgreSQL


class WorkingDayIndex:
    """Lags on one calendar from ``first_year`` through the end of its continuous coverage."""

    def __init__(self, calendar: WorkdayCalendar, first_year: int) -> None:
        self.calendar = calendar
        self.source = calendar.source
        self.first_year = first_year
        self._ordinal: dict[Day, int] = {}
        self._next_year = first_year  # years are numbered on demand, in order
        self._count = 0

    def _extend_to(self, year: int) -> None:
        """Number the days through ``year`` while the calendar covers every year up to it."""
        calendar = self.calendar
        while self._next_year <= year and calendar.covers(self._next_year):
            day = dt.date(self._next_year, 1, 1)
            while day.year == self._next_year:
                self._count += calendar.is_working_day(day)
                self._ordinal[day] = self._ordinal[day.isoformat()] = self._count
                day += dt.timedelta(days=1)
            self._next_year += 1

    def _lookup(self, day: Day) -> int | None:
        found = self._ordinal.get(day)
        if found is None:
            year = int(str(day)[:4])
            if year >= self._next_year:
                self._extend_to(year)
                found = self._ordinal.get(day)
        return found

    def covers(self, day: Day) -> bool:
        return self._lookup(day) is not None

    def lag(self, signed_on: Day, published_on: Day) -> int | None:
        """Working days d with ``signed_on < d <= published_on``; None when not covered.

        Publication on or before signing gives 0, as the calendar's own count does.
        """
        if published_on <= signed_on:  # type: ignore[operator]  # both dates or both ISO text
            covered = all(self.calendar.covers(int(str(d)[:4])) for d in (signed_on, published_on))
            return 0 if covered else None
        signed = self._lookup(signed_on)
        published = self._lookup(published_on)
        if signed is None or published is None:
            return None
        return max(0, published - signed)

    def describe_gap(self, day: Day) -> str:
        """The sentence a report prints for a document it could not date."""
        year = str(day)[:4]
        return f"no working-day calendar for {year}: add the year to {self.source}"


def calendar_in_force(path: Path | None = None) -> WorkdayCalendar:
    """Read the calendar file now (not once per process): a correction applies at once."""
    return load_calendar(path or CALENDAR_FILE)


CALENDAR_FILE = DEFAULT_CALENDAR_FILE  # db/data/workdays.toml


def to_date(day: Day | None) -> dt.date | None:
    """A day from a bulk read as a date."""
    if day is None or isinstance(day, dt.date):
        return day
    return dt.date.fromisoformat(day[:10])
