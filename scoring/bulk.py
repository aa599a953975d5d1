"""Bulk reads: the driver's tuples, without SQLAlchemy's per-row objects.

A report reads up to 150,000 document rows; building a ``Row`` per row and parsing every SQLite
date costs more than the query itself. :func:`fetch_tuples` runs an ordinary Core ``select``
(parameters are bound and typed as usual) and returns what the driver returned: integers and
text as they are, dates as ``date`` on PostgreSQL and ISO text on SQLite (see
:mod:`scoring.assessment.lags`, which reads both). Select no timestamps or booleans through it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session


def fetch_tuples(session: Session, statement: Select[Any]) -> list[tuple[Any, ...]]:
    """Run ``statement`` and return the driver's rows."""
    result = session.connection().execute(statement)
    try:
        return list(result.cursor.fetchall()) if result.cursor is not None else []
    finally:
        result.close()
