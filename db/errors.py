"""Say a database or file problem in one line, for the one-line errors of the commands.

SQLAlchemy's messages run over several lines (the statement, the parameters, a link), and a
driver's own message may too (psycopg adds "Is the server running on that host…"). A user needs
the first line of what the driver said, and the fix when there is one (run the migrations).
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DBAPIError,
    OperationalError,
    SQLAlchemyError,
)

# PostgreSQL's codes for a table or a column that is not there: the schema is missing or old.
UNDEFINED_TABLE, UNDEFINED_COLUMN = "42P01", "42703"
UPGRADE_HINT = "run 'scoring db upgrade' first"


class DatabaseUrlError(ArgumentError):
    """The database URL names nothing usable: not a URL, an unknown kind, a driver not installed.

    An ``ArgumentError`` still, so that code catching SQLAlchemy's errors keeps catching it.
    """


class DatabaseDirectoryError(OSError):
    """The directory of the SQLite file cannot be created (an ``OSError`` with its errno)."""


def one_line(error: BaseException) -> str:
    """Return the first meaningful line of ``error``'s message."""
    if isinstance(error, SQLAlchemyError) and getattr(error, "orig", None) is not None:
        text = str(error.orig)  # type: ignore[attr-defined]
    elif isinstance(error, OSError) and error.strerror:
        text = f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    else:
        text = str(error)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def shown_url(url: str) -> str:
    """``url`` as it may be printed: the password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an invalid URL)"


def schema_problem(error: DBAPIError) -> str | None:
    """ "no schema yet" or "an older schema" when the error is a table or column not there."""
    code = getattr(error.orig, "sqlstate", None)
    message = str(error.orig)
    if code == UNDEFINED_TABLE or "no such table" in message:
        return "has no schema yet"
    if code == UNDEFINED_COLUMN or "no such column" in message:
        return "has an older schema"
    return None


def describe_database_error(error: BaseException, url: str) -> str | None:
    """One line for a database the commands cannot use, or ``None`` if ``error`` is not one.

    ``url`` is the database in use; it is shown with its password hidden.
    """
    shown = shown_url(url)
    if isinstance(error, DatabaseUrlError):
        return f"EGOV_DATABASE_URL: {error}"
    if isinstance(error, DatabaseDirectoryError):
        return f"cannot create the directory of the SQLite file {shown}: {one_line(error)}"
    if not isinstance(error, DBAPIError):
        return None
    schema = schema_problem(error)
    if schema is not None:
        return f"the evidence database {shown} {schema} ({one_line(error)}); {UPGRADE_HINT}"
    # OperationalError: unreachable, refused, cannot open; a bare DatabaseError: not a database.
    if isinstance(error, OperationalError) or type(error) is DatabaseError:
        return f"cannot use the evidence database {shown}: {one_line(error)}"
    return f"database error: {one_line(error)}"
