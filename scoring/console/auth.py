"""Log in and out. The session cookie is signed (itsdangerous) and carries the user id and
the token of a session kept on the server, which logging out ends."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from db.engine import session_scope
from scoring.console import sessions
from scoring.console.accounts import RateLimited, authenticate
from scoring.console.csrf import rotate, token_is_valid
from scoring.console.i18n import _
from scoring.console.routing import current_account, error_page, render, speak


def _safe_next(target: str | None) -> str:
    """Only a path on this console: never an open redirect to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


async def login_form(request: Request) -> Response:
    speak(request)

    def run() -> Response:
        with session_scope(request.app.state.engine) as db:
            if current_account(request, db) is not None:
                return RedirectResponse(_safe_next(request.query_params.get("next")), 303)
        return render(
            request, "login.html", next=_safe_next(request.query_params.get("next")), user=None
        )

    return await run_in_threadpool(run)


async def login(request: Request) -> Response:
    speak(request)
    form = await request.form(max_files=0, max_fields=50)
    if not token_is_valid(request.session, form):
        return error_page(request, 403, _("the login form expired: reload the page"), None)
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "")))
    client = request.client.host if request.client else "unknown"

    def run() -> Response:
        try:
            with session_scope(request.app.state.engine) as db:
                account = authenticate(db, username, password, client)
                token = sessions.start(db, account.id) if account is not None else None
        except RateLimited as refused:
            return render(request, "login.html", 429, next=target, error=str(refused), user=None)
        if account is None:
            return render(
                request,
                "login.html",
                401,
                next=target,
                error=_("wrong user name or password"),
                username=username,
                user=None,
            )
        request.session.clear()  # a fresh session: nothing from before the login survives
        request.session["uid"] = account.id
        request.session["pwd"] = account.password_stamp
        request.session["sid"] = token
        rotate(request.session)
        return RedirectResponse(target, status_code=303)

    return await run_in_threadpool(run)


async def logout(request: Request) -> Response:
    speak(request)
    form = await request.form(max_files=0, max_fields=50)
    if not token_is_valid(request.session, form):
        return error_page(request, 403, _("the form's security token is missing"), None)
    token = request.session.get("sid")

    def run() -> None:
        with session_scope(request.app.state.engine) as db:
            sessions.end(db, token)

    await run_in_threadpool(run)
    request.session.clear()
    rotate(request.session)
    return RedirectResponse("/login", status_code=303)


ROUTES = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
