"""Fixtures of the console tests: a seeded database on each backend and logged-in clients."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():  # Starlette suggests httpx2; httpx is what the lock has
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from db.config import Settings
from db.engine import make_engine, session_scope
from scoring.console.app import create_app
from tests.console import seed

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def console_settings(database_url: str, var_dir: Path) -> Settings:
    return Settings(
        database_url=database_url,
        var_dir=var_dir,
        rules_file=None,
        reports_dir=var_dir / "reports",
        session_key="test-secret-key-" + "x" * 32,
    )


@pytest.fixture
def seeded(database_url: str) -> dict[str, int]:
    """The ids of the seeded city (see tests/console/seed.py)."""
    return seed.build(database_url)


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match[1]


class Browser:
    """A TestClient with the two things every test does: log in, and post a page's form."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def login(self, username: str, password: str = seed.PASSWORD):  # type: ignore[no-untyped-def]
        token = csrf_of(self.client.get("/login").text)
        return self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token},
            follow_redirects=False,
        )

    def post_form(self, page: str, action: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
        """Post ``data`` to ``action`` with the CSRF token of ``page``, as the browser would."""
        token = csrf_of(self.client.get(page).text)
        return self.client.post(action, data={**data, "csrf_token": token}, follow_redirects=False)


@pytest.fixture
def open_console(
    database_url: str, seeded: dict[str, int], tmp_path: Path
) -> Iterator[Callable[..., Browser]]:
    """Make a client on the seeded database, logged in as ``username`` (or anonymous)."""
    clients: list[TestClient] = []

    def make(username: str | None = None) -> Browser:
        app = create_app(console_settings(database_url, tmp_path))
        client = TestClient(app, base_url="http://127.0.0.1")
        clients.append(client)
        browser = Browser(client)
        if username is not None:
            response = browser.login(username)
            assert response.status_code == 303, response.text
        return browser

    yield make
    for client in clients:
        client.app.state.engine.dispose()  # type: ignore[attr-defined]
        client.close()


def rows(database_url: str, query):  # type: ignore[no-untyped-def]
    """The ORM rows ``query`` selects, read in a session of their own."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return list(session.scalars(query))
    finally:
        engine.dispose()
