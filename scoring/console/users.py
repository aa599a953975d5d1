"""User administration (admins only): add users, change roles, passwords and access."""

from __future__ import annotations

from sqlalchemy import select
from starlette.responses import Response

from db.models import Department
from db.models.console import ROLES
from scoring.console import accounts
from scoring.console.accounts import ADMIN_ROLES
from scoring.console.routing import Ctx, HTTPError, action, page


def users_page(ctx: Ctx) -> Response:
    return ctx.render(
        "users.html",
        users=accounts.list_users(ctx.db),
        roles=ROLES,
        failed=accounts.failed_logins(ctx.db),
        units=list(ctx.db.scalars(select(Department).order_by(Department.short_name))),
    )


def _change(ctx: Ctx) -> str:
    by = ctx.user.username
    name = ctx.field("username")
    what = ctx.field("change")
    if what == "add":
        accounts.create_user(
            ctx.db,
            username=name,
            password=str(ctx.form.get("password", "")),
            role=ctx.field("role"),
            department=ctx.field("department") or None,
            display_name=ctx.field("display_name"),
            by=by,
        )
        return f"user {name} added"
    if name == by and what in ("role", "disable"):
        raise accounts.AccountError("you cannot change your own role or access")
    if what == "role":
        accounts.set_role(ctx.db, name, ctx.field("role"), ctx.field("department") or None, by=by)
        return f"{name} is now {ctx.field('role')}"
    if what == "password":
        accounts.set_password(ctx.db, name, str(ctx.form.get("password", "")), by=by)
        return f"password of {name} changed"
    if what in ("disable", "enable"):
        accounts.set_active(ctx.db, name, what == "enable", by=by)
        return f"{name} {what}d"
    if what == "unlock":
        accounts.unlock(ctx.db, name, by=by)
        return f"{name} unlocked: its failed logins are forgiven"
    raise accounts.AccountError(f"no such change: {what!r}")


def change_user(ctx: Ctx) -> Response:
    try:
        message = _change(ctx)
    except accounts.AccountError as error:
        raise HTTPError(400, str(error)) from None
    return ctx.redirect("/users", message)


ROUTES = [
    page("/users", users_page, ADMIN_ROLES),
    action("/users", change_user, ADMIN_ROLES),
]
