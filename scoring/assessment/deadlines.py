"""Disclosure deadlines: for each signing day, the last day a publication is still on time.

A document is on time when its working-day lag is at most the limit (5): published no later
than the day before the limit + 1-th working day after signing. That day depends only on the
signing date, so for a period's ≤ 366 signing days the assessment computes it once, from the
calendar in force (:class:`~scoring.assessment.lags.WorkingDayIndex`), hands the list to the
database as a
temporary table and lets it judge 150,000 documents with one lookup and one comparison each
(:meth:`DeadlineTable.status_sql`): ``published_on <= last_on_time``.

A signing day whose deadline the calendar cannot reach (its year, or the next, not entered) has
no deadline: its documents are ``no_calendar``, never judged on weekdays. :meth:`status` gives
the same verdict in Python, for the few documents judged outside the aggregate.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, Date, MetaData, Table, case, literal, or_
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from scoring.assessment.lags import Day, WorkingDayIndex, to_date

ONE_DAY = dt.timedelta(days=1)


class DeadlineTable:
    """On-time offsets (calendar days after signing) for the signing days of a period."""

    def __init__(
        self, index: WorkingDayIndex, start: dt.date, end: dt.date, limit_days: int
    ) -> None:
        self.index = index
        self.limit_days = limit_days
        self.offsets: dict[dt.date, int | None] = {}
        day = start
        while day <= end:
            self.offsets[day] = self._offset(day)
            day += ONE_DAY

    def _offset(self, signed: dt.date) -> int | None:
        """Days from ``signed`` to the last on-time publication day; None if not covered."""
        lag_day = signed
        while True:
            following = lag_day + ONE_DAY
            lag = self.index.lag(signed, following)
            if lag is None:
                return None
            if lag > self.limit_days:
                return (lag_day - signed).days
            lag_day = following

    def deadline(self, signed: Day) -> dt.date | None:
        day = to_date(signed)
        assert day is not None
        offset = self.offsets.get(day)
        if offset is None and day not in self.offsets:
            offset = self._offset(day)
        return None if offset is None else day + dt.timedelta(days=offset)

    def status(self, signed: Day | None, published: Day | None) -> str:
        """on_time, late, undated or no_calendar: the verdict :meth:`status_sql` gives."""
        if is_undated(signed, published):
            return "undated"
        deadline = self.deadline(signed)
        if deadline is None:
            return "no_calendar"
        return "on_time" if to_date(published) <= deadline else "late"  # type: ignore[operator]

    def load(self, session: Session) -> Table:
        """Put the deadlines in this transaction's temporary table; return the table."""
        connection = session.connection()
        DEADLINES.create(connection, checkfirst=True)
        connection.execute(DEADLINES.delete())
        connection.execute(
            DEADLINES.insert(),
            [
                {"day": day, "last_on_time": None if offset is None else day + offset * ONE_DAY}
                for day, offset in self.offsets.items()
            ],
        )
        return DEADLINES


def is_undated(signed: Day | None, published: Day | None) -> bool:
    """Whether a document is undated (无成文日期): missing a date, it is neither on time nor late.

    The one definition of "undated"; :func:`undated_sql` is the same test in SQL.
    """
    return signed is None or published is None


def undated_sql(signed: Any, published: Any) -> ColumnElement[bool]:
    """:func:`is_undated` of a document row, as a SQL condition on its two date columns."""
    return or_(signed.is_(None), published.is_(None))


def status_sql(signed: Any, published: Any, deadlines: Table) -> ColumnElement[str]:
    """A document row's verdict, given its dates and ``deadlines`` joined on the signing day."""
    last_on_time = deadlines.c.last_on_time
    return case(
        (undated_sql(signed, published), literal("undated")),
        (last_on_time.is_(None), literal("no_calendar")),
        (published <= last_on_time, literal("on_time")),
        else_=literal("late"),
    )


# One row per signing day of the period: the last day a publication is on time (NULL: the
# calendar cannot say). Temporary, per connection; dropped at commit on PostgreSQL.
DEADLINES = Table(
    "egov_disclosure_deadlines",
    MetaData(),
    Column("day", Date, primary_key=True),
    Column("last_on_time", Date),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DROP",
)
