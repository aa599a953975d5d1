"""Build the console application: routes, templates, sessions, security headers, one engine."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from db.config import Settings
from db.engine import make_engine
from scoring.assessment.periods import SHANGHAI
from scoring.console import (
    auth,
    board,
    crawls,
    departments,
    entries,
    evidence,
    history,
    i18n,
    language,
    rectification_pages,
    reports,
    reviews,
    users,
    warnings_page,
)
from scoring.console.csrf import csrf_token
from scoring.console.headers import SecurityHeaders
from scoring.console.routing import error_page, speak
from scoring.console.secret import console_secret
from scoring.rules import Rules, rules_in_force
from scoring.rules.national import national_rules_in_force
from scoring.warnings.notify import NotifyConfig, NotifyConfigError, notify_config_in_force

HERE = Path(__file__).parent
SESSION_COOKIE = "egov_console"
SESSION_SECONDS = 8 * 60 * 60  # one working day


def _templates(rules: Rules) -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")
    env = templates.env
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["locale"] = i18n.current
    env.globals["languages"] = i18n.LANGUAGE_NAMES
    env.filters["subitem"] = lambda key: subitem_name(rules, key)
    env.globals["csrf_token"] = lambda request: csrf_token(request.session)
    env.filters["local"] = _local_time
    env.filters["readable_json"] = _readable_json
    env.filters["points"] = lambda value: "" if value is None else f"{value:.2f}"
    return templates


def subitem_name(rules: Rules, key: str) -> str:
    """A sub-item (or item) as the rubric names it (门户网站), not by its key (a2.portal.site)."""
    for rubric in rules.rubrics:
        try:
            return rubric.subitem(key).name
        except KeyError:
            pass
        for item in rubric.items:
            if item.key == key:
                return item.name
    return key


def _readable_json(value: object) -> str:
    """Details as people read them: Chinese as Chinese, not ``\\u955c``; escaped by Jinja2."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _local_time(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


async def _http_error(request: Request, error: Exception) -> Response:
    """Starlette's own refusals (no route, wrong method) on the console's error page."""
    assert isinstance(error, HTTPException)
    speak(request)
    return error_page(request, error.status_code, str(error.detail), None)


def _notify_config(settings: Settings) -> NotifyConfig | None:
    """The targets file in force; a wrong one leaves the warnings page without targets."""
    try:
        return notify_config_in_force(settings)
    except NotifyConfigError:
        return None


def create_app(
    settings: Settings,
    *,
    secure_cookies: bool = False,
    trusted_proxies: Sequence[str] = (),
) -> Starlette:
    """The console for the database and rules of ``settings``.

    ``secure_cookies`` marks the session cookie ``Secure``: set it when the console is served
    over HTTPS (behind a reverse proxy), as it should be anywhere but on 127.0.0.1.
    ``trusted_proxies`` are the addresses of reverse proxies whose ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` are believed: the login rate limit then counts the user's own
    address, not the proxy's. Nobody is trusted by default, so no client can pose as another.
    """
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        engine.dispose()

    routes: list[Route | Mount] = [
        *auth.ROUTES,
        *board.ROUTES,
        *crawls.ROUTES,
        *departments.ROUTES,
        *evidence.ROUTES,
        *history.ROUTES,
        *reviews.ROUTES,
        *entries.ROUTES,
        *reports.ROUTES,
        *users.ROUTES,
        *language.ROUTES,
        *rectification_pages.ROUTES,
        *warnings_page.ROUTES,
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        *(
            [Middleware(ProxyHeadersMiddleware, trusted_hosts=list(trusted_proxies))]
            if trusted_proxies
            else []
        ),
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=console_secret(settings),
            session_cookie=SESSION_COOKIE,
            max_age=SESSION_SECONDS,
            same_site="lax",
            https_only=secure_cookies,
        ),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error},
    )
    app.state.engine = engine
    app.state.rules = rules_in_force(settings)
    app.state.national_rules = national_rules_in_force(settings)
    app.state.notify_config = _notify_config(settings)
    app.state.templates = _templates(app.state.rules)
    return app
