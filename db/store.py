"""Idempotent writes: storing the same observation twice leaves one row.

Each evidence table has a named unique constraint on what identifies an observation; these
helpers turn a conflict on it into a no-op with the backend's own ``ON CONFLICT DO NOTHING``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def _insert_ignoring_conflict(
    session: Session,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    conflict_columns: Sequence[str],
) -> Any:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return (
        module.insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict_columns))
    )


def _same_observation(
    model: type[DeclarativeBase], values: dict[str, Any], columns: Sequence[str]
) -> list[ColumnElement[bool]]:
    table = model.__table__  # type: ignore[attr-defined]
    return [table.c[name] == values[name] for name in columns]


def insert_or_ignore(
    session: Session,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    conflict_columns: Sequence[str],
) -> bool:
    """Insert ``values`` unless a row with the same ``conflict_columns`` exists; True if new."""
    statement = _insert_ignoring_conflict(session, model, values, conflict_columns)
    return session.execute(statement).rowcount == 1


def id_of_observation(
    session: Session,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    conflict_columns: Sequence[str],
) -> tuple[int, bool]:
    """Return the id of the row identified by ``conflict_columns`` and whether it is new.

    A new observation costs one statement (INSERT … RETURNING), a known one two.
    """
    table = model.__table__  # type: ignore[attr-defined]
    statement = _insert_ignoring_conflict(session, model, values, conflict_columns)
    new_id = session.execute(statement.returning(table.c.id)).scalar()
    if new_id is not None:
        return new_id, True
    known = select(table.c.id).where(*_same_observation(model, values, conflict_columns))
    return session.execute(known).scalar_one(), False


def get_or_insert(
    session: Session,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    conflict_columns: Sequence[str],
) -> Any:
    """Return the row identified by ``conflict_columns``, inserting ``values`` if it is new."""
    insert_or_ignore(session, model, values, conflict_columns)
    query = select(model).where(*_same_observation(model, values, conflict_columns))
    return session.scalars(query).one()
