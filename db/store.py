"""Idempotent writes: storing the same observation twice leaves one row.

Each evidence table has a named unique constraint on what identifies an observation; these
helpers turn a conflict on it into a no-op with the backend's own ``ON CONFLICT DO NOTHING``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def insert_or_ignore(
    session: Session,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    conflict_columns: Sequence[str],
) -> bool:
    """Insert ``values`` unless a row with the same ``conflict_columns`` exists; True if new."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict_columns))
    )
    return session.execute(statement).rowcount == 1


def get_or_insert(
    session: Session,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    conflict_columns: Sequence[str],
) -> Any:
    """Return the row identified by ``conflict_columns``, inserting ``values`` if it is new."""
    insert_or_ignore(session, model, values, conflict_columns)
    table = model.__table__  # type: ignore[attr-defined]
    query = select(model).where(*(table.c[name] == values[name] for name in conflict_columns))
    return session.scalars(query).one()
