"""The working-day calendar (工作日): statutory holidays and make-up working days (调休).

The 5-working-day rule counts on China's statutory calendar, not on weekdays: Sunday 2013-02-17
was a working day, Monday 2012-10-01 was not. The holidays come from the ``chinese-calendar``
package plus ``db/data/workdays.toml``, which adds years the package lacks and corrects days.
A date in a year that neither covers raises :class:`CalendarNotCoveredError`: a weekday count
would silently misjudge documents signed before a holiday, so there is no fallback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import chinese_calendar
from chinese_calendar import constants as package_days

DEFAULT_CALENDAR_FILE = Path(__file__).with_name("data") / "workdays.toml"


class CalendarNotCoveredError(LookupError):
    """A date falls in a year whose holidays nobody has entered."""

    def __init__(self, message: str, year: int, source: Path) -> None:
        super().__init__(message)
        self.year = year
        self.source = source


class CalendarFileError(ValueError):
    """The calendar file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class YearOverride:
    """One ``[[year]]`` entry of the calendar file."""

    year: int
    off: frozenset[dt.date] = field(default_factory=frozenset)
    working: frozenset[dt.date] = field(default_factory=frozenset)


class WorkdayCalendar:
    """Answer "is this a working day?" from the package plus the file's years and overrides."""

    def __init__(self, overrides: Iterable[YearOverride] = (), source: Path | None = None) -> None:
        self.source = source or DEFAULT_CALENDAR_FILE
        self._off: set[dt.date] = set()
        self._working: set[dt.date] = set()
        self._file_years: set[int] = set()
        for entry in overrides:
            self._file_years.add(entry.year)
            self._off |= entry.off
            self._working |= entry.working
        self._package_years = range(
            min(package_days.holidays).year, max(package_days.holidays).year + 1
        )

    def covers(self, year: int) -> bool:
        return year in self._package_years or year in self._file_years

    @property
    def covered_years(self) -> list[int]:
        return sorted({*self._package_years, *self._file_years})

    def _require(self, day: dt.date) -> None:
        if not self.covers(day.year):
            years = self.covered_years
            raise CalendarNotCoveredError(
                f"the working-day calendar has no holiday data for {day.year} (needed for "
                f"{day.isoformat()}); it covers {years[0]}-{years[-1]} and the years listed in "
                f"{self.source}. Add a [[year]] entry for {day.year} to {self.source} from the "
                "State Council's holiday notice; weekdays are never counted instead.",
                day.year,
                self.source,
            )

    def is_working_day(self, day: dt.date) -> bool:
        """Return whether ``day`` is a working day; raise if its year is not covered."""
        if isinstance(day, dt.datetime):
            day = day.date()
        self._require(day)
        if day in self._working:
            return True
        if day in self._off:
            return False
        if day.year in self._package_years:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def lag_working_days(self, signed_on: dt.date, published_on: dt.date) -> int:
        """Count working days d with ``signed_on < d <= published_on``.

        The signing day is day 0 and a document signed on a day off starts counting from the
        next working day. Publication before signing gives 0 (the page's dates are stored as
        claimed; the check does not reward or punish them).
        """
        self._require(signed_on)
        self._require(published_on)
        lag = 0
        day = signed_on + dt.timedelta(days=1)
        while day <= published_on:
            lag += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return lag

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """Return the day ``count`` working days after ``start`` (the deadline for count=5)."""
        day = start
        while count > 0:
            day += dt.timedelta(days=1)
            count -= self.is_working_day(day)
        return day


def load_calendar(path: Path = DEFAULT_CALENDAR_FILE) -> WorkdayCalendar:
    """Read the calendar file; raise :class:`CalendarFileError` on the first problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CalendarFileError(f"{path}: cannot read: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise CalendarFileError(f"{path}: not valid TOML: {error}") from error
    unknown = set(data) - {"year"}
    if unknown:
        raise CalendarFileError(f"{path}: unknown section(s) {sorted(unknown)}")
    return WorkdayCalendar([_year(path, raw) for raw in data.get("year", [])], source=path)


def _year(path: Path, raw: dict[str, object]) -> YearOverride:
    year = raw.get("year")
    if not isinstance(year, int):
        raise CalendarFileError(f"{path}: a [[year]] entry needs 'year = YYYY', got {year!r}")
    unknown = set(raw) - {"year", "off", "working"}
    if unknown:
        raise CalendarFileError(f"{path}: year {year}: unknown key(s) {sorted(unknown)}")
    days: dict[str, frozenset[dt.date]] = {}
    for key in ("off", "working"):
        values = raw.get(key, [])
        if not isinstance(values, list):
            raise CalendarFileError(f"{path}: year {year}: '{key}' must be a list of dates")
        parsed = set()
        for value in values:
            if isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = dt.date.fromisoformat(value)
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise CalendarFileError(
                    f"{path}: year {year}: '{key}' has {value!r}, not a YYYY-MM-DD date"
                )
            if value.year != year:
                raise CalendarFileError(f"{path}: year {year}: '{key}' has {value} of another year")
            parsed.add(value)
        days[key] = frozenset(parsed)
    both = days["off"] & days["working"]
    if both:
        raise CalendarFileError(
            f"{path}: year {year}: {sorted(d.isoformat() for d in both)} both off and working"
        )
    return YearOverride(year, days["off"], days["working"])


@cache
def default_calendar() -> WorkdayCalendar:
    """Return the calendar of the bundled file, read once per process."""
    return load_calendar()


def is_working_day(day: dt.date) -> bool:
    """Return whether ``day`` is a working day on the default calendar."""
    return default_calendar().is_working_day(day)


def lag_working_days(signed_on: dt.date, published_on: dt.date) -> int:
    """Count working days d with signed_on < d <= published_on on the default calendar."""
    return default_calendar().lag_working_days(signed_on, published_on)
