"""Time arithmetic inside SQL, the same on SQLite and PostgreSQL.

A rule that compares two stored instants with a margin between them ("the walk ran more than
seven days after the claimed time") has to run in the database to stay fast over millions of
rows, and neither SQLAlchemy nor SQL has one spelling for it. SQLite keeps timestamps as
``YYYY-MM-DD HH:MM:SS.ffffff`` text in UTC (see :class:`db.models.base.UTCDateTime`), so a
shifted instant is written back in that form to compare correctly as text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

LOCAL_ZONE = "Asia/Shanghai"
LOCAL_OFFSET_HOURS = 8  # China keeps no daylight saving time: the offset is fixed


class shifted(FunctionElement[dt.datetime]):
    """``instant + delta`` for a stored UTC timestamp; ``delta`` is a whole number of seconds."""

    type = DateTime(timezone=True)
    inherit_cache = True

    def __init__(self, instant: ColumnElement[Any], delta: dt.timedelta) -> None:
        # the seconds are literal SQL text, so they are part of the cached statement's key
        super().__init__(instant, literal_column(str(int(delta.total_seconds()))))

    def parts(self, compiler: SQLCompiler, **kw: Any) -> tuple[str, int]:
        instant, seconds = self.clauses.clauses
        return compiler.process(instant, **kw), int(compiler.process(seconds, **kw))


class local_date(FunctionElement[dt.date]):
    """The calendar day of a stored UTC timestamp in Asia/Shanghai."""

    type = Date()
    inherit_cache = True


@compiles(shifted, "sqlite")
def _shifted_sqlite(element: shifted, compiler: SQLCompiler, **kw: Any) -> str:
    instant, seconds = element.parts(compiler, **kw)
    # %f is seconds with milliseconds; three zeros give the stored six fraction digits back
    return f"(strftime('%Y-%m-%d %H:%M:%f', {instant}, '{seconds:+d} seconds') || '000')"


@compiles(shifted)
def _shifted_default(element: shifted, compiler: SQLCompiler, **kw: Any) -> str:
    instant, seconds = element.parts(compiler, **kw)
    return f"({instant} + make_interval(secs => {seconds}))"


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    instant = compiler.process(element.clauses, **kw)
    return f"date({instant}, '+{LOCAL_OFFSET_HOURS} hours')"


@compiles(local_date)
def _local_date_default(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    instant = compiler.process(element.clauses, **kw)
    return f"CAST(({instant} AT TIME ZONE '{LOCAL_ZONE}') AS DATE)"


class seconds_between(FunctionElement[int]):
    """Whole seconds from ``earlier`` to ``later`` (two stored UTC timestamps).

    Deterministic on both backends, so it may define a generated column and its index.
    """

    type = BigInteger()
    inherit_cache = True


@compiles(seconds_between, "sqlite")
def _seconds_between_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    earlier, later = (compiler.process(c, **kw) for c in element.clauses.clauses)
    return f"CAST(round((julianday({later}) - julianday({earlier})) * 86400) AS INTEGER)"


@compiles(seconds_between)
def _seconds_between_default(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    earlier, later = (compiler.process(c, **kw) for c in element.clauses.clauses)
    return f"CAST(extract(epoch FROM ({later} - {earlier})) AS BIGINT)"
