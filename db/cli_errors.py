"""The error boundary of every command line: a known failure is one line, ``Error: …``.

Shared by ``scoring``, ``schedules`` and the crawler's ``sites``, so it lives beside the other
shared pieces in ``db`` (the crawler never imports scoring).

Each command line's root group catches, around every subcommand, the failures a user can act
on (the database cannot be used or has no schema, a file cannot be read or written, a setting
or an input file is wrong) and prints the reason in one line with exit status 1. Anything else
is a bug in the product and keeps its traceback. ``EGOV_DEBUG=1`` shows the traceback of the
known failures too.
"""

from __future__ import annotations

from typing import Any, ClassVar

import click

from db.attribution import AliasConflictError, UnknownDepartmentError
from db.config import SettingsError, debug_enabled, load_settings
from db.errors import describe_database_error, one_line
from db.registry import RegistryError
from db.workdays import CalendarFileError, CalendarNotCoveredError


class UserError(click.ClickException):
    """A mistake the user can fix: printed as one line, exit status 1, no traceback."""


class CommandLineError(click.ClickException):
    """A value on the command line that is not what the option takes: one line, status 2."""

    exit_code = 2


# Product errors whose message is already the one line a user needs.
PRODUCT_ERRORS: tuple[type[Exception], ...] = (
    SettingsError,
    UnknownDepartmentError,
    AliasConflictError,
    RegistryError,
    CalendarFileError,
    CalendarNotCoveredError,
)


def describe(error: BaseException, known: tuple[type[Exception], ...]) -> str | None:
    """The one line for ``error``, or ``None`` when it is not a known failure (a bug)."""
    if isinstance(error, known):
        return one_line(error)
    message = describe_database_error(error, _database_url())
    if message is not None:
        return message
    if isinstance(error, OSError):
        return one_line(error)
    return None


def _database_url() -> str:
    try:
        return load_settings().database_url
    except SettingsError:
        return ""


class OneLineErrors(click.Group):
    """A root group that turns the known failures of its subcommands into ``Error: …``."""

    known_errors: ClassVar[tuple[type[Exception], ...]] = PRODUCT_ERRORS

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            message = None if debug_enabled() else describe(error, self.known_errors)
            if message is None:
                raise
            raise UserError(message) from error
