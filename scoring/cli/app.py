"""The root ``scoring`` group and what every subcommand shares: settings, engine, errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from importlib.metadata import version
from typing import Any, ParamSpec, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from db.config import Settings, load_settings
from db.engine import make_engine, session_scope

P = ParamSpec("P")
R = TypeVar("R")


class UserError(click.ClickException):
    """A mistake the user can fix: printed as one line, exit status 1, no traceback."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version("egov-watch"), "-V", "--version", prog_name="scoring")
def cli() -> None:
    """Score government websites against the assessment rules.

    Reads the evidence database named by EGOV_DATABASE_URL (default: the SQLite file
    var/evidence.sqlite) and the rules file of the year.

    Example:

        scoring db upgrade && scoring departments import && scoring departments list
    """


def settings() -> Settings:
    return load_settings()


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn database failures into one-line errors ("no schema" says what to run)."""
    try:
        yield
    except (OperationalError, ProgrammingError) as error:
        message = str(error.orig) if error.orig is not None else str(error)
        if "no such table" in message or "does not exist" in message:
            raise UserError(
                f"the evidence database has no schema yet ({message.splitlines()[0]}); "
                "run 'scoring db upgrade' first"
            ) from error
        raise UserError(f"database error: {message.splitlines()[0]}") from error


@contextmanager
def open_session() -> Iterator[Session]:
    """Open a session on the configured database; turn "no schema" into a one-line error."""
    engine = make_engine(settings().database_url)
    try:
        with database_errors(), session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


def open_engine() -> Engine:
    return make_engine(settings().database_url)


def user_errors(*error_types: type[Exception]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Report the given exception types as one-line user errors."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return function(*args, **kwargs)
            except error_types as error:
                raise UserError(str(error)) from error

        return wrapper

    return decorate


def echo_err(message: str, **kwargs: Any) -> None:
    click.echo(message, err=True, **kwargs)
