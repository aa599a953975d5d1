"""Each user's choice of the console's language (中文 or English), kept with the user."""

from __future__ import annotations

from starlette.responses import Response

from db.models import ConsoleUser
from scoring.console.accounts import READ_ROLES
from scoring.console.i18n import LOCALES
from scoring.console.routing import Ctx, HTTPError, action


def choose_language(ctx: Ctx) -> Response:
    locale = ctx.field("locale")
    if locale not in LOCALES:
        raise HTTPError(400, f"no such language: {locale!r}")
    user = ctx.db.get(ConsoleUser, ctx.user.id)
    assert user is not None
    user.locale = locale
    back = ctx.field("back")
    safe = back.startswith("/") and not back.startswith("//") and "\\" not in back
    return ctx.redirect(back if safe else "/")


ROUTES = [action("/language", choose_language, READ_ROLES)]
