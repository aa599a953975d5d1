"""``scoring serve``, ``scoring users …`` and ``scoring db grant-console``: the web console."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from db.models.base import values
from db.models.console import Role
from scoring.cli.app import UserError, open_session, settings
from scoring.cli.output import emit, output_options
from scoring.cli.roles import grant_role


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--secure-cookies",
    is_flag=True,
    help="Send the session cookie over HTTPS only (set it behind a TLS reverse proxy).",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="ADDRESS",
    help="A reverse proxy (IP address or network) whose X-Forwarded-For is believed; "
    "repeatable. Without it, no forwarded address is believed.",
)
def serve(host: str, port: int, secure_cookies: bool, trusted_proxies: tuple[str, ...]) -> None:
    """Serve the web console: the board, evidence, reviews, entries, reports and users.

    Uses the same database and rules as every other command. Session cookies are signed with
    EGOV_SESSION_KEY, or with a key generated once in EGOV_VAR_DIR/console-secret.key. Add a
    first user with 'scoring users add'. Listen on 127.0.0.1 unless a TLS proxy is in front.

    Example:

        scoring users add wang --role admin && scoring serve --port 8000
    """
    import uvicorn

    from scoring.console.app import create_app
    from scoring.console.secret import SecretKeyError

    try:
        app = create_app(settings(), secure_cookies=secure_cookies, trusted_proxies=trusted_proxies)
    except SecretKeyError as error:
        raise UserError(str(error)) from error
    click.echo(f"console on http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    # the app itself decides which proxies to believe (create_app); uvicorn believes none
    uvicorn.run(
        app, host=host, port=port, log_level="info", server_header=False, proxy_headers=False
    )


@click.group("users")
def users() -> None:
    """Manage the console's users and their roles (viewer, reviewer, admin, liaison)."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _actor() -> str:
    return "cli"


@users.command("add")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(values(Role)),
    help="viewer reads; reviewer also reviews and enters; admin also manages users; "
    "liaison reads its own department only.",
)
@click.option("--department", help="A liaison's department (short name, e.g. 市发改委).")
@click.option("--name", "display_name", default="", help="The person's name, as shown.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_add(
    username: str, role: str, department: str | None, display_name: str, password_stdin: bool
) -> None:
    """Add a console user; the password is asked for twice (or read with --password-stdin).

    Example:

        scoring users add li.liaison --role liaison --department 市发改委 --name 李明
    """
    from scoring.console.accounts import AccountError, create_user

    password = _password(password_stdin)
    try:
        with open_session() as session:
            create_user(
                session,
                username=username,
                password=password,
                role=role,
                department=department,
                display_name=display_name,
                by=_actor(),
            )
    except AccountError as error:
        raise UserError(str(error)) from error
    click.echo(f"user {username} added as {role}" + (f" of {department}" if department else ""))


@users.command("list")
@output_options
def users_list(fmt: str, output: Path | None) -> None:
    """List console users with role, department, access and last login.

    Example:

        scoring users list --format csv
    """
    from scoring.console.accounts import list_users

    with open_session() as session:
        rows = [
            {
                "username": user.username,
                "name": user.display_name,
                "role": user.role,
                "department": department or "",
                "active": user.active,
                "last_login": user.last_login_at.isoformat(timespec="seconds")
                if user.last_login_at
                else "",
            }
            for user, department in list_users(session)
        ]
    emit(rows, ("username", "name", "role", "department", "active", "last_login"), fmt, output)


@users.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(values(Role)))
@click.option("--department", help="Needed for a liaison (short name).")
def users_set_role(username: str, role: str, department: str | None) -> None:
    """Change a user's role (and a liaison's department).

    Example:

        scoring users set-role li.liaison viewer
    """
    from scoring.console.accounts import AccountError, set_role

    try:
        with open_session() as session:
            set_role(session, username, role, department, by=_actor())
    except AccountError as error:
        raise UserError(str(error)) from error
    click.echo(f"{username} is now {role}")


@users.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_set_password(username: str, password_stdin: bool) -> None:
    """Set a user's password; the user's open sessions end.

    Example:

        scoring users set-password wang
    """
    from scoring.console.accounts import AccountError, set_password

    password = _password(password_stdin)
    try:
        with open_session() as session:
            set_password(session, username, password, by=_actor())
    except AccountError as error:
        raise UserError(str(error)) from error
    click.echo(f"password of {username} changed")


@users.command("disable")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Give access back instead.")
def users_disable(username: str, enable: bool) -> None:
    """Take a user's access away (or give it back with --enable); history is kept.

    Example:

        scoring users disable li.liaison
    """
    from scoring.console.accounts import AccountError, set_active

    try:
        with open_session() as session:
            set_active(session, username, enable, by=_actor())
    except AccountError as error:
        raise UserError(str(error)) from error
    click.echo(f"{username} {'enabled' if enable else 'disabled'}")


# What the console writes, and nothing more (PostgreSQL privileges).
CONSOLE_WRITES = (
    "INSERT, UPDATE ON console_users",
    "INSERT, UPDATE ON review_items",
    "INSERT ON audit_events",
    "INSERT ON login_attempts",
    "INSERT ON department_aliases",
    "INSERT, UPDATE ON unresolved_names",
    "UPDATE (attribution, department_id) ON portal_posts",
    "UPDATE (attribution, department_id) ON disclosure_documents",
    "INSERT ON manual_scores",
    "INSERT ON score_runs",
    "INSERT, UPDATE (ended_at) ON console_sessions",
    "INSERT, UPDATE ON rectifications",
    "INSERT ON rectification_answers",
    "INSERT ON rectification_attachments",
    "INSERT ON nondisclosure_explanations",
)


@click.command("grant-console")
@click.argument("role")
@click.option("--password", help="Set this login password (created or existing role).")
def grant_console(role: str, password: str | None) -> None:
    """Create ROLE if missing and grant it what the web console needs, and no more.

    PostgreSQL only. The role may read every table and view, and write only the console's own
    tables, aliases and re-attribution, analyst entries and score runs. It cannot delete
    anything, change the audit log or the evidence's content, or alter the schema. Run the
    console with EGOV_DATABASE_URL naming this role.

    Example:

        scoring db grant-console egov_console --password 'change-me'
    """
    granted = grant_role(
        "grant-console",
        role,
        password,
        (
            "GRANT SELECT ON ALL TABLES IN SCHEMA public TO",
            "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO",
            *(f"GRANT {grant} TO" for grant in CONSOLE_WRITES),
        ),
    )
    click.echo(
        f"{role}: {'created, ' if granted.created else ''}SELECT on all tables, "
        f"console writes on {len(CONSOLE_WRITES)} tables of {granted.database}"
    )


COMMANDS = (serve, users)
