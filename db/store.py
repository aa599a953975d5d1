"""Idempotent writes: storing the same observation twice leaves one row.

Each evidence table has a named unique constraint on what identifies an observation; these
helpers turn a conflict on it into a no-op with the backend's own ``ON CONFLICT DO NOTHING``.
Statements are built once per (backend, table, conflict columns) and reused, so SQLAlchemy
compiles each once per process; :class:`BatchInsert` writes many rows in one multi-row
``INSERT … ON CONFLICT DO NOTHING [RETURNING …]`` (SQLite and PostgreSQL alike).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Insert, Row, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


@lru_cache(maxsize=64)
def insert_ignoring_conflict(
    dialect: str, table: Table, conflict_columns: tuple[str, ...], returning: tuple[str, ...] = ()
) -> Insert:
    """Return the ``INSERT … ON CONFLICT (conflict_columns) DO NOTHING`` of ``table``, cached."""
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(table).on_conflict_do_nothing(index_elements=list(conflict_columns))
    if returning:
        statement = statement.returning(*(table.c[name] for name in returning))
    return statement


def _table(model: type[DeclarativeBase]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def insert_or_ignore(
    session: Session,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    conflict_columns: Sequence[str],
) -> bool:
    """Insert ``values`` unless a row with the same ``conflict_columns`` exists; True if new."""
    statement = insert_ignoring_conflict(_dialect(session), _table(model), tuple(conflict_columns))
    return session.execute(statement, values).rowcount == 1


class BatchInsert:
    """Insert many rows of one table at once, skipping those that already exist.

    ``returning`` names the columns to read back from the rows actually inserted (typically the
    id and the natural key, to match ids to the rows given); rows skipped by a conflict are not
    returned.
    """

    def __init__(
        self,
        dialect: str,
        table: Table,
        conflict_columns: Sequence[str],
        returning: Sequence[str] = (),
    ) -> None:
        self.statement = insert_ignoring_conflict(
            dialect, table, tuple(conflict_columns), tuple(returning)
        )
        self.returns = bool(returning)

    def __call__(self, connection: Connection, rows: Iterable[dict[str, Any]]) -> list[Row[Any]]:
        rows = list(rows)
        if not rows:
            return []
        result = connection.execute(self.statement, rows)
        return list(result.all()) if self.returns else []
