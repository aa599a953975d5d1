"""``scoring db``: create and upgrade the evidence database schema."""

from __future__ import annotations

import click

from db.config import debug_enabled
from db.errors import one_line, shown_url
from scoring.cli.app import UserError, settings
from scoring.cli.errors import describe


@click.group()
def db() -> None:
    """Manage the evidence database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target migration.")
def db_upgrade(revision: str) -> None:
    """Create or upgrade the schema by running the migrations.

    Safe to run again: an up-to-date database is left as it is.

    Example:

        EGOV_DATABASE_URL=postgresql+psycopg://egov@db/egov scoring db upgrade
    """
    # Alembic is slow to import: only this command needs it.
    from alembic.util import CommandError

    from db.migrate import upgrade

    url = settings().database_url
    try:
        upgrade(url, revision)
    except Exception as error:
        # A revision unknown here (or a database ahead of this code) is CommandError; an
        # error that is neither that nor a known failure is a bug and keeps its traceback.
        known = isinstance(error, CommandError) or describe(error, ()) is not None
        if debug_enabled() or not known:
            raise
        raise UserError(f"cannot upgrade {shown_url(url)}: {one_line(error)}") from error
    click.echo(f"schema at {revision} in {shown_url(url)}")
