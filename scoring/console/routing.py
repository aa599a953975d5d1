"""How every console route is declared: logged in, allowed by role, CSRF-checked when unsafe.

Pages are declared with :func:`page` (GET) and forms with :func:`action` (POST); no other route
builder is used, so no route can forget the login, role or CSRF check. The endpoint itself is a
plain function run in a worker thread with one database transaction: committed when it returns,
rolled back when it raises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from db.engine import session_scope
from db.models import ConsoleUser, utcnow
from scoring.console import i18n, sessions
from scoring.console.accounts import READ_ROLES, WRITE_ROLES, Account, account_of
from scoring.console.csrf import token_is_valid
from scoring.console.i18n import _
from scoring.console.inspections import use_national_rules
from scoring.rules import Rules

Endpoint = Callable[["Ctx"], Response]
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a page may be asked about


class IdConvertor(Convertor[int]):
    """A row id in a path: 1 to 18 digits, so it always fits a 64-bit column.

    A longer number matches no route (404), instead of overflowing the database driver.
    """

    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())


class HTTPError(Exception):
    """Stop the request with a status and a one-line message shown on the error page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_found(what: str | None = None) -> HTTPError:
    """404 also for what exists but is outside the user's department: nothing is revealed."""
    return HTTPError(404, what or _("no such page"))


@dataclass
class Ctx:
    """What an endpoint gets: the request, a database session, the user, the form, the rules."""

    request: Request
    db: Session
    user: Account
    rules: Rules
    now: dt.datetime
    form: Mapping[str, Any] = field(default_factory=dict)

    @property
    def query(self) -> Mapping[str, str]:
        return self.request.query_params

    def render(self, template: str, status_code: int = 200, **context: Any) -> Response:
        return render(self.request, template, status_code, user=self.user, **context)

    def redirect(self, url: str, message: str | None = None) -> Response:
        if message:
            flash(self.request, message)
        return RedirectResponse(url, status_code=303)

    def see(self, department_id: int | None) -> None:
        """Refuse (404) a department outside this user's scope; ``None`` is nobody's."""
        scope = self.user.scope
        if scope is not None and department_id not in scope:
            raise not_found()

    def field(self, name: str, default: str = "") -> str:
        value = self.form.get(name, default)
        return value.strip() if isinstance(value, str) else default


def flash(request: Request, message: str) -> None:
    request.session.setdefault("flash", []).append(message)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    templates = request.app.state.templates
    messages = request.session.pop("flash", []) if "session" in request.scope else []
    return templates.TemplateResponse(
        request, template, {"messages": messages, **context}, status_code=status_code
    )


def error_page(request: Request, status: int, message: str, user: Account | None) -> Response:
    return render(request, "error.html", status, user=user, status=status, message=message)


def speak(request: Request, user: Account | None = None) -> None:
    """Set the language of this request: the user's choice, else the browser's, else Chinese."""
    accept = request.headers.get("accept-language", "")
    i18n.use(i18n.negotiate(accept, user.locale if user else None))


def current_account(request: Request, db: Session) -> Account | None:
    """The logged-in user, or ``None``.

    A disabled user, a changed password or a session ended on the server (logged out) makes
    the request anonymous, whatever the cookie says.
    """
    user_id = request.session.get("uid")
    if not isinstance(user_id, int):
        return None
    user = db.get(ConsoleUser, user_id)
    if (
        user is None
        or not user.active
        or request.session.get("pwd") != user.password_changed_at.isoformat()
        or not sessions.is_open(db, request.session.get("sid"), user.id)
    ):
        request.session.pop("uid", None)
        return None
    return account_of(db, user)


def _handler(endpoint: Endpoint, roles: frozenset[str], unsafe: bool, max_files: int = 0):  # type: ignore[no-untyped-def]
    async def handle(request: Request) -> Response:
        speak(request)
        form: Mapping[str, Any] = {}
        if unsafe:
            form = await request.form(max_files=max_files, max_fields=200)
            if not token_is_valid(request.session, form):
                return error_page(
                    request,
                    403,
                    _(
                        "the form's security token is missing or stale: "
                        "reload the page and try again"
                    ),
                    None,
                )
        return await run_in_threadpool(_run, request, endpoint, roles, unsafe, form)

    return handle


def _run(
    request: Request,
    endpoint: Endpoint,
    roles: frozenset[str],
    unsafe: bool,
    form: Mapping[str, Any],
) -> Response:
    state = request.app.state
    user: Account | None = None
    try:
        with session_scope(state.engine) as db:
            user = current_account(request, db)
            speak(request, user)
            if user is None:
                if unsafe:
                    raise HTTPError(403, _("log in first"))
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            if user.role not in roles:
                raise HTTPError(403, _("your role may not do this"))
            use_national_rules(state.national_rules)  # the settings given to create_app
            ctx = Ctx(request, db, user, state.rules, utcnow(), form)
            return endpoint(ctx)
    except HTTPError as error:
        return error_page(request, error.status, error.message, user)


def page(path: str, endpoint: Endpoint, roles: frozenset[str] = READ_ROLES) -> Route:
    """A GET page for logged-in users with one of ``roles``."""
    return Route(path, _handler(endpoint, roles, unsafe=False), methods=["GET"])


def action(
    path: str, endpoint: Endpoint, roles: frozenset[str] = WRITE_ROLES, *, max_files: int = 0
) -> Route:
    """A POST form for logged-in users with one of ``roles``, refused without its CSRF token.

    Files are refused unless ``max_files`` allows them (a form with attachments).
    """
    return Route(
        path, _handler(endpoint, roles, unsafe=True, max_files=max_files), methods=["POST"]
    )
