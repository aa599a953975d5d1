"""The working-day calendar: statutory holidays, make-up days (调休) and uncovered years."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from db.workdays import (
    DEFAULT_CALENDAR_FILE,
    CalendarFileError,
    CalendarNotCoveredError,
    is_working_day,
    lag_working_days,
    load_calendar,
)

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("signed", "published", "lag"),
    [
        # 2013 Spring Festival: 02-09..02-15 off, Sat 02-16 and Sun 02-17 make-up working days.
        ("2013-02-08", "2013-02-18", 3),
        ("2013-02-08", "2013-02-15", 0),
        ("2013-02-08", "2013-02-16", 1),
        # 2012 Spring Festival: 01-22..01-28 off, Sat 01-21 and Sun 01-29 working.
        ("2012-01-20", "2012-01-29", 2),
        ("2012-01-20", "2012-02-02", 6),
        ("2012-01-19", "2012-01-30", 4),
        # 2012 National Day with Mid-Autumn: 09-30..10-07 off, Sat 09-29 working.
        ("2012-09-28", "2012-10-08", 2),
        ("2012-09-27", "2012-10-11", 6),
        # 2013 National Day: 10-01..10-07 off, Sun 09-29 and Sat 10-12 working.
        ("2013-09-27", "2013-10-08", 3),
        ("2013-09-30", "2013-10-12", 5),
        ("2013-09-30", "2013-10-14", 6),
    ],
)
def test_lag_counts_statutory_working_days_around_holidays(
    signed: str, published: str, lag: int
) -> None:
    assert lag_working_days(D(signed), D(published)) == lag


def test_lag_is_zero_when_published_the_day_it_is_signed() -> None:
    assert lag_working_days(D("2012-03-05"), D("2012-03-05")) == 0


def test_lag_of_exactly_five_and_six_working_days_across_a_weekend() -> None:
    assert lag_working_days(D("2012-03-05"), D("2012-03-12")) == 5
    assert lag_working_days(D("2012-03-05"), D("2012-03-13")) == 6


def test_document_signed_on_a_weekend_counts_from_the_next_working_day() -> None:
    # Saturday 2012-03-10: Monday 03-12 is working day 1, Friday 03-16 is working day 5.
    assert lag_working_days(D("2012-03-10"), D("2012-03-12")) == 1
    assert lag_working_days(D("2012-03-10"), D("2012-03-16")) == 5
    assert lag_working_days(D("2012-03-10"), D("2012-03-11")) == 0


def test_document_signed_on_a_holiday_counts_from_the_first_day_back() -> None:
    # National Day 2012-10-03: the first working day after it is Monday 10-08.
    assert lag_working_days(D("2012-10-03"), D("2012-10-08")) == 1
    assert lag_working_days(D("2012-10-03"), D("2012-10-12")) == 5
    assert lag_working_days(D("2012-10-03"), D("2012-10-13")) == 5  # Saturday, off
    assert lag_working_days(D("2012-10-03"), D("2012-10-15")) == 6


def test_make_up_sunday_is_a_working_day_and_national_day_monday_is_not() -> None:
    assert is_working_day(D("2013-02-17"))
    assert not is_working_day(D("2012-10-01"))
    assert not is_working_day(D("2012-03-10"))
    assert is_working_day(D("2012-03-09"))


def test_year_without_calendar_data_raises_an_error_naming_the_file() -> None:
    with pytest.raises(CalendarNotCoveredError) as raised:
        lag_working_days(D("2027-03-01"), D("2027-03-08"))
    message = str(raised.value)
    assert "2027" in message
    assert str(DEFAULT_CALENDAR_FILE) in message
    with pytest.raises(CalendarNotCoveredError):
        lag_working_days(D("2026-12-30"), D("2027-01-04"))
    with pytest.raises(CalendarNotCoveredError):
        is_working_day(D("2027-06-01"))


def test_calendar_file_adds_a_year_and_overrides_a_day(tmp_path: Path) -> None:
    path = tmp_path / "workdays.toml"
    path.write_text(
        '[[year]]\nyear = 2027\noff = ["2027-01-01", 2027-02-08]\nworking = ["2027-02-06"]\n'
        '[[year]]\nyear = 2012\noff = ["2012-03-05"]\n',
        encoding="utf-8",
    )
    calendar = load_calendar(path)
    assert not calendar.is_working_day(D("2027-01-01"))
    assert calendar.is_working_day(D("2027-02-06"))  # a make-up Saturday
    assert not calendar.is_working_day(D("2027-02-08"))
    assert calendar.is_working_day(D("2027-02-09"))
    # Friday 2027-02-05 -> Tuesday 02-09: Sat 02-06 working, Sun 02-07 off, Mon 02-08 off.
    assert calendar.lag_working_days(D("2027-02-05"), D("2027-02-09")) == 2
    # The override of a package year changes that day only.
    assert not calendar.is_working_day(D("2012-03-05"))
    assert calendar.is_working_day(D("2012-03-06"))
    assert not calendar.is_working_day(D("2012-01-23"))
    with pytest.raises(CalendarNotCoveredError, match=str(path)):
        calendar.is_working_day(D("2028-01-03"))


def test_malformed_calendar_file_names_the_year_and_the_bad_value(tmp_path: Path) -> None:
    path = tmp_path / "workdays.toml"
    path.write_text('[[year]]\nyear = 2027\noff = ["2027-13-01"]\n', encoding="utf-8")
    with pytest.raises(CalendarFileError, match=r"year 2027: 'off' has '2027-13-01'"):
        load_calendar(path)


def test_bundled_calendar_file_loads() -> None:
    assert load_calendar().covers(2012)
