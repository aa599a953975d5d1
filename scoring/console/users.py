"""User administration (admins only): add users, change roles, passwords and access."""

from __future__ import annotations

from starlette.responses import Response

from db.models.console import Role
from scoring.console import accounts, data
from scoring.console.accounts import ADMIN_ROLES
from scoring.console.i18n import _
from scoring.console.routing import Ctx, action, page


def users_page(ctx: Ctx) -> Response:
    return _users_page(ctx)


def _users_page(ctx: Ctx, status: int = 200, error: str | None = None) -> Response:
    """The page; after a refused change, with the message and the new user's values (400)."""
    values = {k: ctx.field(k) for k in ("username", "display_name", "role", "department")}
    return ctx.render(
        "users.html",
        status,
        error=error,
        values=values if ctx.field("change") == "add" else {},
        users=accounts.list_users(ctx.db),
        roles=tuple(Role),
        failed=accounts.failed_logins(ctx.db),
        units=data.departments(ctx.db),
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
        return _("user %(name)s added") % {"name": name}
    if name == by and what in ("role", "disable"):
        raise accounts.AccountError(_("you cannot change your own role or access"))
    if what == "role":
        accounts.set_role(ctx.db, name, ctx.field("role"), ctx.field("department") or None, by=by)
        return _("%(name)s has a new role") % {"name": name}
    if what == "password":
        accounts.set_password(ctx.db, name, str(ctx.form.get("password", "")), by=by)
        return _("password of %(name)s changed") % {"name": name}
    if what in ("disable", "enable"):
        accounts.set_active(ctx.db, name, what == "enable", by=by)
        return (_("%(name)s enabled") if what == "enable" else _("%(name)s disabled")) % {
            "name": name
        }
    if what == "unlock":
        accounts.unlock(ctx.db, name, by=by)
        return _("%(name)s unlocked: its failed logins are forgiven") % {"name": name}
    raise accounts.AccountError(f"no such change: {what!r}")


def change_user(ctx: Ctx) -> Response:
    try:
        message = _change(ctx)
    except accounts.AccountError as error:
        return _users_page(ctx, 400, str(error))
    return ctx.redirect("/users", message)


ROUTES = [
    page("/users", users_page, ADMIN_ROLES),
    action("/users", change_user, ADMIN_ROLES),
]
