"""Create engines and sessions; nothing here runs at import time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from db.errors import DatabaseDirectoryError, DatabaseUrlError, one_line

SQLITE_BUSY_TIMEOUT_MS = 30_000
URL_FORMS = "expected sqlite:///FILE or postgresql+psycopg://USER@HOST/DATABASE"


def make_engine(url: str, **kwargs: object) -> Engine:
    """Return an engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout.

    WAL lets analysts read while the nightly crawl writes; the busy timeout makes a writer wait
    for another writer instead of failing at once. A URL that names no usable database raises
    :class:`DatabaseUrlError`, a SQLite directory that cannot be made
    :class:`DatabaseDirectoryError`: both say what is wrong in one line.
    """
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        _make_sqlite_directory(parsed)
        engine = _create(url, parsed, kwargs)
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return _create(url, parsed, kwargs)


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(f"not a database URL; {URL_FORMS}") from None


def _make_sqlite_directory(parsed: URL) -> None:
    """Create the SQLite file's directory (not for memory or ``uri=true`` file: URIs)."""
    database = parsed.database
    if not database or database == ":memory:" or parsed.query.get("uri") == "true":
        return
    try:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseDirectoryError(error.errno, error.strerror, error.filename) from error


def _create(url: str, parsed: URL, kwargs: dict[str, object]) -> Engine:
    """``create_engine``; an unknown database kind or a driver not installed is one line."""
    try:
        return create_engine(url, **kwargs)
    except (ArgumentError, ImportError) as error:
        reason = one_line(error)
        raise DatabaseUrlError(
            f"no database driver {parsed.drivername!r} here ({reason}); {URL_FORMS}"
        ) from None


def _configure_sqlite_connection(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on any error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
