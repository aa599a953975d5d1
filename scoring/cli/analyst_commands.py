"""``scoring db grant-readonly``: a PostgreSQL role that analysts can query with, and no more."""

from __future__ import annotations

import re

import click
from sqlalchemy import text
from sqlalchemy.engine import make_url

from scoring.cli.app import UserError, open_engine

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@click.command("grant-readonly")
@click.argument("role")
@click.option("--password", help="Set this login password (created or existing role).")
def grant_readonly(role: str, password: str | None) -> None:
    """Create ROLE if missing and let it SELECT every table and view, nothing else.

    PostgreSQL only. Tables and views created later by migrations are covered too (default
    privileges of the migrating user). Analysts connect as ROLE and cannot change evidence.

    Example:

        scoring db grant-readonly analyst --password 'change-me'
    """
    if not ROLE_NAME.fullmatch(role):
        raise UserError(f"role name {role!r}: use lower-case letters, digits and _")
    engine = open_engine()
    try:
        if engine.dialect.name != "postgresql":
            raise UserError("grant-readonly needs PostgreSQL; SQLite files have no roles")
        database = make_url(str(engine.url)).database
        with engine.begin() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
            )
            if not exists:
                connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
            if password is not None:
                connection.execute(
                    text(
                        f"ALTER ROLE \"{role}\" PASSWORD '{password.replace(chr(39), chr(39) * 2)}'"
                    )
                )
            for statement in (
                f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
                f'GRANT USAGE ON SCHEMA public TO "{role}"',
                f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"',
                f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO "{role}"',
            ):
                connection.execute(text(statement))
    finally:
        engine.dispose()
    click.echo(
        f"{role}: {'created, ' if not exists else ''}SELECT on all tables and views of {database}"
    )
