"""``scoring db grant-readonly``: a PostgreSQL role that analysts can query with, and no more."""

from __future__ import annotations

import click

from scoring.cli.roles import grant_role


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
    granted = grant_role(
        "grant-readonly",
        role,
        password,
        (
            "GRANT SELECT ON ALL TABLES IN SCHEMA public TO",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO",
        ),
    )
    click.echo(
        f"{role}: {'created, ' if granted.created else ''}SELECT on all tables and views of "
        f"{granted.database}"
    )
