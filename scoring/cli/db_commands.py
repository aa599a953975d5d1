"""``scoring db``: create and upgrade the evidence database schema."""

from __future__ import annotations

import click
from sqlalchemy.engine import make_url

from scoring.cli.app import UserError, settings


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
    from db.migrate import upgrade  # Alembic is slow to import: only this command needs it

    url = settings().database_url
    try:
        upgrade(url, revision)
    except Exception as error:
        raise UserError(f"cannot upgrade {make_url(url).render_as_string()}: {error}") from error
    click.echo(f"schema at {revision} in {make_url(url).render_as_string(hide_password=True)}")
