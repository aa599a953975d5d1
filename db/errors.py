"""Say a database or file problem in one line, for the one-line errors of the commands.

SQLAlchemy's messages run over several lines (the statement, the parameters, a link), and a
driver's own message may too (psycopg adds "Is the server running on that host…"). A user needs
the first line of what the driver said.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError


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
