"""The root ``scoring`` group and what every subcommand shares: settings, engine, errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from importlib.metadata import version
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.config import Settings, load_settings
from db.engine import make_engine, session_scope
from scoring.api import NotFinalError
from scoring.assessment.periods import PeriodError
from scoring.cli.errors import PRODUCT_ERRORS, CommandLineError, OneLineErrors, UserError
from scoring.entries.manual import ManualEntryError
from scoring.entries.register import RegisterFileError
from scoring.inspection.columns import InspectionError
from scoring.rules import RulesError
from scoring.runs import UnknownRunError
from scoring.warnings.notify import NotifyConfigError

P = ParamSpec("P")
R = TypeVar("R")

__all__ = ["CommandLineError", "UserError"]


class ScoringErrors(OneLineErrors):
    """The ``scoring`` group: the product errors of scoring are one line too."""

    known_errors = (
        *PRODUCT_ERRORS,
        PeriodError,
        RulesError,
        UnknownRunError,
        ManualEntryError,
        RegisterFileError,
        InspectionError,
        NotifyConfigError,
        NotFinalError,
    )


@click.group(cls=ScoringErrors, context_settings={"help_option_names": ["-h", "--help"]})
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
def open_session() -> Iterator[Session]:
    """Open a session on the configured database (its failures are one line: see errors.py)."""
    engine = make_engine(settings().database_url)
    try:
        with session_scope(engine) as session:
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


def period_option(parse: Callable[[str], object]) -> Callable[..., str | None]:
    """A click callback: a period ``parse`` refuses is a command-line mistake (status 2)."""

    def check(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        if value is not None:
            try:
                parse(value)
            except PeriodError as error:
                raise CommandLineError(str(error)) from None
        return value

    return check


def not_utf8(path: Path, error: UnicodeDecodeError) -> UserError:
    """The one line for an input file that is not UTF-8 text."""
    return UserError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})")


def echo_err(message: str, **kwargs: Any) -> None:
    click.echo(message, err=True, **kwargs)
