"""PostgreSQL login roles with exactly the privileges one kind of user needs.

``scoring db grant-readonly`` (analysts) and ``scoring db grant-console`` (the web console)
differ only in what they grant; creating the role, setting its password and the grants every
role needs to connect are here once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import make_url

from scoring.cli.app import UserError, open_engine

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class GrantedRole:
    created: bool  # the role did not exist before
    database: str


def grant_role(command: str, role: str, password: str | None, grants: Sequence[str]) -> GrantedRole:
    """Create ``role`` if missing (with ``password``), let it connect, and apply ``grants``.

    Each grant is a statement without its ``TO role`` (e.g. ``SELECT ON ALL TABLES IN SCHEMA
    public``). ``command`` names the command in the one-line errors.
    """
    if not ROLE_NAME.fullmatch(role):
        raise UserError(f"role name {role!r}: use lower-case letters, digits and _")
    engine = open_engine()
    try:
        if engine.dialect.name != "postgresql":
            raise UserError(f"{command} needs PostgreSQL; SQLite files have no roles")
        database = make_url(str(engine.url)).database or ""
        with engine.begin() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
            )
            if not exists:
                connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
            if password is not None:
                quoted = password.replace("'", "''")
                connection.execute(text(f"ALTER ROLE \"{role}\" PASSWORD '{quoted}'"))
            connection.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"'))
            connection.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
            for grant in grants:
                connection.execute(text(f'{grant} "{role}"'))
    finally:
        engine.dispose()
    return GrantedRole(not exists, database)
